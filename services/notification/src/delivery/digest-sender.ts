import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NotificationSentEvent } from '@postera/contracts';
import { newId } from '@postera/kernel';
import { CONFIG, faultPoint, LOG, type Log } from '@postera/platform';
import nodemailer, { type Mail, type NodemailerError, type SMTPPoolOptions, type SMTPPoolSentMessageInfo } from 'nodemailer';
import { DataSource } from 'typeorm';
import { smtpTlsRequired, type NotificationConfig } from '../config.js';
import { isSingleMailbox } from '../contacts/domain/email-address.js';
import { formatDate } from '../notifications/domain/date-format.js';
import { renderNotification } from '../notifications/domain/render-notification.js';
import type { ClaimedNotification } from './delivery.repository.js';
import { claimDigests, digestMembers, markMemberUnrenderable, recordDigestNotSent, recordDigestSent, type ClaimedDigest } from './digest.repository.js';
import { noticeContextOf, noticeIssuedAt } from './notice-context.js';
import { pdfFileName, renderNoticePdf } from './notice-pdf.js';
import { sendComposed } from './composed-mail.js';
import { notificationSent } from './notification-events.js';
import { PollingLoop } from './polling-loop.js';

/**
 * Digests claimed per pass: one. Each lease runs from its claim, so a digest claimed with others
 * would wait for theirs to render and send; there is one digest per DAILY account and recipient a
 * day, and a claim per digest costs nothing beside its rendering.
 */
const DIGEST_BATCH_MAX = 1;
/** One digest's send, from handing the message over to the server's final reply (a digest can carry many attachments). */
const DIGEST_SEND_TIMEOUT_MS = 60_000;
/** The lease of a claimed digest: its send and the commit of its outcome, plus DIGEST_RENDER_MS_PER_NOTICE for each notice to render. */
const DIGEST_LEASE_MS = DIGEST_SEND_TIMEOUT_MS + 30_000;
const DIGEST_RENDER_MS_PER_NOTICE = 50;
const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_GREETING_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 60_000;
/** After an answered failure (4xx), as for a single notice: 30 s, 1 min, 2 min… at most 30 min. */
const RETRY_BACKOFF_BASE_MS = 30_000;
const RETRY_BACKOFF_MAX_MS = 30 * 60_000;

/** The server did not (or no longer) answer: the attempt is given back and the loop backs off. */
function isUnreachable(e: NodemailerError): boolean {
  return e.responseCode === 421 || (e.responseCode === undefined && ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'EABORT'].includes(e.code ?? ''));
}

/** A digest's mail: subject, the text (a list of the notices, then each notice's full text) and one PDF per notice. */
export interface DigestMail {
  subject: string;
  text: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: 'application/pdf' }>;
}

const RULE = '—'.repeat(40);

/** Drawn from the notices' own renderings: every notice's text in the body, its PDF attached as a single mail would attach it. */
export async function digestMail(
  d: Pick<ClaimedDigest, 'businessDate' | 'language' | 'part' | 'parts'>,
  notices: Array<{ n: ClaimedNotification; subject: string; body: string; pdf: Buffer }>,
): Promise<DigestMail> {
  const day = formatDate(d.businessDate, d.language);
  const count = notices.length;
  const part = d.parts > 1 ? (d.language === 'fr' ? `, envoi ${d.part} sur ${d.parts}` : `, mail ${d.part} of ${d.parts}`) : '';
  const subject =
    d.language === 'fr'
      ? `Vos avis et notifications du ${day} (${count} document${count > 1 ? 's' : ''}${part})`
      : `Your notices of ${day} (${count} document${count > 1 ? 's' : ''}${part})`;
  const intro =
    d.language === 'fr'
      ? `Vous trouverez ci-dessous et en pièces jointes (PDF) les ${count} avis et notifications de la journée du ${day} :`
      : `Below and attached (PDF) are the ${count} notices of the business day ${day}:`;
  const list = notices.map(({ subject: s, n }) => `- ${s} (${pdfFileName(n)})`);
  const texts = notices.flatMap(({ body }) => ['', RULE, '', body]);
  return {
    subject,
    text: [intro, '', ...list, ...texts].join('\n'),
    attachments: notices.map(({ n, pdf }) => ({ filename: pdfFileName(n), content: pdf, contentType: 'application/pdf' as const })),
  };
}

/**
 * Sends the daily digests the close made (NotificationDayHooks → makeDigests): one mail per DAILY
 * account, business day and recipient, carrying each of its notices as its own PDF, with the stable
 * Message-ID <digest-<digest_id>@postera>. Claim (SKIP LOCKED, the attempt started in the same
 * statement), render every notice (text and PDF, drawn now: nothing is rendered in advance), send,
 * commit the outcome: the digest and each delivery it carries SENT at the same instant, one
 * NotificationSent per delivery.
 */
