import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { newId } from '@postera/kernel';
import { CONFIG, faultPoint, LOG, type Log } from '@postera/platform';
import nodemailer, { type Mail, type NodemailerError, type SMTPPoolOptions, type SMTPPoolSentMessageInfo } from 'nodemailer';
import { DataSource } from 'typeorm';
import type { NotificationConfig } from '../config.js';
import { renderNotification } from '../notifications/domain/render-notification.js';
import { claimDue, markUnrenderable, recordError, recordSent, releaseClaims, startAttempt, type ClaimedNotification } from './delivery.repository.js';
import { notificationSent } from './notification-events.js';

const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_GREETING_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 30_000;
const SMTP_CONNECTIONS_MAX = 2;
/** Messages over one pooled connection before it is renewed. */
const SMTP_MESSAGES_PER_CONNECTION_MAX = 100;
/** One send, from handing the message to the pool to the server's final reply. */
const SEND_TIMEOUT_MS = 60_000;
/** A claimed notification not reached within this is free for another sender. */
const CLAIM_LEASE_MS = 5 * 60_000;
/** Once its attempt is recorded, a notification is this sender's for this long (the send is bounded well inside it). */
const SEND_LEASE_MS = 2 * SEND_TIMEOUT_MS;
/** After an answered failure (4xx), the next attempt waits 30 s, 1 min, 2 min… — greylisting usually asks for minutes. */
const RETRY_BACKOFF_BASE_MS = 30_000;
const RETRY_BACKOFF_MAX_MS = 30 * 60_000;
/** The loop's own backoff when SMTP or Postgres is unreachable. */
const LOOP_BACKOFF_MAX_MS = 30_000;

type Delivery = 'sent' | 'retry' | 'failed' | 'lost-claim' | 'unreachable';

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
 * Sends the pending notifications by email, each once: claim a batch (SKIP LOCKED, committed at
 * once), then per notification commit the attempt, hand the mail to SMTP with the stable
 * Message-ID <notification_id@postera>, and commit the outcome (SENT with NotificationSent in the
 * outbox, or ERROR with a backoff, FAILED when the attempts run out or the server refuses for good).
 */
