import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deterministicId } from '@postera/kernel';
import { dropTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { notificationDatabase } from './notification-database.js';
import { LATEST_CONFIRMATIONS_SQL, latestConfirmations, ROUTABLE_PARTIES_SQL, routeNotices } from '../src/notifications/persistence/notices.repository.js';

// The router and the confirmations lookup against real Postgres, with what a day leaves behind:
// 3,000 counterparty confirmations WAITING for counterparties nobody gave contacts for, and 3,000
// avis. A router pass (one a second) and a batch's lookup of the last avis must not read those
// rows: their cost follows the parties waiting and the batch, not the table.

const seedNotice = deterministicId('notice', 'route-notices');
const UNKNOWN = ['529900UNKNOWN0000001', '529900UNKNOWN0000002', '529900UNKNOWN0000003'];
const SILENT = '529900SILENT00000001'; // known here, without any usable contact
const PER_PARTY = 1000;

/** Shared buffers (hit or read) an EXPLAIN ANALYZE says the statement touched. */
async function buffersOf(ds: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = (await ds.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)) as Array<{ 'QUERY PLAN': Array<{ Plan: Record<string, number> }> }>;
  const plan = row!['QUERY PLAN'][0]!.Plan;
  return plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!;
}

describe('the router and the confirmations lookup read the parties and the batch, not the notices', () => {
  let url: string;
  let ds: DataSource;
  let noticePages: number;

  beforeAll(async () => {
    ({ url, ds } = await notificationDatabase('notif-route-notices', seedNotice));
    // The statistics as a burst leaves them: taken on a nearly empty table, the rows inserted since.
    await ds.query('ANALYZE notification.notices');
    await ds.query('ALTER TABLE notification.notices SET (autovacuum_enabled = false)');
    // A confirmation's payload is a few hundred bytes, as in the service.
    const payload = JSON.stringify({ side: 'BUY', isin: 'FR0000120271', quantity: '100', price: '59.83', currency: 'EUR', note: 'x'.repeat(300) });
    await ds.query(
      `INSERT INTO notification.notices (notice_id, kind, cause_event_id, trade_ref, trade_version, recipient_type, party, payload, status)
       SELECT gen_random_uuid(), 'COUNTERPARTY_CONFIRMATION', 'cause-' || p || '-' || i, 'T-' || i, 1, 'COUNTERPARTY', p, $2::jsonb, 'WAITING'
       FROM unnest($1::text[]) AS p, generate_series(1, ${PER_PARTY}) AS i`,
      [UNKNOWN, payload],
    );
    await ds.query(
      `INSERT INTO notification.notices (notice_id, kind, cause_event_id, trade_ref, trade_version, recipient_type, party, payload, status)
       SELECT gen_random_uuid(), 'AVIS_OPERE', 'avis-' || i, 'T-' || i, 1, 'CLIENT', 'CLI-' || (i % 7), $1::jsonb, 'ROUTED'
       FROM generate_series(1, 3000) AS i`,
      [payload],
    );
    // T-9's avis to CLI-2 was amended: version 2 is the last confirmation the client had.
    await ds.query(
      `INSERT INTO notification.notices (notice_id, kind, cause_event_id, trade_ref, trade_version, recipient_type, party, payload, status)
       VALUES (gen_random_uuid(), 'AMENDMENT_NOTICE', 'amend-9', 'T-9', 2, 'CLIENT', 'CLI-2', '{}', 'ROUTED')`,
    );
    // One notice waits for a counterparty that is known, with no contact it could be sent to.
    await ds.query(
      `INSERT INTO notification.notices (notice_id, kind, cause_event_id, trade_ref, trade_version, recipient_type, party, payload, status)
       VALUES ($1, 'COUNTERPARTY_CONFIRMATION', 'cause-silent', 'T-1', 1, 'COUNTERPARTY', $2, '{}', 'WAITING')`,
      [deterministicId('notice', 'silent'), SILENT],
    );
    await ds.query(
      `INSERT INTO notification.counterparty_contacts (lei, name, language, contacts, updated_by, updated_at)
       VALUES ($1, 'Silent Bank', 'fr', '[]', 'spec', now() - interval '1 hour')`,
      [SILENT],
    );
    noticePages = Number(
      ((await ds.query(`SELECT pg_relation_size('notification.notices') / current_setting('block_size')::int AS pages`)) as Array<{ pages: string }>)[0]!.pages,
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    if (url) await dropTestDatabase(url);
  });

  it('gives each party the last confirmation of each trade, by version, read pair by pair', async () => {
    const latest = await latestConfirmations(ds.manager, [
      { tradeRef: 'T-9', party: 'CLI-2' },
      { tradeRef: 'T-10', party: 'CLI-3' },
      { tradeRef: 'T-10', party: 'CLI-4' },
    ]);
    expect([...latest.keys()].sort()).toEqual(['T-10|CLI-3', 'T-9|CLI-2']);
    expect(latest.get('T-9|CLI-2')).toMatchObject({ kind: 'AMENDMENT_NOTICE', tradeVersion: 2 });
    expect(latest.get('T-10|CLI-3')).toMatchObject({ kind: 'AVIS_OPERE', tradeVersion: 1 });
    expect(
      await buffersOf(ds, LATEST_CONFIRMATIONS_SQL, [
        ['T-9', 'T-10'],
        ['CLI-2', 'CLI-3'],
      ]),
    ).toBeLessThan(30);
  });

  it('routes the notice of the known counterparty (NO_CONTACT) and leaves the 3,000 of unknown ones WAITING', async () => {
    expect(await routeNotices(ds, 'Postera Securities', 500)).toEqual({ routed: 0, deliveries: 0, skipped: 0, noContact: 1 });
    const byStatus = (await ds.query(
      `SELECT status, count(*)::int AS n FROM notification.notices WHERE kind = 'COUNTERPARTY_CONFIRMATION' GROUP BY status ORDER BY status`,
    )) as Array<{ status: string; n: number }>;
    expect(byStatus).toEqual([
      { status: 'NO_CONTACT', n: 1 },
      { status: 'WAITING', n: UNKNOWN.length * PER_PARTY },
    ]);
  });

  it('has nothing to route until the contacts change, then routes that notice again', async () => {
    expect(await routeNotices(ds, 'Postera Securities', 500)).toEqual({ routed: 0, deliveries: 0, skipped: 0, noContact: 0 });
    await ds.query(`UPDATE notification.counterparty_contacts SET updated_at = now() WHERE lei = $1`, [SILENT]);
    expect(await routeNotices(ds, 'Postera Securities', 500)).toEqual({ routed: 0, deliveries: 0, skipped: 0, noContact: 1 });
  });

  it('finds what to route in a few index pages, however many notices wait', async () => {
    await ds.query('VACUUM ANALYZE notification.notices');
    // The notices fill well over a hundred pages; walking the waiting ones read them all (238).
    expect(noticePages).toBeGreaterThan(150);
    expect(await buffersOf(ds, ROUTABLE_PARTIES_SQL)).toBeLessThan(40);
  });
});