@Injectable()
export class DigestSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PollingLoop;
  private transport: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions> | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: NotificationConfig,
    @Inject(LOG) private readonly log: Log,
    private readonly ds: DataSource,
  ) {
    this.loop = new PollingLoop({
      name: 'digest sender',
      pollMs: config.SEND_POLL_MS,
      log,
      pass: async () => {
        const { handled, unreachable } = await this.sendOnce();
        if (unreachable) return 'backoff';
        return handled < DIGEST_BATCH_MAX ? 'idle' : 'more';
      },
    });
  }

  onApplicationBootstrap(): void {
    this.transport = nodemailer.createTransport({
      url: this.config.SMTP_URL,
      pool: true,
      requireTLS: smtpTlsRequired(this.config),
      // Digests go one after the other: a handful a day per account.
      maxConnections: 1,
      connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
      greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
      socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    });
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    this.transport?.close();
  }

  /** One pass: claim due digests and send them one by one. Stops at the first unreachable server. */
  async sendOnce(): Promise<{ handled: number; unreachable: boolean }> {
    const claimId = newId();
    const digests = await claimDigests(this.ds, claimId, DIGEST_BATCH_MAX, DIGEST_LEASE_MS, DIGEST_RENDER_MS_PER_NOTICE);
    for (const [i, d] of digests.entries()) {
      if (!this.loop.running && i > 0) {
        // Stopping: the rest are given back, uncounted.
        for (const rest of digests.slice(i))
          await recordDigestNotSent(this.ds, rest, {
            error: 'not sent: the sender stopped',
            smtpResponse: null,
            final: false,
            refund: true,
            retryAfterMs: 0,
            untried: true,
          });
        return { handled: i, unreachable: false };
      }
      const unreachable = await this.sendDigest(d);
      if (unreachable) {
        for (const rest of digests.slice(i + 1))
          await recordDigestNotSent(this.ds, rest, {
            error: 'not sent: SMTP was unreachable earlier in this pass',
            smtpResponse: null,
            final: false,
            refund: true,
            retryAfterMs: 0,
            untried: true,
          });
        return { handled: i + 1, unreachable: true };
      }
    }
    return { handled: digests.length, unreachable: false };
  }

  /** Returns whether SMTP was unreachable. */
  private async sendDigest(d: ClaimedDigest): Promise<boolean> {
    const log = this.log.child({ digestId: d.digestId, account: d.account, businessDate: d.businessDate });
    if (!isSingleMailbox(d.recipient)) {
      await recordDigestNotSent(this.ds, d, {
        error: 'EENVELOPE: recipient refused: not one email address',
        smtpResponse: null,
        final: true,
        refund: false,
        retryAfterMs: 0,
      });
      log.error('digest FAILED: recipient refused');
      return false;
    }
    const notices: Array<{ n: ClaimedNotification; subject: string; body: string; pdf: Buffer }> = [];
    for (const n of await digestMembers(this.ds, d.digestId)) {
      try {
        const text = renderNotification(n.kind, n.payload, noticeContextOf(n, this.config));
        // The PDF is drawn here, when the mail needs it: the same bytes as GET /notices/:id/pdf draws (notice-pdf.controller.ts).
        const pdf = await renderNoticePdf(text.subject, text.layout ?? text.body, noticeIssuedAt(n));
        notices.push({ n, subject: text.subject, body: text.body, pdf });
      } catch (e) {
        await markMemberUnrenderable(this.ds, n.notificationId, (e as Error).message);
        log.error({ err: e, notificationId: n.notificationId, kind: n.kind }, 'notice of a digest cannot be rendered; FAILED, the digest goes without it');
      }
    }
    if (notices.length === 0) {
      await recordDigestNotSent(this.ds, d, {
        error: 'no notice of the digest could be rendered',
        smtpResponse: null,
        final: true,
        refund: false,
        retryAfterMs: 0,
      });
      return false;
    }
    const mail = await digestMail(d, notices);
    let response: string;
    try {
      const info = await sendComposed(
        this.transport!,
        {
          from: this.config.MAIL_FROM,
          to: d.recipient,
          subject: mail.subject,
          text: mail.text,
          attachments: mail.attachments,
          // The same digest always carries the same Message-ID: a resend after a crash between the
          // server's acceptance and the SENT commit is recognisable as the same mail.
          messageId: d.messageId,
          headers: {
            'Auto-Submitted': 'auto-generated',
            'X-Postera-Digest-Id': d.digestId,
            'X-Postera-Business-Date': d.businessDate,
            'X-Postera-Notices': String(notices.length),
            'X-Postera-Digest-Part': `${d.part}/${d.parts}`,
          },
        },
        AbortSignal.timeout(DIGEST_SEND_TIMEOUT_MS),
      );
      response = info.response;
    } catch (err) {
      const e = err as NodemailerError;
      const unreachable = isUnreachable(e);
      const final = !unreachable && (e.permanent === true || d.attempts >= this.config.SEND_ATTEMPTS_MAX);
      const error = `${e.code ?? 'ERROR'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message}`;
      await recordDigestNotSent(this.ds, d, {
        error,
        smtpResponse: e.response ?? null,
        final,
        refund: unreachable,
        retryAfterMs: unreachable ? 0 : Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_BASE_MS * 2 ** (d.attempts - 1)),
      });
      if (unreachable) log.warn({ err: e }, 'SMTP unreachable; the digest waits');
      else if (final) log.error({ err: e, attempts: d.attempts }, 'digest FAILED; its notices are FAILED, each resendable on its own');
      else log.warn({ err: e, attempts: d.attempts }, 'digest not sent; will retry');
      return unreachable;
    }
    // The honest limit, as for a single mail: the server has the digest, our SENT mark is not committed.
    faultPoint('after-digest-send');
    const events = new Map<string, NotificationSentEvent>(notices.map(({ n }) => [n.notificationId, sentEvent(n, d)]));
    if (await recordDigestSent(this.ds, d, { subject: mail.subject, smtpResponse: response, events }))
      log.info({ notices: notices.length, attemptNo: d.attemptNo }, 'digest sent');
    return false;
  }
}

/** Each delivery a digest carries is announced as sent, with the digest's Message-ID (notification.events.v1). */
function sentEvent(n: ClaimedNotification, d: ClaimedDigest) {
  return notificationSent(
    {
      notificationId: n.notificationId,
      kind: n.kind,
      tradeRef: n.tradeRef,
      account: n.account,
      channel: n.channel,
      language: n.language,
      messageId: d.messageId,
      attempts: d.attempts,
    },
    n.causeEventId,
  );
}