@Injectable()
export class EmailSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private transport: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions> | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: NotificationConfig,
    @Inject(LOG) private readonly log: Log,
    private readonly ds: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.transport = nodemailer.createTransport({
      url: this.config.SMTP_URL,
      pool: true,
      maxConnections: SMTP_CONNECTIONS_MAX,
      maxMessages: SMTP_MESSAGES_PER_CONNECTION_MAX,
      connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
      greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
      socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    });
    this.running = true;
    this.loop = this.run();
    this.log.info({ smtp: smtpHost(this.config.SMTP_URL), batchMax: this.config.SEND_BATCH_MAX }, 'email sender started');
  }

  /** Finishes the batch in hand, then closes the SMTP pool. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.transport?.close();
    this.log.info('email sender stopped');
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const { handled, unreachable } = await this.sendOnce();
        if (unreachable) {
          failures++;
          await this.idle(this.loopBackoffMs(failures));
          continue;
        }
        failures = 0;
        if (handled < this.config.SEND_BATCH_MAX) await this.idle(this.config.SEND_POLL_MS);
      } catch (e) {
        failures++;
        const backoffMs = this.loopBackoffMs(failures);
        this.log.error({ err: e, backoffMs }, 'email sender pass failed; retrying');
        await this.idle(backoffMs);
      }
    }
  }

  private loopBackoffMs(failures: number): number {
    return Math.min(LOOP_BACKOFF_MAX_MS, this.config.SEND_POLL_MS * 2 ** Math.min(failures, 10));
  }

  private idle(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve(); // shutting down: no pause after the batch in hand
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /** One pass: claim a batch and deliver it. Returns how many notifications it settled, and whether SMTP was unreachable. */
  async sendOnce(): Promise<{ handled: number; unreachable: boolean }> {
    const claimId = newId();
    const { toSend, skipped, failed } = await claimDue(this.ds, claimId, this.config.SEND_BATCH_MAX, CLAIM_LEASE_MS);
    if (skipped > 0) this.log.info({ skipped }, 'notifications of proprietary accounts skipped');
    if (failed > 0) this.log.warn({ failed }, 'notifications failed: the account has no email address');
    for (const [i, n] of toSend.entries()) {
      const outcome = await this.deliver(n, claimId);
      if (outcome === 'unreachable') {
        await releaseClaims(
          this.ds,
          toSend.slice(i + 1).map((r) => r.notificationId),
          claimId,
          0,
        );
        return { handled: skipped + failed + i, unreachable: true };
      }
    }
    return { handled: skipped + failed + toSend.length, unreachable: false };
  }

  private async deliver(n: ClaimedNotification, claimId: string): Promise<Delivery> {
    const log = this.log.child({ correlationId: n.tradeRef, notificationId: n.notificationId, kind: n.kind });
    let rendered: { subject: string; body: string };
    try {
      rendered = renderNotification(n.kind, n.payload, {
        firmName: this.config.FIRM_NAME,
        clientName: n.clientName,
        clientId: n.clientId,
        language: n.language,
      });
    } catch (e) {
      await markUnrenderable(this.ds, n.notificationId, claimId, (e as Error).message);
      log.error({ err: e }, 'notification cannot be rendered; FAILED');
      return 'failed';
    }
    const started = await startAttempt(this.ds, {
      notificationId: n.notificationId,
      claimId,
      recipient: n.email,
      language: n.language,
      ...rendered,
      leaseMs: SEND_LEASE_MS,
    });
    if (!started) return 'lost-claim'; // another sender took it over after our lease ran out

    // The same notification always carries the same Message-ID, so a resend after a crash
    // between the server's acceptance and our SENT mark is recognisable as the same mail.
    const messageId = `<${n.notificationId}@postera>`;
    let response: string;
    try {
      const info = await this.transport!.sendMail({
        from: this.config.MAIL_FROM,
        to: n.email,
        subject: rendered.subject,
        text: rendered.body,
        messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Postera-Notification-Id': n.notificationId, 'X-Postera-Trade-Ref': n.tradeRef },
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      response = info.response;
    } catch (e) {
      return this.afterError(n, started, e as NodemailerError, log);
    }
    faultPoint('after-smtp-send');
    const event = notificationSent(
      {
        notificationId: n.notificationId,
        kind: n.kind,
        tradeRef: n.tradeRef,
        account: n.account,
        channel: 'EMAIL',
        language: n.language,
        messageId,
        attempts: started.attempts,
      },
      n.causeEventId,
    );
    await recordSent(this.ds, n.notificationId, started.attemptNo, response, event);
    log.info({ attemptNo: started.attemptNo }, 'notification sent');
    return 'sent';
  }

  private async afterError(n: ClaimedNotification, started: { attemptNo: number; attempts: number }, e: NodemailerError, log: Log): Promise<Delivery> {
    const unreachable = isUnreachable(e);
    const final = !unreachable && (e.permanent === true || started.attempts >= this.config.SEND_ATTEMPTS_MAX);
    const retryAfterMs = unreachable ? 0 : Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_BASE_MS * 2 ** (started.attempts - 1));
    const error = `${e.code ?? 'ERROR'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message}`;
    await recordError(this.ds, {
      notificationId: n.notificationId,
      attemptNo: started.attemptNo,
      error,
      smtpResponse: e.response ?? null,
      final,
      refund: unreachable,
      retryAfterMs,
    });
    if (unreachable) {
      log.warn({ err: error }, 'SMTP unreachable; the batch waits');
      return 'unreachable';
    }
    if (final) {
      log.error({ err: error, attempts: started.attempts }, 'notification FAILED');
      return 'failed';
    }
    log.warn({ err: error, attempts: started.attempts, retryAfterMs }, 'notification not sent; will retry');
    return 'retry';
  }
}
