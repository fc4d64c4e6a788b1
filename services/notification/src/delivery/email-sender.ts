import { PollingLoop } from './polling-loop.js';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { newId } from '@postera/kernel';
import { CONFIG, faultPoint, LOG, type Log } from '@postera/platform';
import nodemailer, { type Mail, type NodemailerError, type SMTPPoolOptions, type SMTPPoolSentMessageInfo } from 'nodemailer';
import { DataSource } from 'typeorm';
import { smtpTlsRequired, type NotificationConfig } from '../config.js';
import { isSingleMailbox } from '../contacts/domain/email-address.js';
import type { NoticeLayout } from '../notifications/domain/notice-layout.js';
import { renderNotification } from '../notifications/domain/render-notification.js';
import {
  claimDue,
  markUnrenderable,
  recordNotSent,
  recordSent,
  type AttemptError,
  type AttemptMessage,
  type ClaimedDelivery,
  type ClaimedNotification,
  type SentAttempt,
  type StartedAttempt,
  type UntriedAttempt,
} from './delivery.repository.js';
import { notificationSent } from './notification-events.js';
import { Lanes } from './lanes.js';
import { SentMarks } from './sent-marks.js';
import { WAKE_UP, WakeUps } from './wake-ups.js';
import { noticeContextOf, noticeIssuedAt } from './notice-context.js';
import { pdfFileName, renderNoticePdf } from './notice-pdf.js';
import { sendComposed } from './composed-mail.js';

const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_GREETING_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 30_000;
/** Messages over one pooled connection before it is renewed. */
const SMTP_MESSAGES_PER_CONNECTION_MAX = 100;
/** One send, from handing the message to the pool to the server's final reply. */
const SEND_TIMEOUT_MS = 60_000;
/**
 * No send of a batch starts later than this after the batch was claimed; the ones
 * not reached by then are given back, uncounted, to the next pass. Without it a slow server would
 * stretch a batch past its lease (100 messages × 60 s / 8 lanes: 12.5 min), and another sender could take
 * over notifications still being sent here.
 */
const BATCH_SEND_WINDOW_MS = 30_000;
/** Left, after the batch's last send has ended at the latest, to commit its outcomes. */
const OUTCOME_COMMIT_MARGIN_MS = 30_000;
/** Once claimed, the batch's notifications are this sender's for this long (2 min): every send starts in the window and ends within its timeout. */
const SEND_LEASE_MS = BATCH_SEND_WINDOW_MS + SEND_TIMEOUT_MS + OUTCOME_COMMIT_MARGIN_MS;
/** After an answered failure (4xx), the next attempt waits 30 s, 1 min, 2 min… — greylisting usually asks for minutes. */
const RETRY_BACKOFF_BASE_MS = 30_000;
const RETRY_BACKOFF_MAX_MS = 30 * 60_000;
/** The loop's own backoff when SMTP or Postgres is unreachable. */

/** A notification of the batch, claimed with its attempt started, rendered: ready for SMTP. */
interface Delivery {
  n: ClaimedNotification;
  /** The PDF is rendered in the sending lane, so that one lane's rendering overlaps the others' SMTP round trips. */
  rendered: { subject: string; body: string; layout?: NoticeLayout; createdAt: Date };
  attempt: StartedAttempt;
}

type SendOutcome =
  /** recorded: the SENT mark is committed (it is committed right after the server's acceptance). */
  | { status: 'accepted'; response: string; recorded: boolean }
  /** The server answered no, or could not be reached (see isUnreachable). */
  | { status: 'refused'; error: NodemailerError }
  /** Never handed to SMTP: the batch stopped before this one. */
  | { status: 'not-sent'; reason: string };

/**
 * Connection-level failures: the server did not (or no longer) answer — refused, reset, timed
 * out, or 421 "closing the channel". The notice is not at fault, so its attempt is given back and
 * the rest of the batch waits for the loop's backoff instead of meeting the same wall.
 */
function isUnreachable(e: NodemailerError): boolean {
  return e.responseCode === 421 || (e.responseCode === undefined && ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'EABORT'].includes(e.code ?? ''));
}

/** Where the SMTP URL may carry credentials: log the host only. */
function smtpHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparsable SMTP_URL)';
  }
}

