/**
 * One chaos run: its own broker and database, the whole stack, a sample day of executions and their
 * confirmations published while a seeded schedule kills services, restarts the broker and Postgres and
 * injects poison messages; the days rolled to settlement; then, once everything is quiet, the checker
 * and the replay of accounting from offset 0.
 */
import { envelope, Topics } from '@postera/contracts';
import {
  demoTradeDate,
  eodSummary,
  closeDay,
  kafkaClient,
  loadSampleReferential,
  openDay,
  REPO_ROOT,
  SAMPLE_REFERENTIAL,
  sampleConfirmations,
  sampleDay,
  Stack,
  ensureTopics,
  waitForCapturedAndInstructed,
  waitUntil,
  type ServiceName,
} from '@postera/devstack';
import { addBusinessDays, TARGET } from '@postera/kernel';
import kafkajs from 'kafkajs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { checkAll, classifyReplayDifferences, compareBalances, type FxPlan, type ReplayClassification, type Verdict } from './checker.js';
import { accountingFacts, captureFacts, consumersByTopic, notificationFacts, readDlq, settlementFacts, type Facts, type InjectedRecord } from './facts.js';
import { badTrade, describeFault, faultSchedule, poisonKey, poisonValue, POISON_TOPICS, type Fault, type ScheduleOptions } from './faults.js';
import { ChaosInfra, defaultInfraOptions, type InfraOptions } from './infra.js';
import { startMailSink, startWebhookSink, type MailSink, type WebhookSink } from './mail-sink.js';
import { appliedPerConsumer, balances, committedOffsetsOf, consumerLag, journalEntries, replayAccounting } from './replay.js';

const { Partitioners } = kafkajs;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fault schedule's options (faults.ts), with its window in seconds. */
export interface ChaosOptions extends Omit<ScheduleOptions, 'windowMs'> {
  trades: number;
  /** Hard bound of the whole run (infrastructure, pipeline, checks, replay), in seconds. */
  seconds: number;
  /** Faults are drawn in [3 s, windowSeconds] after the first publish. */
  windowSeconds: number;
  basePort: number;
  topicPrefix: string;
  replay: boolean;
  /** Keep the broker's and the cluster's data after the run (they are deleted otherwise). */
  keep: boolean;
  resultsDir: string;
  /** Ports of the run's own broker and database (two runs at once need two sets). */
  infra?: Partial<Omit<InfraOptions, 'home'>>;
  log: (line: string) => void;
}

/** Defaults scaled on the number of trades: the 50,000 run gets a dozen kills over ~11 minutes. */
export function defaultOptions(trades = 50_000, o: Partial<ChaosOptions> = {}): ChaosOptions {
  const windowSeconds = o.windowSeconds ?? Math.max(30, Math.round((trades / 60) * 0.8));
  return {
    trades,
    seconds: Math.max(600, Math.round(600 + trades / 20)),
    seed: Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31),
    windowSeconds,
    kills: Math.max(3, Math.round(windowSeconds / 50)),
    brokerRestarts: trades >= 10_000 ? 2 : 1,
    postgresRestarts: trades >= 10_000 ? 2 : 1,
    poisons: trades >= 10_000 ? 9 : 3,
    badTrades: trades >= 10_000 ? 6 : 2,
    basePort: Number(process.env.CHAOS_BASE_PORT ?? 5600),
    topicPrefix: 'chaos',
    replay: true,
    keep: false,
    resultsDir: join(REPO_ROOT, 'chaos-results'),
    log: (line) => process.stdout.write(`${line}\n`),
    ...o,
  };
}

export interface InjectionLog {
  atSeconds: number;
  fault: Fault;
  description: string;
  tookMs: number;
  error?: string;
}

export interface ReplayResult {
  seconds: number;
  ledgerCompared: number;
  positionsCompared: number;
  ledgerDiffering: Array<{ key: string; run: string | null; replay: string | null }>;
  positionsDiffering: Array<{ key: string; run: string | null; replay: string | null }>;
  /** Journal entries (FX revaluations aside) compared, and those on one side only or with other lines. */
  journalCompared: number;
  journalDiffering: Array<{ key: string; run: string | null; replay: string | null }>;
  classification: ReplayClassification;
}

