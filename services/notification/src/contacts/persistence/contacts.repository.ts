import type { AccountRefV1 } from '@postera/contracts';
import type { EntityManager } from 'typeorm';

export interface ContactRow {
  contact: AccountRefV1;
  occurredAt: string;
}

/**
 * Upserts the batch's contacts in one statement. The caller passes one row per account (the
 * batch's last); across batches the event's occurredAt decides, so a late older event never
 * overwrites a newer contact.
 */
export async function upsertContacts(tx: EntityManager, rows: ContactRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: ContactRow) => T) => rows.map(f);
  await tx.query(
    `INSERT INTO notification.client_contacts (account, client_id, client_name, account_type, language, email, source_occurred_at, contacts, base_currency, notice_delivery)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[], $9::text[], $10::text[])
     ON CONFLICT (account) DO UPDATE SET
       client_id = EXCLUDED.client_id, client_name = EXCLUDED.client_name, account_type = EXCLUDED.account_type,
       language = EXCLUDED.language, email = EXCLUDED.email, source_occurred_at = EXCLUDED.source_occurred_at, updated_at = now(),
       contacts = EXCLUDED.contacts, base_currency = EXCLUDED.base_currency, notice_delivery = EXCLUDED.notice_delivery
     WHERE notification.client_contacts.source_occurred_at <= EXCLUDED.source_occurred_at`,
    [
      col((r) => r.contact.account),
      col((r) => r.contact.clientId),
      col((r) => r.contact.clientName),
      col((r) => r.contact.accountType),
      col((r) => r.contact.language),
      col((r) => r.contact.email),
      col((r) => r.occurredAt),
      col((r) => JSON.stringify(contactsOf(r.contact))),
      col((r) => r.contact.baseCurrency ?? null),
      // Absent (an account that never chose, or an older event): one mail per notice.
      col((r) => r.contact.noticeDelivery ?? 'IMMEDIATE'),
    ],
  );
}

/** The account's contacts in order; an event from before `contacts` existed falls back to its email. */
export function contactsOf(a: AccountRefV1): Array<{ channel: 'EMAIL' | 'WEBHOOK'; address: string }> {
  if (Array.isArray(a.contacts)) return a.contacts.map((c) => ({ channel: c.channel, address: c.address }));
  return a.email ? [{ channel: 'EMAIL', address: a.email }] : [];
}
