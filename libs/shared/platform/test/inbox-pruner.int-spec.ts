import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, dropTestDatabase } from '@postera/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, migrate } from '../src/database/database.js';
import { platformTablesUp } from '../src/database/platform-tables.js';
import { beginWithInboxClaim } from '../src/inbox/inbox.js';
import { INBOX_PRUNE_BATCH, InboxPruner, inboxReceivedIndexMigration, pruneInbox } from '../src/inbox/inbox-pruner.js';
import { createLogger } from '../src/logger.js';

// The inbox pruner on real Postgres: a service's inbox with rows 40, 31 and 29 days old and fresh
// ones, kept 30 days. What is older goes, in batches; what is younger still drops a redelivery.

const schema = 'pruned';

describe('inbox pruning', () => {
  let url = '';
  let ds: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase('inbox-pruner');
    class Tables1000000000000 {
      name = 'Tables1000000000000';
      async up(q: { query(sql: string): Promise<unknown> }) {
        for (const sql of platformTablesUp(schema)) await q.query(sql);
      }
      async down() {}
    }
    ds = createServiceDataSource({ url, schema, migrations: [Tables1000000000000, inboxReceivedIndexMigration(schema)], poolMax: 2, applicationName: 'inbox-pruner-spec' });
    await migrate(ds, schema);
    const add = (consumer: string, prefix: string, n: number, daysAgo: number) =>
      ds.query(
        `INSERT INTO ${schema}.inbox (consumer_id, message_id, received_at)
         SELECT $1, $2 || i, now() - make_interval(days => $3) FROM generate_series(1, $4) AS i`,
        [consumer, prefix, daysAgo, n],
      );
    // More old rows than two batches, over two consumers, then the young ones.
    await add('svc.trades', 'old-a-', INBOX_PRUNE_BATCH + 1_500, 40);
    await add('svc.settlements', 'old-b-', INBOX_PRUNE_BATCH, 31);
    await add('svc.trades', 'kept-', 3, 29);
    await add('svc.trades', 'new-', 2, 0);
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    if (url) await dropTestDatabase(url);
  });

  const remaining = async () =>
    (await ds.query(`SELECT consumer_id, count(*)::int AS n FROM ${schema}.inbox GROUP BY 1 ORDER BY 1`)) as Array<{ consumer_id: string; n: number }>;

  it('deletes every row older than the retention, several batches of it, and keeps the younger ones', async () => {
    expect(await pruneInbox(ds, schema, 30)).toBe(2 * INBOX_PRUNE_BATCH + 1_500);
    expect(await remaining()).toEqual([{ consumer_id: 'svc.trades', n: 5 }]);
    expect(await pruneInbox(ds, schema, 30)).toBe(0);
  });

  it('a message still remembered is dropped when redelivered; a pruned one would be applied again (hence the 15-day floor)', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const fresh = await beginWithInboxClaim(client, schema, 'svc.trades', ['kept-1', 'new-2', 'old-a-1']);
      await client.query('ROLLBACK');
      expect([...fresh]).toEqual(['old-a-1']);
    } finally {
      await client.end();
    }
  });

  it('the pruner runs at its interval, counts what it deleted, and stops', async () => {
    await ds.query(`UPDATE ${schema}.inbox SET received_at = now() - interval '29 days 23 hours 59 minutes 59.9 seconds' WHERE message_id = 'kept-1'`);
    const pruned: number[] = [];
    const pruner = new InboxPruner(ds, { schema, retentionDays: 30, intervalMs: 100, onPruned: (n) => pruned.push(n) }, createLogger('inbox-pruner-spec', 'silent'));
    pruner.start();
    await new Promise((r) => setTimeout(r, 450));
    await pruner.stop();
    expect(pruned.length).toBeGreaterThanOrEqual(2);
    expect(pruned.reduce((a, b) => a + b, 0)).toBe(1); // kept-1 crossed the 30 days between two passes
    expect(await remaining()).toEqual([{ consumer_id: 'svc.trades', n: 4 }]);
  });

  it('reads the oldest rows from the inbox_received_at index', async () => {
    await ds.query(`ANALYZE ${schema}.inbox`);
    const qr = ds.createQueryRunner();
    try {
      await qr.query('SET enable_seqscan = off'); // a 4-row table would be read whole otherwise; the question is whether the index serves
      const [plan] = (await qr.query(
        `EXPLAIN (FORMAT JSON) SELECT consumer_id, message_id FROM ${schema}.inbox WHERE received_at < now() - make_interval(days => 30) ORDER BY received_at LIMIT ${INBOX_PRUNE_BATCH}`,
      )) as Array<{ 'QUERY PLAN': unknown }>;
      expect(JSON.stringify(plan!['QUERY PLAN'])).toContain('"Index Name":"inbox_received_at"');
      await qr.query('RESET enable_seqscan');
    } finally {
      await qr.release();
    }
  });
});