export interface ChaosReport {
  runId: string;
  seed: number;
  tradeDate: string;
  options: Omit<ChaosOptions, 'log'>;
  injections: InjectionLog[];
  unexpectedExits: Array<{ atSeconds: number; service: string; code: number | null }>;
  publisherRetries: number;
  phases: Record<string, number>;
  verdicts: Verdict[];
  replay?: ReplayResult;
  pass: boolean;
  resultsFile?: string;
  facts?: Facts;
}

/** USD per EUR on the trade date and the two business days after it (the run's three closes). */
const FX_RATES = (tradeDate: string): FxPlan['rates'] =>
  ['1.0512', '1.0487', '1.0533'].map((unitsPerEur, i) => ({ date: addBusinessDays(tradeDate, i, TARGET), currency: 'USD', unitsPerEur }));

class Deadline {
  private readonly endsAt: number;
  phase = 'starting';
  constructor(readonly seconds: number) {
    this.endsAt = Date.now() + seconds * 1000;
  }
  leftMs(): number {
    return this.endsAt - Date.now();
  }
  check(): void {
    if (this.leftMs() <= 0) throw new Error(`chaos run exceeded its bound of ${this.seconds} s while ${this.phase} (raise it with --seconds=)`);
  }
  /** The time left, for a wait that must not outlive the bound. */
  budget(): number {
    this.check();
    return this.leftMs();
  }
}

/** Publishes like an upstream platform that retries: a failed send (broker down) is sent again. */
async function publishRetrying(
  brokers: string,
  topic: string,
  messages: Array<{ key: string; value: string }>,
  o: { batchMax: number; deadline: Deadline; onRetry: (e: Error) => void },
): Promise<Array<{ partition: number; offset: string }>> {
  const offsets: Array<{ partition: number; offset: string }> = [];
  let producer: kafkajs.Producer | null = null;
  try {
    for (let i = 0; i < messages.length; i += o.batchMax) {
      const batch = messages.slice(i, i + o.batchMax);
      for (;;) {
        o.deadline.check();
        try {
          if (!producer) {
            producer = kafkaClient(brokers, 'postera-chaos-publisher').producer({
              idempotent: true,
              maxInFlightRequests: 1,
              createPartitioner: Partitioners.DefaultPartitioner,
            });
            await producer.connect();
          }
          const meta = await producer.send({ topic, acks: -1, messages: batch });
          if (batch.length === 1 && meta[0]) offsets.push({ partition: meta[0].partition, offset: String(meta[0].baseOffset) });
          break;
        } catch (e) {
          o.onRetry(e as Error);
          await producer?.disconnect().catch(() => undefined);
          producer = null;
          await sleep(1_000);
        }
      }
    }
  } finally {
    await producer?.disconnect().catch(() => undefined);
  }
  return offsets;
}

let activeCleanUp: (() => Promise<void>) | null = null;

/**
 * Stops what the run in progress started (services, broker, Postgres, sinks) without waiting for
 * it to finish: for a Ctrl-C, a SIGTERM or a crash of the orchestrator itself, which would
 * otherwise leave them running on their ports.
 */
