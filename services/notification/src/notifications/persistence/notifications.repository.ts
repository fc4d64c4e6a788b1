import { deterministicId } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import type { NotificationKind } from '../domain/render-notification.js';

export const CHANNEL_EMAIL = 'EMAIL';

export interface NewNotification {
  kind: NotificationKind;
  causeEventId: string;
  tradeRef: string;
  account: string;
  payload: unknown;
}

/** The id of the notice one event owes one account on one channel: the same cause always yields the same id. */
export function notificationId(n: Pick<NewNotification, 'causeEventId' | 'kind' | 'account'>): string {
  return deterministicId('notification', n.causeEventId, n.kind, CHANNEL_EMAIL, n.account);
}

/**
 * Inserts the batch's notices in one statement. ON CONFLICT DO NOTHING on the unique
 * (cause_event_id, kind, channel, account) is the "once per event, channel and recipient"
 * guarantee; accounts already known as proprietary get no row at all. Returns how many were new.
 */
export async function insertNotifications(tx: EntityManager, rows: NewNotification[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = (await tx.query(
    `INSERT INTO notification.notifications (notification_id, kind, cause_event_id, trade_ref, account, channel, payload)
     SELECT u.notification_id, u.kind, u.cause_event_id, u.trade_ref, u.account, $6, u.payload
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $7::jsonb[])
       AS u(notification_id, kind, cause_event_id, trade_ref, account, payload)
     WHERE NOT EXISTS (
       SELECT 1 FROM notification.client_contacts c WHERE c.account = u.account AND c.account_type = 'PROPRIETARY'
     )
     ON CONFLICT DO NOTHING
     RETURNING notification_id`,
    [
      rows.map(notificationId),
      rows.map((r) => r.kind),
      rows.map((r) => r.causeEventId),
      rows.map((r) => r.tradeRef),
      rows.map((r) => r.account),
      CHANNEL_EMAIL,
      rows.map((r) => JSON.stringify(r.payload)),
    ],
  )) as unknown[];
  return inserted.length;
}
