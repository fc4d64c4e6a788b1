import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { count } from './wire-schemas.js';

/** The kinds of notice notification sends (one notification per recipient of a notice). */
export const NotificationSentKindSchema = z.enum([
  'AVIS_OPERE',
  'AMENDMENT_NOTICE',
  'CANCELLATION_NOTICE',
  'SETTLEMENT_CONFIRMATION',
  'SETTLEMENT_FAILED',
  'SETTLEMENT_FAIL_REMINDER',
  'COUNTERPARTY_CONFIRMATION',
]);
export type NotificationSentKind = z.infer<typeof NotificationSentKindSchema>;

/**
 * notification.events.v1 — produced by notification. Key: trade reference.
 * One event per notification accepted by its channel (the SMTP server, or the webhook's 2xx).
 * The recipient's address is not in the event: who the client is stays in the referential.
 */
export const NotificationSentV1Schema = z.object({
  notificationId: z.string(),
  kind: NotificationSentKindSchema,
  tradeRef: z.string(),
  account: z.string(),
  channel: z.enum(['EMAIL', 'WEBHOOK']),
  language: z.enum(['fr', 'en']),
  /** The Message-ID header the mail carried, or the Idempotency-Key the webhook carried. */
  messageId: z.string(),
  /** Attempts that count against SEND_ATTEMPTS_MAX, this one included. */
  attempts: count,
});
export type NotificationSentV1 = z.infer<typeof NotificationSentV1Schema>;
export type NotificationSentEvent = EventEnvelope<NotificationSentV1, 'NotificationSent'>;