/**
 * Sends the pending notifications by email, each once, a claimed batch at a time with a handful of
 * commits per batch rather than per mail: claim the batch with an attempt started on each (SKIP
 * LOCKED, committed at once), render, hand the mails to SMTP side by side with the stable Message-ID
 * <notification_id@postera>, then commit the outcomes with what each mail carried: every SENT with
 * its NotificationSent in the outbox (group-committed as the lanes hand them in), then the errors
 * (backoff, or FAILED when the attempts run out or the server refuses for good) in one transaction.
 */
@Injectable()
export class EmailSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /**
   * SEND_PASSES passes side by side, sharing the lanes: while one claims, renders and records its
   * attempts, or waits for its slowest send, another keeps the lanes busy; and a notice routed
   * while a pass is sending does not wait for that pass to end.
   */
  private readonly loops: PollingLoop[];
  private readonly lanes: Lanes;
  private transport: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions> | null = null;
  /** The lanes' SENT marks, group-committed, waiting out a database outage (SentMarks). */
  private readonly sentMarks: SentMarks;

  constructor(
    @Inject(CONFIG) private readonly config: NotificationConfig,
    @Inject(LOG) private readonly log: Log,
    private readonly ds: DataSource,
    wakeUps: WakeUps,
  ) {
    this.sentMarks = new SentMarks((sent) => recordSent(ds, sent), { timeoutMs: OUTCOME_COMMIT_MARGIN_MS, log, channel: 'EMAIL' });
    this.lanes = new Lanes(config.SEND_CONCURRENCY_MAX);
    // New deliveries: a pass at rest takes them now; if every pass is busy, the first goes again after its own.
    wakeUps.on(WAKE_UP.deliveries, () => (this.loops.find((l) => l.pausedIdle) ?? this.loops[0]!).wake());
    this.loops = Array.from(
      { length: config.SEND_PASSES },
      (_, i) =>
        new PollingLoop({
          name: `email sender ${i + 1}/${config.SEND_PASSES}`,
          pollMs: config.SEND_POLL_MS,
          log,
          pass: async () => {
            const { handled, unreachable } = await this.sendOnce();
            if (unreachable) return 'backoff';
            return handled < this.config.SEND_BATCH_MAX ? 'idle' : 'more';
          },
        }),
    );
  }

  onApplicationBootstrap(): void {
    this.transport = nodemailer.createTransport({
      url: this.config.SMTP_URL,
      pool: true,
      // smtp:// must go over STARTTLS (smtps:// is TLS from the start); a server on the loopback may be plain (smtpTlsRequired).
      requireTLS: smtpTlsRequired(this.config),
      // One connection per lane: with fewer, lanes queue for a connection and the SMTP round trips
      // bound the rate (4 connections for 8 lanes held the bench at ~75 mails/s).
      maxConnections: this.config.SEND_CONCURRENCY_MAX,
      maxMessages: SMTP_MESSAGES_PER_CONNECTION_MAX,
      connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
      greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
      socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    });
    for (const loop of this.loops) loop.start();
    this.log.info(
      { smtp: smtpHost(this.config.SMTP_URL), tlsRequired: smtpTlsRequired(this.config), batchMax: this.config.SEND_BATCH_MAX, passes: this.config.SEND_PASSES, lanes: this.lanes.count },
      'email sender started',
    );
  }

  /** Finishes the batches in hand, then closes the SMTP pool. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    this.transport?.close();
    this.log.info('email sender stopped');
  }

  /** One pass: claim a batch and deliver it. Returns how many notifications it settled, and whether SMTP was unreachable. */
  async sendOnce(): Promise<{ handled: number; unreachable: boolean }> {
    const claimId = newId();
    // Read before the claim: the send window closes no later than the lease the claim starts allows.
    const claimedAt = Date.now();
    const { toSend } = await claimDue(this.ds, 'EMAIL', claimId, this.config.SEND_BATCH_MAX, SEND_LEASE_MS);
    const deliveries = await this.renderAll(toSend, claimId);
    const outcomes = await this.sendAll(deliveries, claimedAt + BATCH_SEND_WINDOW_MS);
    const unreachable = await this.recordOutcomes(deliveries, outcomes);
    const notSent = outcomes.filter((o) => o.status === 'not-sent').length;
    return { handled: toSend.length - notSent, unreachable };
  }

  /** Subject and body of each claimed notification (the PDF is drawn from them in the sending lane); one that cannot be rendered is FAILED at once (it would not render on a retry either). */
  private async renderAll(claimed: ClaimedDelivery[], claimId: string): Promise<Delivery[]> {
    const renderable: Delivery[] = [];
    for (const { n, attempt } of claimed) {
      try {
        const text = renderNotification(n.kind, n.payload, noticeContextOf(n, this.config));
        renderable.push({ n, attempt, rendered: { ...text, createdAt: noticeIssuedAt(n) } });
      } catch (e) {
        await markUnrenderable(this.ds, n.notificationId, claimId, (e as Error).message);
        this.log.error({ err: e, correlationId: n.tradeRef, notificationId: n.notificationId, kind: n.kind }, 'notification cannot be rendered; FAILED');
      }
    }
    return renderable;
  }

  /**
   * Hands the batch to SMTP on the process's lanes, SEND_CONCURRENCY_MAX sends at a time for every
   * pass together: one SMTP round trip after the other would cap the service at a few messages a
   * second. Starts no further send once the server is unreachable (the rest would meet the same
   * wall) or the batch's send window has closed (the lease must cover every send); those are
   * returned as not sent.
   */
  private async sendAll(deliveries: Delivery[], windowClosesAt: number): Promise<SendOutcome[]> {
    const outcomes: Array<SendOutcome | undefined> = [];
    let next = 0;
    let stopped: string | null = null;
    const lane = async () => {
      while (stopped === null && next < deliveries.length) {
        // Held from the hand-over to SMTP to the SENT mark (send): the other passes' sends count too.
        const release = await this.lanes.acquire();
        try {
          if (stopped !== null || next >= deliveries.length) return;
          if (Date.now() >= windowClosesAt) {
            stopped = `the batch's ${BATCH_SEND_WINDOW_MS / 1000} s send window closed first`;
            return;
          }
          const i = next++;
          const outcome = await this.send(deliveries[i]!);
          outcomes[i] = outcome;
          if (outcome.status === 'refused' && isUnreachable(outcome.error)) stopped = 'SMTP was unreachable earlier in this batch';
        } finally {
          release();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.SEND_CONCURRENCY_MAX, deliveries.length) }, lane));
    return deliveries.map((_, i) => outcomes[i] ?? { status: 'not-sent', reason: stopped ?? 'the batch stopped' });
  }

  private async send({ n, rendered, attempt }: Delivery): Promise<SendOutcome> {
    let response: string;
    // Stored before contacts were checked so: `ops,other@example` would reach two mailboxes.
    if (!isSingleMailbox(n.recipient))
      return { status: 'refused', error: Object.assign(new Error('recipient refused: not one email address'), { code: 'EENVELOPE', permanent: true }) as NodemailerError };
    try {
      const pdf = await renderNoticePdf(rendered.subject, rendered.layout ?? rendered.body, rendered.createdAt);
      const info = await sendComposed(
        this.transport!,
        {
          from: this.config.MAIL_FROM,
          to: n.recipient,
          subject: rendered.subject,
          text: rendered.body,
          attachments: [{ filename: pdfFileName(n), content: pdf, contentType: 'application/pdf' }],
          // The same notification always carries the same Message-ID, so a resend after a crash
          // between the server's acceptance and our SENT mark is recognisable as the same mail.
          messageId: messageIdOf(n),
          headers: {
            'Auto-Submitted': 'auto-generated',
            'X-Postera-Notification-Id': n.notificationId,
            'X-Postera-Notice-Id': n.noticeId,
            'X-Postera-Notice-Kind': n.kind,
            'X-Postera-Trade-Ref': n.tradeRef,
          },
        },
        AbortSignal.timeout(SEND_TIMEOUT_MS),
      );
      response = info.response;
    } catch (e) {
      return { status: 'refused', error: e as NodemailerError };
    }
    // The moment the honest limit is about: the server has the mail, our SENT mark is not committed.
    faultPoint('after-smtp-send');
    // Committed before this lane sends anything else (with the marks other lanes handed in
    // meanwhile): a crash can leave unrecorded only the mails accepted and not yet marked, at most
    // one per lane (SEND_CONCURRENCY_MAX), instead of a whole batch.
    const sent: SentAttempt = {
      notificationId: n.notificationId,
      attemptNo: attempt.attemptNo,
      smtpResponse: response,
      event: sentEvent(n, attempt),
      message: messageOf(n, rendered),
    };
    try {
      if (await this.sentMarks.submit(sent))
        this.log.info({ correlationId: n.tradeRef, notificationId: n.notificationId, kind: n.kind, attemptNo: attempt.attemptNo }, 'notification sent');
      return { status: 'accepted', response, recorded: true };
    } catch (e) {
      this.log.error({ err: e, notificationId: n.notificationId }, 'recording SENT failed; the batch records it again');
      return { status: 'accepted', response, recorded: false };
    }
  }

  /**
   * Commits what SMTP said. The accepted ones first and on their own: the mail is out, and losing
   * that commit would send each of them again after the lease — so it is retried, and an error
   * that cannot be recorded does not take the SENT marks down with it. Then the refusals and the
   * attempts never tried, in one transaction. Returns whether SMTP was unreachable.
   */
  private async recordOutcomes(deliveries: Delivery[], outcomes: SendOutcome[]): Promise<boolean> {
    const sent: SentAttempt[] = [];
    const refused: Array<{ d: Delivery; error: AttemptError }> = [];
    const untried: UntriedAttempt[] = [];
    let untriedReason = '';
    deliveries.forEach((d, i) => {
      const outcome = outcomes[i]!;
      switch (outcome.status) {
        case 'accepted':
          if (outcome.recorded) break;
          sent.push({
            notificationId: d.n.notificationId,
            attemptNo: d.attempt.attemptNo,
            smtpResponse: outcome.response,
            event: sentEvent(d.n, d.attempt),
            message: messageOf(d.n, d.rendered),
          });
          break;
        case 'refused':
          refused.push({ d, error: this.failedAttempt(d, outcome.error) });
          break;
        case 'not-sent':
          untried.push({ notificationId: d.n.notificationId, attemptNo: d.attempt.attemptNo });
          untriedReason = outcome.reason;
          break;
      }
    });

    const marked = await this.sentMarks.record(sent);
    for (const { n, attempt } of deliveries) {
      if (marked.has(n.notificationId))
        this.log.info({ correlationId: n.tradeRef, notificationId: n.notificationId, kind: n.kind, attemptNo: attempt.attemptNo }, 'notification sent');
    }
    await recordNotSent(
      this.ds,
      refused.map((r) => r.error),
      untried,
    );
    for (const { d, error: e } of refused) {
      const log = this.log.child({ correlationId: d.n.tradeRef, notificationId: d.n.notificationId, kind: d.n.kind });
      if (e.refund) log.warn({ err: e.error }, 'SMTP unreachable; the batch waits');
      else if (e.final) log.error({ err: e.error, attempts: d.attempt.attempts }, 'notification FAILED');
      else log.warn({ err: e.error, attempts: d.attempt.attempts, retryAfterMs: e.retryAfterMs }, 'notification not sent; will retry');
    }
    if (untried.length > 0) this.log.warn({ notSent: untried.length, reason: untriedReason }, 'notifications given back to the next pass, not counted');
    return refused.some((r) => r.error.refund);
  }

  /** 5xx: FAILED now. 4xx: counted, retried with a backoff, FAILED at SEND_ATTEMPTS_MAX. Unreachable: given back, not counted. */
  private failedAttempt({ n, attempt, rendered }: Delivery, e: NodemailerError): AttemptError {
    const unreachable = isUnreachable(e);
    return {
      notificationId: n.notificationId,
      attemptNo: attempt.attemptNo,
      error: `${e.code ?? 'ERROR'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message}`,
      smtpResponse: e.response ?? null,
      final: !unreachable && (e.permanent === true || attempt.attempts >= this.config.SEND_ATTEMPTS_MAX),
      refund: unreachable,
      retryAfterMs: unreachable ? 0 : Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_BASE_MS * 2 ** (attempt.attempts - 1)),
      message: messageOf(n, rendered),
    };
  }
}

/** What the mail carried, for the delivery's row. */
function messageOf(n: ClaimedNotification, rendered: Delivery['rendered']): AttemptMessage {
  return { language: n.language, subject: rendered.subject, body: rendered.body };
}

function messageIdOf(n: ClaimedNotification): string {
  return `<${n.notificationId}@postera>`;
}

function sentEvent(n: ClaimedNotification, attempt: StartedAttempt) {
  return notificationSent(
    {
      notificationId: n.notificationId,
      kind: n.kind,
      tradeRef: n.tradeRef,
      account: n.account,
      channel: n.channel,
      language: n.language,
      messageId: messageIdOf(n),
      attempts: attempt.attempts,
    },
    n.causeEventId,
  );
}