export async function abortActiveRun(): Promise<void> {
  await activeCleanUp?.();
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const deadline = new Deadline(o.seconds);
  const runId = `chaos-${Date.now().toString(36)}`;
  const t0 = Date.now();
  const since = () => (Date.now() - t0) / 1000;
  const say = (s: string) => o.log(`[${since().toFixed(1).padStart(7)} s] ${s}`);
  // The trade date whose T+2 settlement falls by today: every day the run opens and books has come.
  const tradeDate = demoTradeDate(new Date().toISOString().slice(0, 10), 2);
  const schedule = faultSchedule({
    seed: o.seed,
    windowMs: o.windowSeconds * 1000,
    kills: o.kills,
    brokerRestarts: o.brokerRestarts,
    postgresRestarts: o.postgresRestarts,
    poisons: o.poisons,
    badTrades: o.badTrades,
    killable: o.killable,
    killFirst: o.killFirst,
    downMsMax: o.downMsMax,
  } satisfies ScheduleOptions);
  const { log: _log, ...printable } = o;
  const report: ChaosReport = {
    runId,
    seed: o.seed,
    tradeDate,
    options: printable,
    injections: [],
    unexpectedExits: [],
    publisherRetries: 0,
    phases: {},
    verdicts: [],
    pass: false,
  };
  const phase = (name: string) => {
    deadline.phase = name;
    report.phases[name] = Number(since().toFixed(1));
    say(name);
  };

  say(`run ${runId}: seed ${o.seed}, ${o.trades} trades, trade date ${tradeDate}, bound ${o.seconds} s, ${schedule.length} faults in ${o.windowSeconds} s`);
  const infra = new ChaosInfra(defaultInfraOptions(runId, o.infra));
  const logDir = join(REPO_ROOT, '.local/logs', runId);
  let stack: Stack | null = null;
  let replayStack: Stack | null = null;
  let sink: MailSink | null = null;
  let hooks: WebhookSink | null = null;
  let db: pg.Pool | null = null;
  let supervising = false;
  let superviseLoop: Promise<void> = Promise.resolve();
  // Every process of the run stopped, its broker and cluster removed: once, from the finally or
  // from an interrupted or crashed orchestrator (abortActiveRun), whichever comes first.
  let cleaning: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      supervising = false;
      await superviseLoop.catch(() => undefined);
      await db?.end().catch(() => undefined);
      for (const st of [stack, replayStack]) await Promise.allSettled((st ? [...st.running.keys()] : []).map((n) => st!.kill(n)));
      await sink?.close().catch(() => undefined);
      await hooks?.close().catch(() => undefined);
      await infra.destroy({ keep: o.keep });
    })());
  activeCleanUp = cleanUp;
  try {
    phase(`starting own Postgres (127.0.0.1:${infra.o.pgPort}) and Kafka (${infra.brokers}) under ${infra.o.home}`);
    await infra.start();
    await ensureTopics(infra.brokers, o.topicPrefix, runId);
    const databaseUrl = await infra.createDatabase('chaos');
    sink = await startMailSink();
    hooks = await startWebhookSink();
    stack = new Stack({
      databaseUrl,
      kafkaBrokers: infra.brokers,
      topicPrefix: o.topicPrefix,
      groupPrefix: runId,
      basePort: o.basePort,
      logDir,
      smtpUrl: `smtp://127.0.0.1:${sink.port}`,
      logLevel: 'warn',
      serviceEnv: { 'market-sim': { MARKET_SIM_FAIL_RATE: '0.02', MARKET_SIM_SEED: `chaos-${o.seed}` } },
    });
    phase(`starting the services (ports ${o.basePort}–${o.basePort + 6}, logs in ${logDir})`);
    await stack.startAll();
    await loadSampleReferential(stack, { webhookUrl: hooks.url });
    await openDay(stack, tradeDate);
    db = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    db.on('error', () => undefined); // a Postgres restart drops idle clients: the pool makes new ones

    // A process that dies on its own (not killed by the schedule) is recorded and started again.
    const busy = new Set<ServiceName>();
    const restarting = new Map<ServiceName, Promise<void>>();
    const st = stack;
    const supervise = async () => {
      while (supervising) {
        for (const [name, svc] of st.running) {
          if (busy.has(name) || (svc.process.exitCode === null && svc.process.signalCode === null)) continue;
          report.unexpectedExits.push({ atSeconds: Number(since().toFixed(1)), service: name, code: svc.process.exitCode });
          say(`!! ${name} exited on its own (code ${svc.process.exitCode}, signal ${svc.process.signalCode}): starting it again`);
          busy.add(name);
          st.start(name);
          await st.waitHealthy(name, 120_000).catch((e: Error) => say(`!! ${name} not healthy again: ${e.message}`));
          busy.delete(name);
        }
        await sleep(1_000);
      }
    };
    supervising = true;
    superviseLoop = supervise();

    const messages = sampleDay({ tradeDate, count: o.trades, runId: 'C' });
    const confirmations = sampleConfirmations(messages);
    const clientAccounts = new Set(SAMPLE_REFERENTIAL.accounts.filter((a) => a.accountType === 'CLIENT').map((a) => a.account));
    const clientTradesPublished = messages.filter((m) => clientAccounts.has(String(m.message.account))).length;
    const poisons: InjectedRecord[] = [];
    const badTrades: InjectedRecord[] = [];
    const topic = (t: string) => `${o.topicPrefix}.${t}`;
    const onRetry = (e: Error) => {
      report.publisherRetries++;
      if (report.publisherRetries % 10 === 1) say(`publisher: send failed (${e.message}); sending again`);
    };
    // ECB rates for the three days the run closes; the last one is published after its close (a late
    // rate, which accounting must revalue with at once). The sample's USD trades give the FX positions.
    const fx: FxPlan = { closes: [], rates: FX_RATES(tradeDate) };
    const publishRates = (dates: string[]) =>
      publishRetrying(
        infra.brokers,
        topic(Topics.fxRates),
        fx.rates
          .filter((r) => dates.includes(r.date))
          .map((r) => ({
            key: r.currency,
            value: JSON.stringify(
              envelope({
                type: 'FxRate',
                producer: 'chaos',
                correlationId: r.currency,
                causationId: null,
                payload: { rateDate: r.date, currency: r.currency, unitsPerEur: r.unitsPerEur, source: 'ECB' },
              }),
            ),
          })),
        { batchMax: 100, deadline, onRetry },
      );

    const execute = async (f: Fault): Promise<void> => {
      switch (f.kind) {
        case 'kill': {
          // The restart goes on in the background (a consumer rejoins its group only after the dead
          // member's session expires, KAFKA_SESSION_TIMEOUT_MS, 15 s): the schedule keeps its times. A second kill of the same
          // service waits for the first restart.
          await restarting.get(f.service);
          busy.add(f.service);
          await st.kill(f.service);
          await sleep(f.downMs);
          st.start(f.service);
          restarting.set(
            f.service,
            st
              .waitHealthy(f.service, 180_000)
              .catch((e: Error) => say(`!! ${f.service} not healthy after its restart: ${e.message}`))
              .finally(() => busy.delete(f.service)),
          );
          return;
        }
        case 'broker-restart':
          await infra.restartKafka(f.downMs);
          return;
        case 'postgres-restart':
          await infra.restartPostgresImmediate();
          return;
        case 'poison': {
          const key = poisonKey(runId, f.n);
          const value = poisonValue(runId, f);
          const [at] = await publishRetrying(infra.brokers, topic(f.topic), [{ key, value }], { batchMax: 1, deadline, onRetry });
          poisons.push({ topic: f.topic, partition: at!.partition, offset: at!.offset, key, value, at: new Date().toISOString(), variant: f.variant, n: f.n });
          return;
        }
        case 'bad-trade': {
          const m = badTrade(runId, tradeDate, f);
          const [at] = await publishRetrying(infra.brokers, topic(Topics.tradesExecuted), [m], { batchMax: 1, deadline, onRetry });
          badTrades.push({
            topic: Topics.tradesExecuted,
            partition: at!.partition,
            offset: at!.offset,
            key: m.key,
            value: m.value,
            at: new Date().toISOString(),
            variant: f.variant,
            n: f.n,
          });
          return;
        }
      }
    };

    phase(`publishing ${o.trades} executions and ${confirmations.length} confirmations; faults running`);
    const tPublish = Date.now();
    const faults = (async () => {
      for (const f of schedule) {
        const wait = tPublish + f.atMs - Date.now();
        if (wait > 0) await sleep(wait);
        deadline.check();
        const started = Date.now();
        const entry: InjectionLog = { atSeconds: Number(((started - tPublish) / 1000).toFixed(1)), fault: f, description: describeFault(f), tookMs: 0 };
        say(`inject at +${entry.atSeconds} s: ${entry.description}`);
        try {
          await execute(f);
        } catch (e) {
          entry.error = (e as Error).message;
          say(`!! injection failed: ${entry.error}`);
        }
        entry.tookMs = Date.now() - started;
        report.injections.push(entry);
      }
    })();
    await Promise.all([
      publishRetrying(infra.brokers, topic(Topics.tradesExecuted), messages, { batchMax: 2000, deadline, onRetry }),
      publishRetrying(infra.brokers, topic(Topics.confirmationsReceived), confirmations, { batchMax: 2000, deadline, onRetry }),
      publishRates(fx.rates.slice(0, 2).map((r) => r.date)),
    ]);
    phase(`published in ${((Date.now() - tPublish) / 1000).toFixed(1)} s; waiting until every trade is captured, validated and instructed`);
    await waitForCapturedAndInstructed(stack, o.trades, deadline.budget(), confirmations.length);

    phase('rolling the business days to the settlement date (the simulated CSD settles or fails at each close)');
    const retrying = <T>(what: string, f: () => Promise<T>) => {
      let out: T;
      return waitUntil(async () => ((out = await f()), true), what, Math.min(300_000, deadline.budget()), 1_000).then(() => out!);
    };
    let day = tradeDate;
    await retrying(`close ${day}`, () => closeDay(st, day));
    fx.closes.push(day);
    for (let i = 0; i < 2; i++) {
      day = addBusinessDays(day, 1, TARGET);
      const d = day;
      await retrying(`open ${d}`, () => openDay(st, d));
      await retrying(`close ${d}`, () => closeDay(st, d));
      fx.closes.push(d);
    }
    await publishRates([day]);
    await waitUntil(
      async () => {
        const s = await eodSummary(st, day);
        return (
          s.settlement.settled + s.settlement.failing + (s.settlement.byStatus.UNMATCHED ?? 0) === s.settlement.instructed &&
          s.reporting.settled === s.settlement.settled &&
          s.accounting.parkedSettlements === 0
        );
      },
      `settlement of every instruction due by ${day}`,
      deadline.budget(),
      1_000,
    );

    phase('waiting for the rest of the fault schedule');
    await faults;
    await Promise.all(restarting.values());

    phase('waiting for quiescence (consumer lag 0, outboxes empty, mails sent, counts stable)');
    await waitQuiet(db, infra.brokers, runId, deadline, say);
    supervising = false;
    await superviseLoop;

    phase('checking');
    const facts: Facts = {
      capture: await captureFacts(db, o.topicPrefix),
      settlement: await settlementFacts(db),
      accounting: await accountingFacts(db),
      notification: await notificationFacts(db, sink.mails, hooks.notificationIds),
      dlq: await readDlq(infra.brokers, o.topicPrefix),
      consumersByTopic: await consumersByTopic(infra.brokers, o.topicPrefix, runId, POISON_TOPICS),
    };
    report.facts = facts;
    report.verdicts = checkAll(facts, { trades: o.trades, clientTradesPublished, poisons, badTrades, fx }, o.topicPrefix);
    // An event the broker refused for itself is parked by its outbox relay (platform outbox-relay.ts): out of the pipeline, so none may be.
    const parked = Number((await db.query(`SELECT ${OUTBOX_SCHEMAS.map((x) => `(SELECT count(*) FROM ${x}.outbox_parked)`).join(' + ')} AS n`)).rows[0].n);
    report.verdicts.push({
      id: 'outbox-nothing-parked',
      invariant: 'no event parked by an outbox relay (refused by the broker)',
      pass: parked === 0,
      figures: `${parked} parked in ${OUTBOX_SCHEMAS.length} outboxes`,
    });

    if (o.replay) {
      phase('replay: every service stopped; accounting alone from offset 0 into an empty database');
      await stack.stopAll();
      const target = await committedOffsetsOf(infra.brokers, runId, 'accounting');
      const replayUrl = await infra.createDatabase('chaos_replay');
      const r = await replayAccounting({
        brokers: infra.brokers,
        topicPrefix: o.topicPrefix,
        databaseUrl: replayUrl,
        basePort: o.basePort,
        logDir: join(logDir, 'replay'),
        timeoutMs: deadline.budget(),
        target,
        applied: await appliedPerConsumer(databaseUrl),
        onStack: (s) => (replayStack = s),
      });
      const [a, b] = [await balances(databaseUrl), await balances(replayUrl)];
      const ledger = compareBalances(a.ledger, b.ledger);
      const positions = compareBalances(a.positions, b.positions);
      const journal = compareBalances(await journalEntries(databaseUrl), await journalEntries(replayUrl));
      const classification = classifyReplayDifferences(ledger.differing, positions.differing);
      report.replay = {
        classification,
        seconds: Number(r.seconds.toFixed(1)),
        ledgerCompared: ledger.compared,
        positionsCompared: positions.compared,
        ledgerDiffering: ledger.differing,
        positionsDiffering: positions.differing,
        journalCompared: journal.compared,
        journalDiffering: journal.differing,
      };
      const pass = ledger.differing.length === 0 && positions.differing.length === 0 && journal.differing.length === 0 && ledger.compared > 0 && journal.compared > 0;
      report.verdicts.push({
        id: 'replay-identical',
        invariant: 'replaying from offset 0 into an empty schema gives the same journal entry by entry, the same balances and positions',
        pass,
        figures: `${journal.compared} journal entries (FX revaluations aside), ${ledger.compared} ledger balances (account, book, currency, auxiliary) and ${positions.compared} positions compared; ${journal.differing.length}, ${ledger.differing.length} and ${positions.differing.length} differ (replay took ${r.seconds.toFixed(0)} s)${pass ? '' : ` — ${classification.summary}`}`,
        details: pass ? undefined : { journal: journal.differing.slice(0, 40), ledger: ledger.differing.slice(0, 40), positions: positions.differing.slice(0, 40) },
      });
    }
    report.pass = report.verdicts.every((v) => v.pass) && report.injections.every((i) => !i.error);
    phase('done');
    return report;
  } finally {
    await cleanUp();
    activeCleanUp = null;
    mkdirSync(o.resultsDir, { recursive: true });
    report.resultsFile = join(o.resultsDir, `${runId}.json`);
    writeFileSync(
      report.resultsFile,
      JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2),
    );
  }
}

