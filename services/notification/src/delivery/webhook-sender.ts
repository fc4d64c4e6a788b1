import { PollingLoop } from './polling-loop.js';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { newId } from '@postera/kernel';
import { CONFIG, faultPoint, LOG, type Log } from '@postera/platform';
import { DataSource } from 'typeorm';
import type { NotificationConfig } from '../config.js';
import { renderNotification } from '../notifications/domain/render-notification.js';
import { noticeContextOf } from './notice-context.js';
import {
  claimDue,
  markUnrenderable,
  recordNotSent,
  recordSent,
  type AttemptMessage,
  type ClaimedNotification,
  type StartedAttempt,
} from './delivery.repository.js';
import { ClientWebhookSecrets } from '../contacts/persistence/client-webhook-secrets.js';
import { WebhookSecrets } from '../contacts/persistence/webhook-secrets.js';
import { SentMarks } from './sent-marks.js';
import { notificationSent } from './notification-events.js';
import { WAKE_UP, WakeUps } from './wake-ups.js';
import { DestinationRule } from './webhook-destination.js';
import { postWebhook, type WebhookPostOutcome } from './webhook-post.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureHeader, TIMESTAMP_HEADER } from './webhook-signature.js';

/** No POST of a batch starts later than this after the batch was claimed. */
const BATCH_SEND_WINDOW_MS = 30_000;
const OUTCOME_COMMIT_MARGIN_MS = 30_000;

interface Delivery {
  n: ClaimedNotification;
  body: string;
  attempt: StartedAttempt;
  /** What the attempt carries, for the delivery's row. */
  message: AttemptMessage;
}

