#!/usr/bin/env node
/**
 * npm run bench — N executions through capture, settlement with the simulated CSD, accounting,
 * reporting and notification, on the real broker and database, measured from the first publish.
 * In the same run it measures the floor: raw kafkajs produce + consume of the same messages, and
 * a batched Postgres insert of the same rows; and prints the ratio to it. A benchmark, not a test.
 */
import { physicalTopic, Topics } from '@postera/contracts';
import kafkajs from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { affinityCheck, CpusOptionError, firstCores, infraPids, InfraPinning, otherBenches, parseCpusOption, runsOn, scalingSummary } from './cpu-pinning.js';
import { closeDay, loadSampleReferential, openDay } from './day.js';
import { waitUntil } from './http.js';
import { dbActivity, dbActivityPerTrade } from './db-activity.js';
import { floorBudget } from './floor-budget.js';
import { formatPartitionSplit, partitionSplit, type GroupMember } from './replica-partitions.js';
import { poissonSchedule, publishOpenLoop, type OpenLoopReport } from './open-loop.js';
import { infraCpuSeconds, PostgresCpu, processCpuSeconds } from './infra-cpu.js';
import { publish } from './publish.js';
import { sampleConfirmations } from './confirmations.js';
import { referentialImport, sampleDay } from './sample.js';
import { startSmtpSinkThread } from './smtp-sink-thread.js';
import { REPO_ROOT, SERVICES, Stack, type ServiceName } from './stack.js';
import { deleteTopics, ensureTopics, kafkaClient, messageVolume } from './topics.js';
import { startWebhookSink } from './webhook-sink.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'];
  }),
);
const N = Number(args.get('trades') ?? process.env.BENCH_TRADES ?? 200_000);
/** Open loop at this many trades per second (Poisson arrivals); absent: every trade at once, as fast as possible. */
const RATE = args.has('rate') ? Number(args.get('rate')) : null;
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TRADE_DATE = '2026-11-26';
/**
 * Each poll counts the rows of growing tables (a scan each): at 100 ms the bench's own counting was
 * the largest reader of Postgres in a 20,000-trade run (12 million rows read from notifications).
 */
const POLL_MS = 1000;
/** The stack is measured idle this long before the first publish (its CPU at rest, per process). */
const IDLE_SECONDS = Number(args.get('idle-seconds') ?? 5);
/** The tables printed in the summary, the most written first (the results hold them all). */
const ROWS_BY_TABLE_PRINTED = 15;
const TIMEOUT_MS = 30 * 60_000;
/**
 * BENCH_REPLICAS=notification=2,settlement=2: that many processes of those services, as an SRE
 * scales them. Read before the stack starts: the processes of a replicated run carry the group-join
 * probe, which names the process of each consumer group member.
 */
const REPLICAS = (process.env.BENCH_REPLICAS ?? '')
  .split(',')
  .filter(Boolean)
  .map((spec) => {
    const [name, count] = spec.split('=') as [ServiceName, string];
    if (!(name in SERVICES) || !/^[1-9]\d*$/.test(count ?? '')) throw new Error(`BENCH_REPLICAS: ${spec} is not <service>=<count>`);
    return { name, count: Number(count) };
  });

const say = (s: string) => process.stdout.write(`» ${s}\n`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const percentiles = (sorted: number[]) => ({
  p50: Math.round(pct(sorted, 50)),
  p99: Math.round(pct(sorted, 99)),
  p999: Math.round(pct(sorted, 99.9)),
  samples: sorted.length,
});

async function recreateDatabase(name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  await c.query(`DROP DATABASE IF EXISTS ${name}`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * CPU seconds so far of what a floor runs on: this process (the floor's client; the stack, the SMTP
 * and webhook sinks are stopped by then), the broker and Postgres.
 */
function floorCpuSeconds(): number {
  const own = process.cpuUsage();
  const infra = infraCpuSeconds();
  return (own.user + own.system) / 1e6 + infra.kafka + infra.postgres;
}

interface KafkaFloor {
  produceSeconds: number;
  consumeSeconds: number;
  /** CPU seconds of the client, the broker and Postgres while producing, then while consuming. */
  produceCpuSeconds: number;
  consumeCpuSeconds: number;
}

/** Floor 1: the same messages produced and consumed with kafkajs alone, no processing. */
async function kafkaFloor(prefix: string, messages: Array<{ key: string; value: string }>): Promise<KafkaFloor> {
  const topic = physicalTopic(prefix, Topics.tradesExecuted);
  const cpu0 = floorCpuSeconds();
  const t0 = performance.now();
  await publish(brokers, `${prefix}`, Topics.tradesExecuted, messages);
  const produceSeconds = (performance.now() - t0) / 1000;
  const cpu1 = floorCpuSeconds();
  const consumer = kafkaClient(brokers, 'bench-floor').consumer({ groupId: `${prefix}.floor`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  const t1 = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: true,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= messages.length) resolve();
      },
    });
  });
  const consumeSeconds = (performance.now() - t1) / 1000;
  const cpu2 = floorCpuSeconds();
  await consumer.disconnect();
  return { produceSeconds, consumeSeconds, produceCpuSeconds: cpu1 - cpu0, consumeCpuSeconds: cpu2 - cpu1 };
}

