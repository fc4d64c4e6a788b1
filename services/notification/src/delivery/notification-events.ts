import { envelope, type NotificationSentEvent, type NotificationSentV1 } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';

/** notification.events.v1 (contract in @postera/contracts): one NotificationSent per notification sent. */
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
