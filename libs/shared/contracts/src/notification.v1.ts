import type { EventEnvelope } from './envelope.js';

/** The kinds of notice notification sends (one notification per recipient of a notice). */
export type NotificationSentKind =
  | 'AVIS_OPERE'
  | 'AMENDMENT_NOTICE'
  | 'CANCELLATION_NOTICE'
  | 'SETTLEMENT_CONFIRMATION'
  | 'SETTLEMENT_FAILED'
  | 'SETTLEMENT_FAIL_REMINDER'
  | 'COUNTERPARTY_CONFIRMATION';

/**
 * notification.events.v1 — produced by notification. Key: trade reference.
 * One event per notification accepted by its channel (the SMTP server, or the webhook's 2xx).
 * The recipient's address is not in the event: who the client is stays in the referential.
 */
export interface NotificationSentV1 {
  notificationId: string;
  kind: NotificationSentKind;
  tradeRef: string;
  account: string;
  channel: 'EMAIL' | 'WEBHOOK';
  language: 'fr' | 'en';
  /** The Message-ID header the mail carried, or the Idempotency-Key the webhook carried. */
  messageId: string;
  /** Attempts that count against SEND_ATTEMPTS_MAX, this one included. */
  attempts: number;
}
export type NotificationSentEvent = EventEnvelope<NotificationSentV1, 'NotificationSent'>;
