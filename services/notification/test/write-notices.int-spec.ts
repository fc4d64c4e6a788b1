import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { deterministicId } from '@postera/kernel';
import { dropTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { upsertContacts } from '../src/contacts/persistence/contacts.repository.js';
import { noticeId, routeNotices, writeNotices, type NewNotice } from '../src/notifications/persistence/notices.repository.js';
import { notificationDatabase } from './notification-database.js';
import { account } from './notification-fixtures.js';

// Notices written by the consumers and the close, against real Postgres: each row is inserted once,
// already routed where its party is known — never inserted WAITING then updated — and a notice
// written again (a redelivered event) changes nothing.
jest.setTimeout(60_000);

const SILENT = '529900SILENT00000002'; // a counterparty known here, with no contact to send to
const UNKNOWN = '529900UNKNOWN0000009'; // a counterparty nobody has given yet

const trade = { isin: 'FR0000120271', side: 'BUY', quantity: '150', price: '58.505', currency: 'EUR' };
const owed = (kind: NewNotice['kind'], party: string, recipientType: NewNotice['recipientType'] = 'CLIENT'): NewNotice => ({
  kind,
  causeEventId: `cause-T-W1-${party}`,
  tradeRef: 'T-W1',
  tradeVersion: 1,
  recipientType,
  party,
  payload: trade,
});

interface NoticeRow {
  notice_id: string;
  status: string;
  status_reason: string | null;
  language: string | null;
  routed_with_creation: boolean | null;
  issued_at: string | null;
  created_at: string;
}

describe('notices written routed', () => {
  let url: string;
  let ds: DataSource;
  const avis = owed('AVIS_OPERE', 'CLI-W');
  const proprietary = owed('AVIS_OPERE', 'PROP-W');
  const silent = owed('COUNTERPARTY_CONFIRMATION', SILENT, 'COUNTERPARTY');
  const unknown = owed('COUNTERPARTY_CONFIRMATION', UNKNOWN, 'COUNTERPARTY');

  const rows = async () =>
    (await ds.query(
      `SELECT notice_id, status, status_reason, language, routed_at = created_at AS routed_with_creation, document->>'issuedAt' AS issued_at,
              to_json(created_at)#>>'{}' AS created_at
       FROM notification.notices WHERE trade_ref = 'T-W1' ORDER BY party`,
    )) as NoticeRow[];
  const deliveries = async () =>
    (await ds.query(`SELECT notice_id, channel, recipient, status FROM notification.notifications WHERE trade_ref = 'T-W1' ORDER BY channel`)) as Array<{
      notice_id: string;
      channel: string;
      recipient: string;
      status: string;
    }>;

  beforeAll(async () => {
    ({ url, ds } = await notificationDatabase('notif-write-notices', deterministicId('notice', 'write-notices-seed')));
    await ds.transaction((tx) =>
      upsertContacts(tx, [
        {
          contact: account({
            account: 'CLI-W',
            language: 'fr',
            email: 'camille@example.fr',
            contacts: [
              { channel: 'EMAIL', address: 'camille@example.fr' },
              { channel: 'WEBHOOK', address: 'https://hooks.example.fr/postera' },
            ],
          }),
          occurredAt: '2026-11-26T08:00:00.000Z',
        },
        { contact: account({ account: 'PROP-W', accountType: 'PROPRIETARY', email: null, contacts: [] }), occurredAt: '2026-11-26T08:00:00.000Z' },
      ]),
    );
    await ds.query(
      `INSERT INTO notification.counterparty_contacts (lei, name, language, contacts, updated_by, updated_at) VALUES ($1, 'Silent Bank', 'fr', '[]', 'spec', now())`,
      [SILENT],
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    if (url) await dropTestDatabase(url);
  });

  it('inserts each notice once with its outcome: ROUTED with its deliveries, NO_CONTACT, WAITING; a proprietary account gets none', async () => {
    const { result, written } = await ds.transaction(async (tx) => {
      // The table's counts of this backend (those not yet reported included), before and after.
      const counts = async () =>
        (
          (await tx.query(
            `SELECT n_tup_ins::int AS inserted, n_tup_upd::int AS updated FROM pg_stat_xact_user_tables WHERE relid = 'notification.notices'::regclass`,
          )) as Array<{ inserted: number; updated: number }>
        )[0]!;
      const before = await counts();
      // The avis twice in the batch (one event seen twice): one notice, one delivery per contact.
      const result = await writeNotices(tx, 'Postera Securities', [avis, proprietary, silent, unknown, avis]);
      const after = await counts();
      return { result, written: { inserted: after.inserted - before.inserted, updated: after.updated - before.updated } };
    });
    expect(result).toEqual({ routed: 1, deliveries: 2, skipped: 0, noContact: 1 });
    expect(written).toEqual({ inserted: 3, updated: 0 });

    const notices = await rows();
    expect(notices.map((n) => [n.notice_id, n.status, n.language, n.routed_with_creation])).toEqual([
      [noticeId(silent), 'NO_CONTACT', 'fr', true],
      [noticeId(unknown), 'WAITING', null, null],
      [noticeId(avis), 'ROUTED', 'fr', true],
    ]);
    expect(notices[0]!.status_reason).toBe(`no contact for counterparty ${SILENT}: PUT /counterparty-contacts/${SILENT}; the notice is routed then`);
    // The avis's document is issued at the notice's creation: the time the transaction read.
    expect(notices[2]!.issued_at).toBe(new Date(notices[2]!.created_at).toISOString());
    expect(notices[1]!.issued_at).toBeNull();
    expect(await deliveries()).toEqual([
      { notice_id: noticeId(avis), channel: 'EMAIL', recipient: 'camille@example.fr', status: 'PENDING' },
      { notice_id: noticeId(avis), channel: 'WEBHOOK', recipient: 'https://hooks.example.fr/postera', status: 'PENDING' },
    ]);
  });

  it('changes nothing when the same notices are written again, and leaves the WAITING one to the router', async () => {
    const before = await rows();
    expect(await ds.transaction((tx) => writeNotices(tx, 'Postera Securities', [avis, silent, unknown]))).toEqual({
      routed: 0,
      deliveries: 0,
      skipped: 0,
      noContact: 0,
    });
    expect(await rows()).toEqual(before);
    expect(await deliveries()).toHaveLength(2);

    // The counterparty becomes known: the router routes the notice written WAITING.
    await ds.query(
      `INSERT INTO notification.counterparty_contacts (lei, name, language, contacts, updated_by, updated_at)
       VALUES ($1, 'Banque Tardive', 'en', '[{"channel":"EMAIL","address":"ops@tardive.example"}]', 'spec', now())`,
      [UNKNOWN],
    );
    expect(await routeNotices(ds, 'Postera Securities', 100)).toEqual({ routed: 1, deliveries: 1, skipped: 0, noContact: 0 });
    expect((await rows()).find((n) => n.notice_id === noticeId(unknown))).toMatchObject({ status: 'ROUTED', language: 'en' });
  });
});
