// npm run bench:outbox [-- --transactions=500 --rounds=2 --modes=outbox]
//
// What an event costs Postgres to publish, two ways, on a throwaway cluster (initdb under
// .local/bench-outbox, wal_level=logical, port 5499, stopped at the end):
//  - the outbox as the services ship it: appendToOutbox in the business transaction, the
//    OutboxRelay reading after its cursor (to a bus that drops the records: Kafka is the same cost
//    either way and is left out), rotation by TRUNCATE;
//  - a WAL message per event (pg_logical_emit_message, no row), read by no slot (the write alone),
//    by one logical slot for the database, or by one per service schema, each slot streamed by
//    pg_recvlogical (pgoutput, messages on) — the cheapest reader Postgres offers: a walsender
//    decodes as the WAL comes, where the SQL functions decode again at every call.
// Six schemas, as the six services; each transaction writes 20 events and, beside them, 4 business
// rows per event (a status-history-like table with two secondary indexes and a JSON payload), about
// the pipeline's ratio of rows and WAL to events. The modes alternate; each round starts from empty
// tables after a CHECKPOINT. The figure is the cluster's CPU (every Postgres process, walsenders
// included) per event, less the business rows alone measured in the same round.
import { appendToOutbox, OutboxRelay, PlatformMetrics, createLogger, platformTablesUp, publicationOrderMigration } from '@postera/platform';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const arg = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const TRANSACTIONS = arg('transactions', 500); // per schema
const ROUNDS = arg('rounds', 2);
const SCHEMAS = ['capture', 'settlement', 'accounting', 'reporting', 'notification', 'market_sim'];
const EVENTS_PER_TRANSACTION = 20;
const ROWS_PER_EVENT = 4;
const WRITERS = 2;
const PORT = 5499;

const REPO = new URL('../../../../', import.meta.url).pathname;
const PG_BIN = readdirSync('/usr/lib/postgresql')
  .map((v) => `/usr/lib/postgresql/${v}/bin`)
  .find((d) => existsSync(join(d, 'initdb')));
const HOME = join(REPO, '.local/bench-outbox');
const DATA = join(HOME, 'data');
const asPostgres = (bin, args) =>
  process.getuid?.() === 0
    ? execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { cwd: HOME })
    : execFileSync(join(PG_BIN, bin), args, { cwd: HOME });
const url = `postgres://postgres@127.0.0.1:${PORT}/postgres`;

mkdirSync(HOME, { recursive: true });
if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', HOME]);
if (!existsSync(join(DATA, 'PG_VERSION'))) asPostgres('initdb', ['-D', DATA, '-A', 'trust', '-U', 'postgres', '--no-sync']);
asPostgres('pg_ctl', [
  '-D',
  DATA,
  '-w',
  '-l',
  join(HOME, 'postgres.log'),
  '-o',
  `-p ${PORT} -k /tmp -c listen_addresses=127.0.0.1 -c wal_level=logical -c max_wal_senders=16 -c max_replication_slots=16`,
  'start',
]);

const admin = new pg.Client(url);
await admin.connect();
const postmaster = Number(readFileSync(join(DATA, 'postmaster.pid'), 'utf8').split('\n')[0]);

/** CPU seconds of the cluster: the postmaster with its reaped children, and every live child. */
function clusterCpu() {
  const ticks = (pid, reaped) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
    } catch {
      return 0; // gone between the listing and the read
    }
  };
  const children = execFileSync('pgrep', ['-P', String(postmaster)])
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  return (ticks(postmaster, true) + children.reduce((t, p) => t + ticks(p, false), 0)) / 100;
}

