// npm run bench:accounting [-- --trades=20000 --batch=2000]
//
// The accounting service alone, as a built process on the real broker and database: N trades
// (TradeCaptured on trade.events.v1) and their settlements (SETTLED on settlement.events.v1) are
// produced first; then the service starts and the clock runs from its first journal entry to the
// last (2 N entries: a 2-line commitment and a 5-line settlement per trade). The floor is the same
// journal rows (entries and lines, same batch size) inserted raw into the same tables on one
// connection, with the same triggers and constraints: what the database alone costs.
import { performance } from "node:perf_hooks";
import { Stack, ensureTopics, deleteTopics, REPO_ROOT, DEMO_SERVICE_ENV } from '@postera/devstack';
import { createTestDatabase, dropTestDatabase, kafkaBrokers, testKafka, uniquePrefix } from '@postera/testing';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import pg from 'pg';

const arg = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const N = arg('trades', 20000);
const BATCH = arg('batch', 2000);
const FLOOR_RATE = 20000;

const prefix = uniquePrefix('bench-accounting');
const brokers = kafkaBrokers().join(',');
const databaseUrl = await createTestDatabase('bench_accounting');
await ensureTopics(brokers, prefix);
const env = { RETRY_BACKOFF_MS: '20', OUTBOX_POLL_MS: '100', BATCH_SIZE_MAX: String(BATCH), PARTITIONS_CONCURRENT_MAX: '3', LOG_LEVEL: 'warn' };
// --profile: the service sums its SQL time per statement (bench/profile-hook.mjs) and writes a CPU profile.
const PROFILE = process.argv.includes('--profile');
// --env=NAME=value (repeatable): an extra variable for the service, to try a setting.
for (const a of process.argv.filter((x) => x.startsWith('--env='))) {
  const [k, ...v] = a.slice('--env='.length).split('=');
  env[k] = v.join('=');
}
// --node-options='...': extra Node flags for the service process (e.g. to try a V8 setting).
const nodeOptions = [process.argv.find((a) => a.startsWith('--node-options='))?.slice('--node-options='.length) ?? ''];
if (PROFILE) {
  const dir = join(REPO_ROOT, '.local/bench-profile');
  nodeOptions.push(`--import=${join(REPO_ROOT, 'services/accounting/bench/profile-hook.mjs')}`);
  env.PROFILE_DIR = dir;
}
if (nodeOptions.join('').trim()) env.NODE_OPTIONS = nodeOptions.join(' ').trim();
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
let stack;
try {
  // The schema first, outside the clock.
  execFileSync('node', [join(REPO_ROOT, 'services/accounting/dist/main.js'), 'migrate'], {
    env: { ...process.env, ...DEMO_SERVICE_ENV.accounting, DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, TOPIC_PREFIX: prefix, CONSUMER_GROUP_PREFIX: prefix, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });

  const trade = (i) => ({
    tradeRef: `BENCH:T-${i}`, sourceSystem: 'BENCH', tradeId: `T-${i}`, version: 1, side: i % 4 === 3 ? 'SELL' : 'BUY', isin: ['FR0000120271', 'FR0000131104', 'FR0000133308'][i % 3],
    quantity: '100', price: '58.00', priceType: 'UNIT', currency: 'EUR', grossAmount: '5800.00', accruedInterest: '0.00', feesAmount: '5.80',
    netAmount: i % 4 === 3 ? '5794.20' : '5805.80', fees: [], tradeDate: '2026-11-26', settlementDate: '2026-11-30', executedAt: '2026-11-26T10:00:00Z', venue: 'XPAR',
    account: `CLI-${i % 50}`, counterparty: '529900COUNTERPTY0129', capacity: 'AOTC', orderType: null, clientId: `CL-${i % 50}`, accountType: 'CLIENT', book: 'CLIENT-EQ',
    instrumentType: 'SHARE', settlementMarket: 'EU', placeOfSettlement: 'SICVFRPPXXX', ssis: { account: null, counterparty: null }, origin: 'ELECTRONIC', lateBooking: false,
  });
  const env_ = (type, ref, payload) => ({ eventId: randomUUID(), type, schemaVersion: 1, occurredAt: new Date().toISOString(), producer: 'bench', correlationId: ref, causationId: null, payload });
  const kafka = testKafka('bench-accounting', kafkajs.logLevel.NOTHING);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const produce = async (topic, make) => {
    for (let from = 0; from < N; from += 5000) {
      const messages = [];
      for (let i = from; i < Math.min(N, from + 5000); i++) {
        const e = make(trade(i));
        messages.push({ key: e.correlationId, value: JSON.stringify(e), headers: { eventId: e.eventId } });
      }
      await producer.send({ topic: `${prefix}.${topic}`, acks: -1, messages });
    }
  };
  await produce('trade.events.v1', (t) => env_('TradeCaptured', t.tradeRef, { trade: t, status: 'CAPTURED' }));
  await produce('settlement.events.v1', (t) =>
    env_('InstructionStatusChanged', t.tradeRef, {
      instructionId: `I-${t.tradeId}`, tradeRef: t.tradeRef, tradeVersion: 1, status: 'SETTLED', reason: null, isin: t.isin, side: t.side, account: t.account, counterparty: t.counterparty,
      currency: 'EUR', quantity: t.quantity, settlementAmount: t.netAmount, intendedSettlementDate: t.settlementDate, settledQuantity: t.quantity, settledAmount: t.netAmount,
      stepQuantity: t.quantity, stepAmount: t.netAmount, effectiveSettlementDate: t.settlementDate, clientId: t.clientId, book: t.book,
    }),
  );
  await producer.disconnect();

  stack = new Stack({ databaseUrl, kafkaBrokers: brokers, topicPrefix: prefix, groupPrefix: prefix, basePort: 4990, logDir: join(REPO_ROOT, '.local/bench-logs', prefix), smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'], env, logLevel: 'warn' });
  const target = 2 * N;
  const count = async () => Number((await db.query(`SELECT count(*) AS n FROM accounting.journal_entries`)).rows[0].n);
  const service = stack.start('accounting');
  let exited = null;
  service.exited.then((code) => (exited = code));
  let t0 = 0;
  let n0 = 0;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const n = await count();
    if (n > 0 && t0 === 0) {
      t0 = performance.now();
      n0 = n;
    }
    if (n >= target) break;
    if (exited !== null) throw new Error(`the service exited (${exited}) after ${n} of ${target} entries; see ${join(REPO_ROOT, '.local/bench-logs', prefix)}`);
    if (Date.now() > deadline) throw new Error(`only ${n} of ${target} entries after 10 minutes`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const seconds = (performance.now() - t0) / 1000;
  const [{ lines }] = (await db.query(`SELECT count(*)::int AS lines FROM accounting.journal_lines`)).rows;
  const [{ parked }] = (await db.query(`SELECT count(*)::int AS parked FROM accounting.parked_settlements`)).rows;
  const [{ unbalanced }] = (await db.query(`SELECT count(*)::int AS unbalanced FROM (SELECT entry_id FROM accounting.journal_lines GROUP BY entry_id, currency HAVING sum(debit) <> sum(credit)) x`)).rows;
  // The service's own CPU (user + system, from its start: boot included), less sensitive to other load than the rate.
  const serviceCpuSeconds = (() => {
    try {
      const f = readFileSync(`/proc/${service.process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return NaN;
    }
  })();
  await stack.stopAll();
  stack = undefined;
  const serviceRate = (target - n0) / seconds;
  const linesPerEntry = lines / target;

  // The floor: the same rows raw — entries and their lines with unnest, BATCH entries a transaction.
  const raw = await db.connect();
  const r0 = performance.now();
  for (let from = 0; from < target; from += BATCH) {
    const k = Math.min(BATCH, target - from);
    const ids = Array.from({ length: k }, () => randomUUID());
    await raw.query('BEGIN');
    await raw.query(
      `INSERT INTO accounting.journal_entries (entry_id, trade_ref, kind, accounting_date, cause_event_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[]) ON CONFLICT (cause_event_id, kind) DO NOTHING`,
      [ids, ids.map((_, i) => `RAW:${from + i}`), ids.map(() => 'RAW'), ids.map(() => '2026-11-30'), ids],
    );
    const per = Math.round(linesPerEntry);
    const e = [], no = [], acc = [], dr = [], cr = [];
    ids.forEach((id) => {
      for (let j = 0; j < per; j++) {
        e.push(id); no.push(j + 1); acc.push(j % 2 ? '512000' : '311000');
        dr.push(j === per - 1 ? '0' : '100'); cr.push(j === per - 1 ? String(100 * (per - 1)) : '0');
      }
    });
    await raw.query(
      `INSERT INTO accounting.journal_lines (entry_id, line_no, account_code, book, currency, debit, credit, aux_account)
       SELECT e, n, a, 'RAW', 'EUR', d, c, NULL FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::numeric[], $5::numeric[]) AS x(e, n, a, d, c)`,
      [e, no, acc, dr, cr],
    );
    await raw.query('COMMIT');
  }
  const rawRate = target / ((performance.now() - r0) / 1000);
  raw.release();

  const f = (x) => Math.round(x).toLocaleString('en-US');
  const [load1] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  console.log(`accounting postings benchmark — ${N} trades → ${target} journal entries (${lines} lines, ${linesPerEntry.toFixed(1)} a entry), batch ${BATCH}; load average ${load1}`);
  console.log(`  service : ${f(serviceRate)} entries/s (${f(serviceRate * linesPerEntry)} lines/s) over ${seconds.toFixed(2)} s, service CPU ${serviceCpuSeconds.toFixed(1)} s; parked left ${parked}, unbalanced entries ${unbalanced}`);
  console.log(`  raw     : ${f(rawRate)} entries/s (${f(rawRate * linesPerEntry)} lines/s): the same rows inserted raw, ${BATCH} entries a transaction`);
  console.log(`  ratio   : ${(serviceRate / rawRate).toFixed(2)} of the raw floor; target ${f(FLOOR_RATE)} postings/s ${serviceRate >= FLOOR_RATE ? 'met' : 'NOT met'} (entries), ${serviceRate * linesPerEntry >= FLOOR_RATE ? 'met' : 'NOT met'} (lines)`);
} finally {
  if (stack) await stack.stopAll();
  await db.end();
  await dropTestDatabase(databaseUrl);
  await deleteTopics(brokers, prefix);
}