/**
 * Sends the pending WEBHOOK deliveries: an HTTP POST of the notice as JSON, signed with
 * HMAC-SHA256 over `<timestamp>.<body>` (x-postera-timestamp, x-postera-signature) and carrying
 * `Idempotency-Key: <notification id>`, the same on every attempt, so a receiver can drop a copy.
 * Every attempt is committed before the POST (the claim starts it) and its outcome, with the body,
 * right after it; an answer other than 2xx (or none) is retried with exponential backoff —
 * WEBHOOK_BACKOFF_BASE_MS × 2ⁿ⁻¹, capped —
 * and after WEBHOOK_ATTEMPTS_MAX attempts the delivery is FAILED, listed for operators, who can resend it.
 * A destination the rule refuses (webhook-destination) is FAILED at its first attempt: it will not
 * change by retrying. Of an answer only the status is kept (webhook-post).
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PollingLoop;
  /** The lanes' SENT marks, group-committed, waiting out a database outage (SentMarks); each lane waits for its own before its next POST. */
  private readonly sentMarks: SentMarks;
  private readonly destinations: DestinationRule;

  constructor(
    @Inject(CONFIG) private readonly config: NotificationConfig,
    @Inject(LOG) private readonly log: Log,
    private readonly ds: DataSource,
    wakeUps: WakeUps,
    private readonly secrets: WebhookSecrets,
    private readonly clientSecrets: ClientWebhookSecrets,
  ) {
    this.destinations = new DestinationRule({ denied: config.WEBHOOK_DENIED_CIDRS, allowed: config.WEBHOOK_ALLOWED_CIDRS });
    this.sentMarks = new SentMarks((sent) => recordSent(ds, sent), { timeoutMs: OUTCOME_COMMIT_MARGIN_MS, log, channel: 'WEBHOOK' });
    wakeUps.on(WAKE_UP.deliveries, () => this.loop.wake());
    this.loop = new PollingLoop({
      name: 'webhook sender',
      pollMs: config.SEND_POLL_MS,
      log,
      pass: async () => ((await this.sendOnce()) < this.config.SEND_BATCH_MAX ? 'idle' : 'more'),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async sendOnce(): Promise<number> {
    const claimId = newId();
    // Read before the claim: the send window closes no later than the lease the claim starts allows.
    const windowClosesAt = Date.now() + BATCH_SEND_WINDOW_MS;
    const { toSend } = await claimDue(
      this.ds,
      'WEBHOOK',
      claimId,
      this.config.SEND_BATCH_MAX,
      BATCH_SEND_WINDOW_MS + this.config.WEBHOOK_TIMEOUT_MS + OUTCOME_COMMIT_MARGIN_MS,
    );
    if (toSend.length === 0) return 0;
    const deliveries: Delivery[] = [];
    for (const { n, attempt } of toSend) {
      try {
        const text = renderNotification(n.kind, n.payload, noticeContextOf(n, this.config));
        // The same bytes on every attempt of a delivery: the receiver may compare copies.
        const body = JSON.stringify({
          notificationId: n.notificationId,
          noticeId: n.noticeId,
          kind: n.kind,
          tradeRef: n.tradeRef,
          language: n.language,
          subject: text.subject,
          text: text.body,
          document: n.document,
        });
        deliveries.push({ n, body, attempt, message: { language: n.language, subject: text.subject, body } });
      } catch (e) {
        await markUnrenderable(this.ds, n.notificationId, claimId, (e as Error).message);
        this.log.error({ err: e, notificationId: n.notificationId }, 'webhook notice cannot be rendered; FAILED');
      }
    }
    const untried: Delivery[] = [];
    let next = 0;
    const lane = async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        if (Date.now() >= windowClosesAt || !this.loop.running) {
          untried.push(d);
          continue;
        }
        await this.deliver(d);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.SEND_CONCURRENCY_MAX, deliveries.length) }, lane));
    if (untried.length > 0) {
      await recordNotSent(
        this.ds,
        [],
        untried.map((d) => ({ notificationId: d.n.notificationId, attemptNo: d.attempt.attemptNo })),
      );
    }
    return toSend.length - untried.length;
  }

  /**
   * The secrets to sign with, newest first: a counterparty's own (opened from its sealed form only
   * now), a client's per webhook (two during a rotation's overlap); else the configured one of the
   * URL, else the default.
   */
  private async secretsFor(n: ClaimedNotification): Promise<string[]> {
    const own =
      n.recipientType === 'COUNTERPARTY'
        ? await this.secrets.forDelivery(n.account, n.recipient).then((s) => (s === null ? null : [s]))
        : await this.clientSecrets.forDelivery(n.account, n.recipient);
    return own ?? [this.config.WEBHOOK_SECRETS[n.recipient] ?? this.config.WEBHOOK_SECRET];
  }

  /** One POST and its outcome, committed at once. A secret that does not open is a failed attempt: nothing is sent unsigned or signed with another. */
  private async deliver({ n, body, attempt, message }: Delivery): Promise<void> {
    const timestamp = Math.floor(Date.now() / 1000);
    let outcome: WebhookPostOutcome | { kind: 'failed'; error: string };
    try {
      const secrets = await this.secretsFor(n);
      outcome = await postWebhook(
        n.recipient,
        {
          'content-type': 'application/json',
          'user-agent': 'Postera-Webhooks/1',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, body),
          [IDEMPOTENCY_HEADER]: n.notificationId,
          'x-postera-notice-kind': n.kind,
          'x-postera-attempt': String(attempt.attemptNo),
        },
        body,
        {
          rule: this.destinations,
          allowHttp: this.config.WEBHOOK_ALLOW_HTTP,
          timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
          readMaxBytes: this.config.WEBHOOK_RESPONSE_READ_MAX_BYTES,
        },
      );
    } catch (e) {
      // Our own refusals (a secret that does not open), named by their class, never a peer's words.
      outcome = { kind: 'failed', error: (e as Error).name === 'WebhookSecretRefused' ? `${(e as Error).name}: ${(e as Error).message}` : 'internal error' };
      if ((e as Error).name !== 'WebhookSecretRefused') this.log.error({ err: e, notificationId: n.notificationId }, 'webhook attempt failed before its POST');
    }
    const answer = outcome.kind === 'answered' ? String(outcome.status) : null;
    const error =
      outcome.kind === 'answered' ? (outcome.status >= 200 && outcome.status < 300 ? null : `HTTP ${outcome.status}`) : outcome.error;
    const log = this.log.child({ correlationId: n.tradeRef, notificationId: n.notificationId, kind: n.kind, attemptNo: attempt.attemptNo });
    if (error === null) {
      faultPoint('after-webhook-send');
      const event = notificationSent(
        {
          notificationId: n.notificationId,
          kind: n.kind,
          tradeRef: n.tradeRef,
          account: n.account,
          channel: 'WEBHOOK',
          language: n.language,
          messageId: n.notificationId,
          attempts: attempt.attempts,
        },
        n.causeEventId,
      );
      await this.sentMarks.submit({ notificationId: n.notificationId, attemptNo: attempt.attemptNo, smtpResponse: answer!, event, message });
      log.info('webhook delivered');
      return;
    }
    // A refused destination is final at once: retrying would knock at the same door.
    const final = outcome.kind === 'refused' || attempt.attempts >= this.config.WEBHOOK_ATTEMPTS_MAX;
    const retryAfterMs = Math.min(this.config.WEBHOOK_BACKOFF_MAX_MS, this.config.WEBHOOK_BACKOFF_BASE_MS * 2 ** (attempt.attempts - 1));
    await recordNotSent(
      this.ds,
      [{ notificationId: n.notificationId, attemptNo: attempt.attemptNo, error, smtpResponse: answer, final, refund: false, retryAfterMs, message }],
      [],
    );
    if (outcome.kind === 'refused') log.error({ error }, 'webhook destination refused; FAILED at once');
    else if (final) log.error({ error, attempts: attempt.attempts }, 'webhook FAILED after its last attempt; an operator can resend it');
    else log.warn({ error, attempts: attempt.attempts, retryAfterMs }, 'webhook not delivered; will retry');
  }
}