/** Floor 2: the same trades as rows, inserted 1,000 per statement (unnest) in durable commits; wall and CPU seconds. */
async function postgresFloor(url: string, messages: Array<{ message: Record<string, unknown> }>): Promise<{ seconds: number; cpuSeconds: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(
    `CREATE TABLE floor_trades (trade_ref text PRIMARY KEY, isin text, side text, quantity numeric, price numeric, currency text, trade_date date, account text, body jsonb)`,
  );
  const cpu0 = floorCpuSeconds();
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += 1000) {
    const rows = messages.slice(i, i + 1000).map((m) => m.message);
    await c.query(
      `INSERT INTO floor_trades SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::text[], $7::date[], $8::text[], $9::jsonb[])`,
      [
        rows.map((r) => `${r.sourceSystem}:${r.tradeId}`),
        rows.map((r) => r.isin),
        rows.map((r) => r.side),
        rows.map((r) => r.quantity),
        rows.map((r) => r.price),
        rows.map((r) => r.currency),
        rows.map((r) => r.tradeDate),
        rows.map((r) => r.account),
        rows.map((r) => JSON.stringify(r)),
      ],
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = floorCpuSeconds() - cpu0;
  await c.end();
  return { seconds, cpuSeconds };
}

/**
 * Floor 3: the narrowest row the pipeline writes, an inbox row (consumer, message id, its primary
 * key), 1,000 per statement in durable commits; CPU seconds as floorCpuSeconds counts them. The
 * run's rows are priced at this cost in `floorBudget` (an update or a delete as if it were such an
 * insert): every row the pipeline inserts is at least as wide and carries at least this index.
 */
async function narrowRowFloor(url: string, rows: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(
    `CREATE TABLE floor_inbox (consumer_id text NOT NULL, message_id text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer_id, message_id))`,
  );
  const cpu0 = floorCpuSeconds();
  for (let i = 0; i < rows; i += 1000) {
    const ids = Array.from({ length: Math.min(1000, rows - i) }, () => randomUUID());
    await c.query(`INSERT INTO floor_inbox (consumer_id, message_id) SELECT 'bench.floor', id FROM unnest($1::text[]) AS id`, [ids]);
  }
  const cpuSeconds = floorCpuSeconds() - cpu0;
  await c.end();
  return cpuSeconds;
}

/**
 * The members of the run's consumer groups as the broker has them now, each with its assignment
 * (kafkajs admin describeGroups; a group in the middle of a rebalance has members without one).
 */
async function groupMembers(groupPrefix: string): Promise<GroupMember[]> {
  const admin = kafkaClient(brokers, 'bench-groups').admin();
  await admin.connect();
  try {
    const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${groupPrefix}.`));
    const { groups } = await admin.describeGroups(ids);
    return groups.flatMap((g) =>
      g.members.map((m) => ({
        groupId: g.groupId,
        memberId: m.memberId,
        assignment: (m.memberAssignment.length > 0 ? kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment : undefined) ?? {},
      })),
    );
  } finally {
    await admin.disconnect();
  }
}

/** The process of each member id the group-join probe recorded (its latest join), by the processes' pids. */
function membersProcesses(file: string, nameOfPid: ReadonlyMap<number, string>): Map<string, string> {
  const m = new Map<string, string>();
  if (!existsSync(file)) return m;
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const { pid, memberId } = JSON.parse(line) as { pid: number; memberId: string };
    const name = nameOfPid.get(pid);
    if (name) m.set(memberId, name);
  }
  return m;
}

/** With `--cpus=N`: the cores the run is on, and what of the infrastructure was moved to them. */
interface Pinned {
  cpus: number;
  cores: string;
  infra: InfraPinning;
}

async function main(pinned: Pinned | null) {
  const runId = `bench-${Date.now().toString(36)}`;
  // The cores this process may run on: the machine's, or those --cpus pinned it (and its children) to.
  const coresUsed = availableParallelism();
  say(
    `${N} executions, Kafka ${brokers}, ${cpus().length} cores${pinned ? ` (the run pinned to ${pinned.cpus}: cores ${pinned.cores})` : ''}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  const databaseUrl = await recreateDatabase('postera_bench');
  const groupJoinsFile = join(REPO_ROOT, '.local/logs', runId, 'group-joins.jsonl');
  const groupJoinProbe = fileURLToPath(new URL('./group-join-probe.js', import.meta.url));
  const replicated = REPLICAS.some((r) => r.count > 1);
  // Topics of this run alone: deleting and re-creating one name races with the broker's deletion.
  const prefix = runId;
  await ensureTopics(brokers, prefix);
  const sink = await startSmtpSinkThread();
  // The client webhook endpoints of the sample referential do not resolve here: they go to a local
  // receiver, as in the demo, so that the webhook deliveries are measured rather than retried.
  const hooks = await startWebhookSink();
  const stack = new Stack({
    databaseUrl,
    kafkaBrokers: brokers,
    topicPrefix: prefix,
    groupPrefix: runId,
    basePort: Number(process.env.POSTERA_BASE_PORT ?? 3400),
    logDir: join(REPO_ROOT, '.local/logs', runId),
    smtpUrl: `smtp://127.0.0.1:${sink.port}`,
    logLevel: 'warn',
    // The simulated CSD's schema check of what it receives and sends is the CSD's work, not
    // Postera's (about 0.25 ms a document plus an xmllint run per batch): off, so that the bench
    // prices Postera alone.
    serviceEnv: { 'market-sim': { MARKET_SIM_SCHEMA_CHECK: 'false' } },
    // Every BENCH_ENV_<NAME> of the bench's environment is passed to the services as <NAME> (to try a setting).
    env: {
      ...Object.fromEntries(
        Object.entries(process.env)
          .filter(([k]) => k.startsWith('BENCH_ENV_'))
          .map(([k, v]) => [k.slice('BENCH_ENV_'.length), v ?? '']),
      ),
      ...(replicated ? { BENCH_GROUP_JOINS_FILE: groupJoinsFile } : {}),
    },
    // BENCH_PROFILE=capture,notification: V8 CPU profiles of those services, written when they stop (open in Chrome DevTools).
    // BENCH_NODE_ARGS="--trace-gc": Node options for every service, those NODE_OPTIONS refuses included (in their logs).
    nodeArgs: Object.fromEntries(
      Object.keys(SERVICES).map((name) => [
        name,
        [
          ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
          // Every process of a replicated run, the first of each service included: all are members of the groups.
          ...(replicated ? [`--import=${groupJoinProbe}`] : []),
          ...((process.env.BENCH_PROFILE ?? '').split(',').includes(name)
            ? ['--cpu-prof', `--cpu-prof-dir=${join(REPO_ROOT, '.local/logs', runId, 'profiles')}`]
            : []),
        ],
      ]),
    ),
  });
  await stack.startAll();
  for (const { name, count } of REPLICAS) for (let i = 2; i <= count; i++) await stack.startReplica(name, i);
  await loadSampleReferential(stack, { webhookUrl: hooks.url });
  await openDay(stack, TRADE_DATE);
  const messages = sampleDay({ tradeDate: TRADE_DATE, count: N, runId: 'B' });
  // Every trade is confirmed by its counterparty: validation (and so settlement) waits for it.
  const confirmations = sampleConfirmations(messages);
  const indexOfTrade = new Map(messages.map((m, i) => [m.key, i]));
  const clientTrades = messages.filter((m) => String(m.message.account).startsWith('CLI-')).length;
  const hooked = new Set(
    referentialImport()
      .accounts.filter((a) => a.contacts?.some((c) => c.channel === 'WEBHOOK'))
      .map((a) => a.account),
  );
  const webhookTrades = messages.filter((m) => hooked.has(String(m.message.account))).length;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'bench' });
  const postgresCpu = new PostgresCpu(db, new Set(['bench', 'bench-db-activity']));
  // The bench's own transactions (its polls of the stages), left out of the database's count.
  let ownTransactions = 0;
  const q = async (sql: string) => {
    ownTransactions++;
    return Number(((await db.query(sql)).rows[0] as { n: string }).n);
  };

  const stages: Array<{ name: string; sql: string; target: number; doneAt?: number }> = [
    { name: 'capture', sql: `SELECT count(*) AS n FROM capture.receipts WHERE topic = 'trades.executed.v1'`, target: N },
    { name: 'capture (confirmed and validated)', sql: `SELECT count(*) AS n FROM capture.trades WHERE validated_how IS NOT NULL`, target: N },
    { name: 'settlement (instructed)', sql: 'SELECT count(*) AS n FROM settlement.instructions', target: N },
    { name: 'market-sim (matched)', sql: `SELECT count(*) AS n FROM settlement.instructions WHERE status = 'MATCHED'`, target: N },
    { name: 'accounting (trade-date entries)', sql: 'SELECT count(*) AS n FROM accounting.journal_entries', target: N },
    { name: 'reporting (activity)', sql: 'SELECT count(*) AS n FROM reporting.trade_activity WHERE captured_at IS NOT NULL', target: N },
    {
      // A DAILY client's avis is held for the digest of the day's close (measured after the stages).
      name: 'notification (avis sent or held)',
      sql: `SELECT count(*) AS n FROM notification.notifications WHERE channel = 'EMAIL' AND status IN ('SENT', 'HELD')`,
      target: clientTrades,
    },
    {
      name: 'notification (webhooks sent)',
      sql: `SELECT count(*) AS n FROM notification.notifications WHERE channel = 'WEBHOOK' AND status = 'SENT'`,
      target: webhookTrades,
    },
  ];
  const rssPeak = new Map<string, number>();
  const sampleRss = async () => {
    for (const [name, svc] of [...stack.running, ...stack.replicas]) {
      try {
        const status = readFileSync(`/proc/${svc.process.pid}/status`, 'utf8');
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        rssPeak.set(name, Math.max(rssPeak.get(name) ?? 0, kb));
      } catch {
        // process gone
      }
    }
  };
  // CPU seconds so far of every service process, the broker and Postgres. The figures below are
  // differences between two such readings: a service's boot (Nest, migrations) is not the trades'.
  const cpuNow = (): Map<string, number> => {
    const m = new Map<string, number>();
    for (const [name, svc] of [...stack.running, ...stack.replicas]) {
      try {
        m.set(name, processCpuSeconds(svc.process.pid!));
      } catch {
        // process gone
      }
    }
    const infra = infraCpuSeconds();
    m.set('kafka', infra.kafka);
    m.set('postgres', infra.postgres);
    return m;
  };
  // Never below zero: a Postgres backend that ended between the two readings takes its CPU with it.
  const cpuSince = (before: Map<string, number>, after: Map<string, number>) => [...after].map(([k, v]) => [k, Math.max(0, v - (before.get(k) ?? 0))] as const);
  say(`measuring the stack idle for ${IDLE_SECONDS} s`);
  const cpuAtRest = cpuNow();
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const cpuAtStart = cpuNow();
  const benchCpuAtStart = process.cpuUsage();
  await postgresCpu.begin();
  const dbAtStart = await dbActivity(databaseUrl);
  ownTransactions += 3; // its own three readings

  say(RATE ? `publishing open loop at ${RATE} trades/s (Poisson arrivals)` : 'publishing');
  const t0 = performance.now();
  // Open loop: each trade and its counterparty's confirmation leave at the trade's scheduled time.
  const sendAt = RATE ? poissonSchedule(N, RATE) : null;
  const publishing: Promise<OpenLoopReport | null> = sendAt
    ? publishOpenLoop(brokers, prefix, [
        ...messages.map((m, i) => ({ atMs: sendAt[i]!, topic: Topics.tradesExecuted, key: m.key, value: m.value })),
        ...confirmations.map((c) => ({ atMs: sendAt[indexOfTrade.get(c.key)!]!, topic: Topics.confirmationsReceived, key: c.key, value: c.value })),
      ])
    : Promise.all([
        publish(brokers, prefix, Topics.tradesExecuted, messages, 2000),
        publish(brokers, prefix, Topics.confirmationsReceived, confirmations, 2000),
      ]).then(() => null);
  const deadline = Date.now() + TIMEOUT_MS;
  while (stages.some((s) => s.doneAt === undefined)) {
    if (Date.now() > deadline)
      throw new Error(
        `bench timed out: ${stages
          .filter((s) => !s.doneAt)
          .map((s) => s.name)
          .join(', ')}`,
      );
    for (const s of stages) if (s.doneAt === undefined && (await q(s.sql)) >= s.target) s.doneAt = performance.now();
    await sampleRss();
    await postgresCpu.sample();
    ownTransactions++;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const openLoop = await publishing;
  const cpuAtEnd = cpuNow();
  // The bench process: the load generator (its producer), its polls of the stages, and the SMTP and
  // webhook receivers the services send to. Not a process of the stack: apart from the sum.
  const benchCpu = process.cpuUsage(benchCpuAtStart);
  await postgresCpu.sample();
  ownTransactions++;
  const postgresCpuByOwner = postgresCpu.byOwner();
  // Where every process ran, read from the kernel at the end of the run (each thread of each).
  const services = [...stack.running, ...stack.replicas];
  const affinity = pinned
    ? affinityCheck(
        [
          ...services.map(([name, svc]) => ({ what: name, pids: [svc.process.pid!] })),
          { what: 'kafka', pids: infraPids().kafka },
          { what: 'postgres', pids: infraPids().postgres },
          { what: 'bench (load generator, sinks)', pids: [process.pid] },
        ],
        pinned.cores,
      )
    : null;
  // Each replica's partitions, from the groups' assignment on the broker before the stack stops.
  const members = replicated ? await groupMembers(runId) : [];
  const processOfMember = membersProcesses(groupJoinsFile, new Map(services.map(([name, svc]) => [svc.process.pid!, name])));
  const endToEndSeconds = (Math.max(...stages.map((s) => s.doneAt!)) - t0) / 1000;

  // Latency per trade to three moments, each read from the row that records it: the instruction
  // received by the simulated CSD (market_sim.instructions.received_at), the trade's first journal
  // entry (accounting.journal_entries.posted_at) and, per client trade, its avis d'opéré mailed (the
  // immediate ones: a DAILY client's is held for the close, after the stages). A row's time is
  // its transaction's start (now()), a few milliseconds before its commit. In open loop from the
  // time the schedule meant to send the execution (so a generator falling behind cannot hide
  // queueing); in a burst from the execution's Kafka timestamp, as capture's receipt holds it.
  const origins: (ref: string) => number | undefined = openLoop
    ? (ref) => {
        const i = indexOfTrade.get(ref);
        return i === undefined ? undefined : openLoop.startEpochMs + sendAt![i]!;
      }
    : await (async () => {
        const received = new Map<string, number>(
          (await db.query(`SELECT trade_ref, extract(epoch FROM received_at) * 1000 AS at FROM capture.receipts WHERE topic = 'trades.executed.v1'`)).rows.map(
            (r: { trade_ref: string; at: string }) => [r.trade_ref, Number(r.at)],
          ),
        );
        return (ref: string) => received.get(ref);
      })();
  const latencyTo = async (sql: string): Promise<number[]> =>
    (await db.query(sql)).rows
      .flatMap((r: { trade_ref: string; at: string }) => {
        const origin = origins(r.trade_ref);
        return origin === undefined ? [] : [Number(r.at) - origin];
      })
      .sort((a: number, b: number) => a - b);
  const latInstruction = await latencyTo(`SELECT trade_ref, extract(epoch FROM min(received_at)) * 1000 AS at FROM market_sim.instructions GROUP BY trade_ref`);
  const latJournal = await latencyTo(`SELECT trade_ref, extract(epoch FROM min(posted_at)) * 1000 AS at FROM accounting.journal_entries GROUP BY trade_ref`);
  const lat = await latencyTo(
    `SELECT trade_ref, extract(epoch FROM sent_at) * 1000 AS at FROM notification.notifications
     WHERE kind = 'AVIS_OPERE' AND channel = 'EMAIL' AND status = 'SENT'`,
  );
  ownTransactions += openLoop ? 3 : 4; // the latency queries

  // The day's close: the DAILY clients' avis leave in their digests (each PDF drawn then), and every
  // service does its end of day. Measured apart from the burst, to the digests sent and the
  // end-of-day report filed; its rows and records are in the run's volume below.
  say(`closing ${TRADE_DATE}`);
  const cpuAtClose = cpuNow();
  const tClose = performance.now();
  await closeDay(stack, TRADE_DATE);
  await waitUntil(
    async () =>
      (await q(`SELECT count(*) AS n FROM notification.notifications WHERE status = 'HELD'`)) === 0 &&
      (await fetch(`${stack.url('gateway')}/api/eod-reports/${TRADE_DATE}`, { headers: await stack.auth(['operator']) })).ok,
    `the close of ${TRADE_DATE}: digests sent and the end-of-day report filed`,
    TIMEOUT_MS,
    POLL_MS,
  );
  const closeSeconds = (performance.now() - tClose) / 1000;
  const closeCpu = cpuSince(cpuAtClose, cpuNow());
  const digests = (await db.query(`SELECT count(*) AS mails, coalesce(sum(notices), 0) AS avis FROM notification.digests`)).rows[0] as {
    mails: string;
    avis: string;
  };
  ownTransactions++;
  await db.end();
  await stack.stopAll();
  // Every service's backend has exited, so has reported its last transactions: counted to the stack's stop.
  const database = dbActivityPerTrade(dbAtStart, await dbActivity(databaseUrl), N, ownTransactions);
  await sink.close();
  await hooks.close();
  const volume = await messageVolume(brokers, prefix, runId);
  await deleteTopics(brokers, prefix).catch(() => undefined);

  say('measuring the floor');
  const floorPrefix = `bench-floor-${Date.now().toString(36)}`;
  await ensureTopics(brokers, floorPrefix);
  const kf = await kafkaFloor(floorPrefix, messages);
  await deleteTopics(brokers, floorPrefix);
  const floorDb = await recreateDatabase('postera_bench_floor');
  const pgFloor = await postgresFloor(floorDb, messages);
  const pgSeconds = pgFloor.seconds;
  const narrowRows = 5 * N;
  const narrowCpuSeconds = await narrowRowFloor(floorDb, narrowRows);
  const budget = floorBudget(
    { messages: N, produceCpuSeconds: kf.produceCpuSeconds, consumeCpuSeconds: kf.consumeCpuSeconds, rows: narrowRows, insertCpuSeconds: narrowCpuSeconds },
    {
      trades: N,
      messagesProduced: volume.produced,
      messagesConsumed: volume.consumed,
      rowsWritten: Object.values(database.rowsWritten).reduce((a, b) => a + b, 0) * N,
    },
    coresUsed,
  );

  const rate = (seconds: number) => Math.round(N / seconds);
  const perTradeOf = (counts: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(counts)
        // What rounds to nothing per trade (the referential, the day markers) is left out.
        .filter(([, v]) => v / N >= 0.005)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => [k, Number((v / N).toFixed(2))]),
    );
  const msPerTrade = (cpuSeconds: number) => Number(((cpuSeconds * 1000) / N).toFixed(2));
  const postgresOfStack = [...postgresCpuByOwner].filter(([k]) => k !== 'bench' && k !== 'other').reduce((sum, [, v]) => sum + v, 0);
  const cpuMsPerTrade = Object.fromEntries(cpuSince(cpuAtStart, cpuAtEnd).map(([k, v]) => [k, msPerTrade(k === 'postgres' ? postgresOfStack : v)]));
  const cpuMsPerTradeSum = Number(
    Object.values(cpuMsPerTrade)
      .reduce((a, b) => a + b, 0)
      .toFixed(2),
  );
  const replicas = REPLICAS.filter((r) => r.count > 1).map((r) => ({ service: r.name, processes: partitionSplit(members, processOfMember, r.name) }));
  const result = {
    machine: { cores: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    /**
     * `--cpus=N`: every process of the run on cores 0…N−1 — the services and the bench (the load
     * generator) as its children, the broker and Postgres moved for the run — what could not be moved,
     * and each group of processes' threads found on other cores at the end of the run.
     */
    cpus: pinned
      ? { count: pinned.cpus, cores: pinned.cores, pinned: pinned.infra.pinned, notPinned: pinned.infra.notPinned, threadsElsewhereAtEnd: affinity }
      : { count: coresUsed, cores: 'not pinned' },
    trades: N,
    clientTrades,
    webhookTrades,
    webhooksReceived: hooks.received(),
    load: openLoop ? { mode: 'open-loop', ratePerSecond: RATE, arrivals: 'Poisson', generatorLagMsMax: openLoop.sendLagMsMax } : { mode: 'burst' },
    endToEnd: { seconds: Number(endToEndSeconds.toFixed(2)), tradesPerSecond: rate(endToEndSeconds) },
    /**
     * The close of the trade date after the burst: its daily digests (mails, avis carried) and the CPU
     * of every process from the close's request to the digests sent and the end-of-day report filed
     * (Postgres: the whole server's). Not in cpuMsPerTrade.
     */
    close: {
      seconds: Number(closeSeconds.toFixed(2)),
      digestMails: Number(digests.mails),
      avisInDigests: Number(digests.avis),
      cpuMsPerTrade: Object.fromEntries(closeCpu.map(([k, v]) => [k, msPerTrade(v)])),
      cpuMsPerTradeSum: msPerTrade(closeCpu.reduce((t, [, v]) => t + v, 0)),
    },
    stages: stages.map((s) => ({
      stage: s.name,
      seconds: Number(((s.doneAt! - t0) / 1000).toFixed(2)),
      perSecond: Math.round(s.target / ((s.doneAt! - t0) / 1000)),
    })),
    latencyCaptureToNotificationMs: percentiles(lat),
    /** From the execution to its instruction received by the simulated CSD, and to its first journal entry. */
    latencyToInstructionMs: percentiles(latInstruction),
    latencyToJournalEntryMs: percentiles(latJournal),
    peakRssMiB: Object.fromEntries([...rssPeak].map(([k, v]) => [k, Math.round(v / 1024)])),
    /**
     * CPU milliseconds per trade of each process from the first publish to the last stage done, its
     * time at rest included. Postgres: its background processes and the backends of the stack's
     * connections, those that ended during the run included (PostgresCpu); the bench's own polls not.
     */
    cpuMsPerTrade,
    /** The sum of cpuMsPerTrade: every process of the stack, the broker and Postgres included. */
    cpuMsPerTradeSum,
    /** The bench process's own (load generator, polls, SMTP and webhook receivers), not in the sum. */
    benchProcessCpuMsPerTrade: msPerTrade((benchCpu.user + benchCpu.system) / 1e6),
    /** With BENCH_REPLICAS: each process's partitions of its service's consumer groups at the end of the run. */
    replicas,
    /** Postgres's share above, by the service whose connections it served; `bench` (its polls) and `other` (other databases) apart. */
    postgresCpuMsPerTrade: Object.fromEntries([...postgresCpuByOwner].sort(([, a], [, b]) => b - a).map(([k, v]) => [k, msPerTrade(v)])),
    /**
     * Postgres per trade, from the first publish to the stack's stop: transactions ended in the
     * bench's database (read-only ones included, the bench's own left out), WAL flushes, KiB and
     * full-page images of the cluster, rows inserted, updated or deleted per schema.
     */
    databasePerTrade: database,
    /** Records per trade produced to each topic, and read by each consumer group from each topic (the close's included). */
    recordsPerTrade: {
      producedByTopic: perTradeOf(volume.producedByTopic),
      consumedByGroup: perTradeOf(volume.consumedByGroup),
    },
    /** Share of one core each process uses at rest, before the first publish (timers, pollers, long polls). */
    idleCorePercent: Object.fromEntries(cpuSince(cpuAtRest, cpuAtStart).map(([k, v]) => [k, Number(((v * 100) / IDLE_SECONDS).toFixed(1))])),
    floor: {
      kafkaProducePerSecond: rate(kf.produceSeconds),
      kafkaConsumePerSecond: rate(kf.consumeSeconds),
      postgresBatchedInsertPerSecond: rate(pgSeconds),
      /** CPU microseconds per message or row in the floor: client, broker and Postgres. */
      cpuMicrosecondsEach: {
        kafkaProduce: Math.round((kf.produceCpuSeconds * 1e6) / N),
        kafkaConsume: Math.round((kf.consumeCpuSeconds * 1e6) / N),
        postgresInsert: Math.round((pgFloor.cpuSeconds * 1e6) / N),
        postgresNarrowInsert: Number(((narrowCpuSeconds * 1e6) / narrowRows).toFixed(1)),
      },
    },
    /**
     * This run's messages and rows per trade priced at the floor's CPU costs, and the trades per
     * second the cores could carry at those costs: the ceiling of the design on this machine.
     */
    floorBudget: budget,
    ratio: {
      endToEndVsKafkaProduce: Number((endToEndSeconds / kf.produceSeconds).toFixed(1)),
      endToEndVsPostgresInsert: Number((endToEndSeconds / pgSeconds).toFixed(1)),
    },
  };
  const dir = join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = process.env.BENCH_RESULT_FILE ?? join(dir, `${runId}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  process.stdout.write(`
Postera benchmark — ${N} executions (${clientTrades} to clients, ${webhookTrades} of them also by webhook: ${result.webhooksReceived} POSTs received), ${result.machine.cores} cores, ${result.machine.model}
  end to end           ${result.endToEnd.tradesPerSecond} trades/s (${result.endToEnd.seconds} s, first publish → every stage done)
${result.stages.map((s) => `  ${s.stage.padEnd(32)} done at ${String(s.seconds).padStart(7)} s  (${s.perSecond}/s)`).join('\n')}
  load                 ${openLoop ? `open loop at ${RATE} trades/s, Poisson arrivals (the generator was at most ${openLoop.sendLagMsMax} ms late)` : 'every trade at once (burst), as fast as the pipeline goes'}
  latency              ${openLoop ? "from each execution's scheduled send time" : "from each execution's Kafka timestamp: includes the queue of the burst"}
${(
  [
    ['→ instruction at the CSD', result.latencyToInstructionMs],
    ['→ journal entry', result.latencyToJournalEntryMs],
    ['→ avis sent', result.latencyCaptureToNotificationMs],
  ] as const
)
  .map(([what, l]) => `    ${what.padEnd(25)} p50 ${l.p50} ms, p99 ${l.p99} ms, p99.9 ${l.p999} ms (${l.samples} trades)`)
  .join('\n')}
  peak RSS (MiB)       ${Object.entries(result.peakRssMiB)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}
  cores                ${
    pinned
      ? `pinned to ${pinned.cores} (${pinned.cpus} of ${result.machine.cores}): the services and the bench as its children; ${pinned.infra.pinned.join('; ') || 'no infrastructure'}${
          pinned.infra.notPinned.length > 0 ? `\n  NOT PINNED           ${pinned.infra.notPinned.map((n) => `${n.what}: ${n.why}`).join('; ')}` : ''
        }\n  threads elsewhere    ${affinity!.map((a) => `${a.what} ${a.off}/${a.threads}`).join(', ')} (threads not on ${pinned.cores} at the end of the run, of all)`
      : `not pinned: ${coresUsed} cores (--cpus=N pins the run)`
  }
  CPU ms per trade     ${Object.entries(result.cpuMsPerTrade)
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ', ',
    )} (sum ${cpuMsPerTradeSum.toFixed(1)}); the bench process (load generator, polls, SMTP and webhook receivers, on the same cores) ${result.benchProcessCpuMsPerTrade}, not in the sum
  the day's close      ${result.close.seconds} s, ${result.close.digestMails} digest mails carrying ${result.close.avisInDigests} notices; CPU ms per trade ${Object.entries(
    result.close.cpuMsPerTrade,
  )
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} (sum ${result.close.cpuMsPerTradeSum}, not in the burst's; Postgres: the whole server)
${replicas
  .map(
    (r) =>
      `  replicas             run: ${cpuMsPerTradeSum.toFixed(2)} ms of CPU per trade, every process\n${formatPartitionSplit(r.service, r.processes, result.cpuMsPerTrade, runId).join('\n')}\n`,
  )
  .join('')}  Postgres CPU ms      ${Object.entries(result.postgresCpuMsPerTrade)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} per trade, by the service it served
  Postgres per trade   ${result.databasePerTrade.transactions} transactions, ${result.databasePerTrade.walFlushes} WAL flushes, ${result.databasePerTrade.walKiB} KiB of WAL (${result.databasePerTrade.walFullPages} full pages); rows written: ${Object.entries(
    result.databasePerTrade.rowsWritten,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}
  rows by table        ${result.databasePerTrade.rowsWrittenByTable
    .slice(0, ROWS_BY_TABLE_PRINTED)
    .map(
      (t) =>
        `${t.table} ${t.total} (${[t.inserted && `${t.inserted} ins`, t.updated && `${t.updated} upd`, t.deleted && `${t.deleted} del`].filter(Boolean).join(', ')})`,
    )
    .join(', ')}${result.databasePerTrade.rowsWrittenByTable.length > ROWS_BY_TABLE_PRINTED ? ', … (all in the results)' : ''}
  idle (% of a core)   ${Object.entries(result.idleCorePercent)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} (sum ${Object.values(result.idleCorePercent)
    .reduce((a, b) => a + b, 0)
    .toFixed(0)} %, over ${IDLE_SECONDS} s before the first publish)
  records per trade    produced: ${Object.entries(result.recordsPerTrade.producedByTopic)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}
                       read: ${Object.entries(result.recordsPerTrade.consumedByGroup)
                         .map(([k, v]) => `${k} ${v}`)
                         .join(', ')}
  floor                kafkajs produce ${result.floor.kafkaProducePerSecond}/s, consume ${result.floor.kafkaConsumePerSecond}/s; Postgres batched insert ${result.floor.postgresBatchedInsertPerSecond} rows/s
  floor CPU each       ${result.floor.cpuMicrosecondsEach.kafkaProduce} µs a message produced, ${result.floor.cpuMicrosecondsEach.kafkaConsume} µs consumed, ${result.floor.cpuMicrosecondsEach.postgresInsert} µs a trade row inserted, ${result.floor.cpuMicrosecondsEach.postgresNarrowInsert} µs an inbox row (client, broker and Postgres)
  design at the floor  ${budget.perTrade.produced} messages produced, ${budget.perTrade.consumed} consumed, ${budget.perTrade.rowsWritten} rows written per trade → at least ${budget.cpuMsPerTrade.total} ms of CPU per trade at the floor's costs, rows as inbox rows (Kafka ${budget.cpuMsPerTrade.kafka}, Postgres ${budget.cpuMsPerTrade.postgres}): at most ${budget.ceilingTradesPerSecond} trades/s on ${coresUsed} cores (Kafka alone ${budget.kafkaAloneCeilingTradesPerSecond})
  ratio                end to end takes ${result.ratio.endToEndVsKafkaProduce}× the raw produce time, ${result.ratio.endToEndVsPostgresInsert}× the raw insert time
  results              ${file}
`);
}

/** This script again, on the first `count` cores (taskset): every process it starts inherits them. */
function runPinned(count: number, argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const r = spawnSync('taskset', ['-c', firstCores(count), process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env,
  });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** `--cpus=1,2`: a run on each, one after the other, then the throughput and CPU per trade compared. */
function compareCores(counts: number[]): number {
  const stamp = Date.now().toString(36);
  const dir = join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const runs = [];
  for (const n of counts) {
    say(`run on ${n} core${n > 1 ? 's' : ''} (--cpus=${n})`);
    const file = join(dir, `bench-cpus-${stamp}-${n}.json`);
    const argv = process.argv.slice(2).map((a) => (a.startsWith('--cpus=') ? `--cpus=${n}` : a));
    const status = runPinned(n, argv, { ...process.env, BENCH_RESULT_FILE: file });
    if (status !== 0) return status;
    const r = JSON.parse(readFileSync(file, 'utf8')) as { endToEnd: { tradesPerSecond: number }; cpuMsPerTradeSum: number };
    runs.push({ cpus: n, tradesPerSecond: r.endToEnd.tradesPerSecond, cpuMsPerTrade: r.cpuMsPerTradeSum, file });
  }
  const summary = scalingSummary(runs);
  const file = join(dir, `bench-cpus-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ trades: N, runs, comparisons: summary.comparisons }, null, 2));
  process.stdout.write(
    `\nPostera benchmark — ${N} executions on ${counts.join(', ')} cores (every process pinned each time)\n${summary.lines.join('\n')}\n  results  ${file}\n`,
  );
  return 0;
}

async function entry(): Promise<number> {
  const counts = parseCpusOption(args.get('cpus'), cpus().length);
  if (counts === null) {
    await main(null);
    return 0;
  }
  // Pinning the broker and Postgres, shared by every run on this machine, would change another
  // bench's figures (and the runs share the bench's database).
  const others = otherBenches();
  if (others.length > 0) throw new CpusOptionError(`--cpus: another bench is running (pid ${others.join(', ')}); wait for it to end`);
  if (counts.length > 1) return compareCores(counts);
  const n = counts[0]!;
  const cores = firstCores(n);
  if (!runsOn(cores)) return runPinned(n, process.argv.slice(2));
  const infra = new InfraPinning(cores);
  // The broker and Postgres get their cores back however the run ends.
  const restore = () => {
    for (const error of infra.restore()) process.stderr.write(`bench: could not give back the cores of ${error}\n`);
  };
  process.on('exit', restore);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      restore();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  infra.pin();
  for (const p of infra.pinned) say(`pinned to cores ${cores}: ${p}`);
  for (const p of infra.notPinned) say(`NOT pinned: ${p.what}: ${p.why}`);
  await main({ cpus: n, cores, infra });
  return 0;
}

entry().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof CpusOptionError) {
      process.stderr.write(`bench: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
