import { envelope, type EventEnvelope } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import type { NotificationKind } from '../notifications/domain/render-notification.js';

/**
 * notification.events.v1 — produced by notification. Key: trade reference.
 * Local to the service until a second reader needs it; then it moves to @postera/contracts.
 * The recipient's address is not in the event: who the client is stays in the referential.
 */
export interface NotificationSentV1 {
  notificationId: string;
  kind: NotificationKind;
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

export function notificationSent(p: NotificationSentV1, causeEventId: string): NotificationSentEvent {
  return envelope({
    // One notification is sent once: the same notification always yields the same event id.
    eventId: deterministicId('NotificationSent', p.notificationId),
    type: 'NotificationSent',
    producer: 'notification',
    correlationId: p.tradeRef,
    causationId: causeEventId,
    payload: p,
  });
}