async function freshSchemas() {
  for (const r of (await admin.query(`SELECT slot_name FROM pg_replication_slots`)).rows)
    await admin.query(`SELECT pg_drop_replication_slot($1)`, [r.slot_name]);
  await admin.query(`DROP PUBLICATION IF EXISTS no_tables`);
  await admin.query(`CREATE PUBLICATION no_tables`);
  for (const s of SCHEMAS) {
    await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.query(`CREATE SCHEMA ${s}`);
    for (const sql of platformTablesUp(s)) await admin.query(sql);
    const Migration = publicationOrderMigration(s);
    await new Migration().up({ query: (sql) => admin.query(sql) });
    await admin.query(
      `CREATE TABLE ${s}.history (id bigserial PRIMARY KEY, ref text NOT NULL, status text NOT NULL, detail jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
    );
    await admin.query(`CREATE INDEX ON ${s}.history (ref)`);
    await admin.query(`CREATE INDEX ON ${s}.history (status, at)`);
  }
  await admin.query('CHECKPOINT');
}

const detail = JSON.stringify({
  isin: 'FR0000120271',
  quantity: '1500',
  price: '123.4567',
  amount: '185185.05',
  currency: 'EUR',
  account: 'ACC-0001',
  lei: '969500UP76J52A9OXU27',
  note: 'x'.repeat(400),
});
function event(ref) {
  return {
    topic: 'settlement.events.v1',
    key: ref,
    event: {
      eventId: randomUUID(),
      type: 'SettlementInstructed',
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: 'settlement',
      correlationId: ref,
      payload: {
        tradeRef: ref,
        isin: 'FR0000120271',
        quantity: '1500',
        amount: '185185.05',
        currency: 'EUR',
        settlementDate: '2026-12-09',
        status: 'INSTRUCTED',
      },
    },
  };
}

async function writer(mode, schemas) {
  const c = new pg.Client(url);
  await c.connect();
  const tx = { query: (sql, params) => c.query(sql, params).then((r) => r.rows) };
  for (let i = 0; i < TRANSACTIONS; i++)
    for (const s of schemas) {
      const events = Array.from({ length: EVENTS_PER_TRANSACTION }, () => event(`T-${randomUUID().slice(0, 12)}`));
      await c.query('BEGIN');
      await c.query(`INSERT INTO ${s}.history (ref, status, detail) SELECT r, 'INSTRUCTED', $2::jsonb FROM unnest($1::text[]) r`, [
        events.flatMap((e) => Array(ROWS_PER_EVENT).fill(e.key)),
        detail,
      ]);
      if (mode === 'outbox') await appendToOutbox(tx, s, events);
      if (mode.startsWith('wal'))
        await c.query(`SELECT pg_logical_emit_message(true, $1, m) FROM unnest($2::text[]) m`, [
          s,
          events.map((e) => JSON.stringify({ topic: e.topic, key: e.key, value: JSON.stringify(e.event) })),
        ]);
      await c.query('COMMIT');
    }
  await c.end();
}

const dropping = { producer: async () => ({ send: async () => undefined, partitioner: async () => () => 0 }), refusedForItself: () => false };
const log = createLogger('bench-outbox', 'warn');

/** One mode's run: Postgres CPU seconds and WAL bytes from the first write until every reader has caught up. */
async function run(mode) {
  await freshSchemas();
  const slots = mode === 'wal, one slot per schema' ? SCHEMAS : mode === 'wal, one slot' ? SCHEMAS.slice(0, 1) : [];
  const streams = [];
  for (const s of slots) {
    await admin.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [s]);
    streams.push(
      spawn(
        join(PG_BIN, 'pg_recvlogical'),
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(PORT),
          '-U',
          'postgres',
          '-d',
          'postgres',
          '--slot',
          s,
          '--start',
          '-f',
          '/dev/null',
          '-s',
          '1',
          '-F',
          '1',
          '-o',
          'proto_version=1',
          '-o',
          'publication_names=no_tables',
          '-o',
          'messages=true',
        ],
        { stdio: 'inherit' },
      ),
    );
  }
  const relays =
    mode === 'outbox'
      ? SCHEMAS.map(
          (s) =>
            new OutboxRelay(
              dropping,
              { schema: s, topicPrefix: '', batchMax: 500, pollMs: 100, databaseUrl: url, packsAcrossKeys: new Set() },
              new PlatformMetrics(s, async () => 0),
              log,
            ),
        )
      : [];
  for (const r of relays) await r.start();
  const wal0 = (await admin.query(`SELECT pg_current_wal_lsn() AS lsn`)).rows[0].lsn;
  const cpu0 = clusterCpu();
  await Promise.all(
    Array.from({ length: WRITERS }, (_, w) =>
      writer(
        mode,
        SCHEMAS.filter((_, i) => i % WRITERS === w),
      ),
    ),
  );
  const end = (await admin.query(`SELECT pg_current_wal_lsn() AS lsn`)).rows[0].lsn;
  for (;;) {
    const behind =
      mode === 'outbox'
        ? (await admin.query(SCHEMAS.map((s) => `SELECT count(*)::int AS n FROM ${s}.outbox_pending`).join(' UNION ALL '))).rows.some((r) => r.n > 0)
        : (await admin.query(`SELECT count(*)::int AS n FROM pg_replication_slots WHERE confirmed_flush_lsn < $1`, [end])).rows[0].n > 0;
    if (!behind) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const cpu = clusterCpu() - cpu0;
  const wal = Number((await admin.query(`SELECT pg_wal_lsn_diff($1, $2)::bigint AS b`, [end, wal0])).rows[0].b);
  for (const r of relays) await r.stop();
  for (const s of streams) s.kill('SIGTERM');
  await Promise.all(streams.map((s) => new Promise((r) => (s.exitCode === null ? s.on('exit', r) : r()))));
  return { cpu, wal };
}

// --modes=outbox (comma-separated): the business rows alone and these ways only.
const ALL_MODES = ['outbox', 'wal, no slot', 'wal, one slot', 'wal, one slot per schema'];
const chosen = process.argv
  .find((a) => a.startsWith('--modes='))
  ?.slice('--modes='.length)
  .split(',');
const MODES = ['rows alone', ...ALL_MODES.filter((m) => !chosen || chosen.includes(m))];
const events = SCHEMAS.length * TRANSACTIONS * EVENTS_PER_TRANSACTION;
const results = Object.fromEntries(MODES.map((m) => [m, []]));
try {
  for (let round = 1; round <= ROUNDS; round++)
    for (const mode of MODES) {
      const r = await run(mode);
      results[mode].push(r);
      console.log(`» round ${round}, ${mode}: ${((r.cpu / events) * 1e6).toFixed(1)} µs of Postgres CPU and ${Math.round(r.wal / events)} B of WAL per event`);
    }
} finally {
  await admin.end();
  asPostgres('pg_ctl', ['-D', DATA, '-w', '-m', 'fast', 'stop']);
}

const us = (x) => ((x / events) * 1e6).toFixed(1);
console.log(`\nPublishing an event: Postgres CPU per event (${events} events a round, ${ROUNDS} rounds), less the business rows alone of the same round`);
console.log('| way | µs per event, each round | WAL per event |');
console.log('|---|---|---|');
for (const mode of MODES.slice(1))
  console.log(
    `| ${mode} | ${results[mode].map((r, i) => us(r.cpu - results['rows alone'][i].cpu)).join(' · ')} | ${results[mode].map((r, i) => Math.round((r.wal - results['rows alone'][i].wal) / events)).join(' · ')} B |`,
  );
console.log(
  `(the business rows alone: ${results['rows alone'].map((r) => us(r.cpu)).join(' · ')} µs and ${Math.round(results['rows alone'][0].wal / events)} B per event)`,
);