const OUTBOX_SCHEMAS = ['capture', 'settlement', 'accounting', 'reporting', 'notification', 'market_sim'];

/** Quiet = every group of the run at the end of its topics, every outbox empty, no mail owed, counts unchanged for 5 s. */
async function waitQuiet(db: pg.Pool, brokers: string, groupPrefix: string, deadline: Deadline, say: (s: string) => void): Promise<void> {
  let last = '';
  let quietSince = 0;
  let why = '';
  let toldAt = Date.now();
  for (;;) {
    if (Date.now() - toldAt > 30_000) {
      say(`not quiet yet: ${why}`);
      toldAt = Date.now();
    }
    if (deadline.leftMs() <= 0) throw new Error(`chaos run exceeded its bound of ${deadline.seconds} s waiting for quiescence; not quiet: ${why}`);
    try {
      const lag = await consumerLag(brokers, groupPrefix);
      const outbox = Number((await db.query(`SELECT ${OUTBOX_SCHEMAS.map((s) => `(SELECT count(*) FROM ${s}.outbox_pending)`).join(' + ')} AS n`)).rows[0].n);
      // Single deliveries due, and the daily digests the closes made (a DAILY client's held deliveries go at the next close).
      const owed = Number(
        (
          await db.query(`SELECT (SELECT count(*) FROM notification.notifications WHERE status = 'PENDING')
                               + (SELECT count(*) FROM notification.digests WHERE status = 'PENDING') AS n`)
        ).rows[0].n,
      );
      const lagging = Object.entries(lag.byGroup).filter(([, v]) => v !== '0');
      why = `lag ${lag.lag}${lagging.length ? ` (${lagging.map(([g, v]) => `${g} ${v}`).join(', ')})` : ''}, outbox ${outbox}, deliveries owed ${owed}`;
      const counts = JSON.stringify(
        (
          await db.query(`SELECT (SELECT count(*) FROM capture.trades) a, (SELECT count(*) FROM settlement.instruction_history) b,
                                 (SELECT count(*) FROM accounting.journal_entries) c, (SELECT count(*) FROM notification.notifications WHERE status = 'SENT') d,
                                 (SELECT count(*) FROM reporting.trade_activity) e, (SELECT count(*) FROM market_sim.settlement_steps) f`)
        ).rows[0],
      );
      const quiet = lag.lag === 0n && outbox === 0 && owed === 0 && counts === last;
      last = counts;
      if (quiet) {
        quietSince ||= Date.now();
        if (Date.now() - quietSince >= 5_000) return;
      } else quietSince = 0;
    } catch (e) {
      why = (e as Error).message;
      quietSince = 0; // broker or database still coming back
    }
    await sleep(1_000);
  }
}
