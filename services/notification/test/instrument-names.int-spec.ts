import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { deterministicId } from '@postera/kernel';
import { dropTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { upsertInstrumentNames } from '../src/instruments/persistence/instrument-names.repository.js';
import { noticeId, writeNotices, type NewNotice } from '../src/notifications/persistence/notices.repository.js';
import { upsertContacts } from '../src/contacts/persistence/contacts.repository.js';
import { notificationDatabase } from './notification-database.js';
import { account } from './notification-fixtures.js';

// The instruments' names against real Postgres: the referential's versions decide, and a notice
// is routed with the name known then — kept on the notice and in its document.
jest.setTimeout(60_000);

const names = (ds: DataSource) =>
  ds.query(`SELECT isin, name, version FROM notification.instrument_names ORDER BY isin`) as Promise<Array<{ isin: string; name: string; version: number }>>;

describe('instrument names', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    ({ url, ds } = await notificationDatabase('notif-instrument-names', deterministicId('notice', 'instrument-names-seed')));
  });

  afterAll(async () => {
    await ds?.destroy();
    if (url) await dropTestDatabase(url);
  });

  it('keeps the highest version of each ISIN, within a batch and across batches; an older one arriving late changes nothing', async () => {
    await ds.transaction((tx) =>
      upsertInstrumentNames(tx, [
        { isin: 'FR0000120271', name: 'TotalEnergies SE', version: 2 },
        { isin: 'FR0000120271', name: 'TOTAL SE', version: 1 },
        { isin: 'FR0000120073', name: 'Air Liquide', version: 1 },
      ]),
    );
    await ds.transaction((tx) => upsertInstrumentNames(tx, [{ isin: 'FR0000120271', name: 'TOTAL SE', version: 1 }]));
    expect(await names(ds)).toEqual([
      { isin: 'FR0000120073', name: 'Air Liquide', version: 1 },
      { isin: 'FR0000120271', name: 'TotalEnergies SE', version: 2 },
    ]);
    await ds.transaction((tx) => upsertInstrumentNames(tx, [{ isin: 'FR0000120073', name: "L'Air Liquide S.A.", version: 3 }]));
    expect((await names(ds))[0]).toEqual({ isin: 'FR0000120073', name: "L'Air Liquide S.A.", version: 3 });
  });

  it('routes a notice with the name known then, read from where its kind keeps the ISIN; an unknown ISIN routes with none', async () => {
    await ds.transaction((tx) =>
      upsertContacts(tx, [
        {
          contact: account({ account: 'CLI-N', language: 'fr', email: 'camille@example.fr', contacts: [{ channel: 'EMAIL', address: 'camille@example.fr' }] }),
          occurredAt: '2026-11-26T08:00:00.000Z',
        },
      ]),
    );
    const notice = (key: string, kind: NewNotice['kind'], payload: unknown): NewNotice => ({
      kind,
      causeEventId: `cause-${key}`,
      tradeRef: 'T-N',
      tradeVersion: 1,
      recipientType: 'CLIENT',
      party: 'CLI-N',
      payload,
    });
    const trade = (isin: string) => ({ isin, side: 'BUY' });
    const owed = [
      notice('named-avis', 'AVIS_OPERE', trade('FR0000120271')),
      notice('named-amendment', 'AMENDMENT_NOTICE', { trade: trade('FR0000120073'), before: null, refersTo: null }),
      notice('named-reminder', 'SETTLEMENT_FAIL_REMINDER', { instruction: trade('FR0000120271') }),
      notice('unnamed-avis', 'AVIS_OPERE', trade('FR0013508470')),
    ];
    const notices = owed.map((n) => ({ id: noticeId(n) }));
    expect(await ds.transaction((tx) => writeNotices(tx, 'Postera Securities', owed))).toEqual({ routed: 4, deliveries: 4, skipped: 0, noContact: 0 });
    const routed = (await ds.query(
      `SELECT notice_id, status, instrument_name, document->'content'->'instrument'->>'name' AS document_name
       FROM notification.notices WHERE notice_id = ANY($1::uuid[])`,
      [notices.map((n) => n.id)],
    )) as Array<{ notice_id: string; status: string; instrument_name: string | null; document_name: string | null }>;
    const byId = Object.fromEntries(routed.map((r) => [r.notice_id, [r.status, r.instrument_name]]));
    expect(notices.map((n) => byId[n.id])).toEqual([
      ['ROUTED', 'TotalEnergies SE'],
      ['ROUTED', "L'Air Liquide S.A."],
      ['ROUTED', 'TotalEnergies SE'],
      ['ROUTED', null],
    ]);
    // The avis's and the amendment's documents carry the name they were routed with.
    expect(routed.find((r) => r.notice_id === notices[0]!.id)!.document_name).toBe('TotalEnergies SE');
    expect(routed.find((r) => r.notice_id === notices[1]!.id)!.document_name).toBe("L'Air Liquide S.A.");
    expect(routed.find((r) => r.notice_id === notices[3]!.id)!.document_name).toBeNull();
  });
});
