/**
 * The fault schedule (a pure function of a seed, so a failing run can be replayed) and the poison
 * messages it injects. Executing the schedule against processes lives in run.ts.
 */
import { Topics } from '@postera/contracts';
// mulberry32, the sample day's generator: small, seeded, the same sequence on every machine.
import { prng } from '@postera/devstack';

export type KillableService = 'capture' | 'settlement' | 'accounting' | 'reporting' | 'notification' | 'market-sim' | 'gateway';
export const KILLABLE_DEFAULT: KillableService[] = ['capture', 'settlement', 'accounting', 'reporting', 'notification', 'market-sim'];

/** Internal event topics a poison goes to: every consumer of them must send it to `<topic>.dlq`. */
export const POISON_TOPICS = [Topics.tradeEvents, Topics.settlementEvents, Topics.custodianStatus] as const;
export type PoisonTopic = (typeof POISON_TOPICS)[number];
export type PoisonVariant = 'not-json' | 'not-an-envelope';
/** Malformed executions on trades.executed.v1: capture makes them exceptions (DESIGN §4), never DLQ. */
export type BadTradeVariant = 'not-json' | 'bad-isin';

export type Fault =
  | { atMs: number; kind: 'kill'; service: KillableService; downMs: number }
  | { atMs: number; kind: 'broker-restart'; downMs: number }
  | { atMs: number; kind: 'postgres-restart' }
  | { atMs: number; kind: 'poison'; topic: PoisonTopic; variant: PoisonVariant; n: number }
  | { atMs: number; kind: 'bad-trade'; variant: BadTradeVariant; n: number };

export interface ScheduleOptions {
  seed: number;
  /** Faults happen between 3 s and this many ms after the first publish. */
  windowMs: number;
  kills: number;
  brokerRestarts: number;
  postgresRestarts: number;
  poisons: number;
  badTrades: number;
  killable?: KillableService[];
  /** Kill each of these once before drawing the rest at random (the CI run names its 2–3 services). */
  killFirst?: KillableService[];
  /** Longest pause before a killed service or the broker is started again. */
  downMsMax?: number;
}


const START_MS = 3_000;

/** The run's faults in time order; the same options give the same schedule. */
export function faultSchedule(o: ScheduleOptions): Fault[] {
  const rnd = prng(o.seed);
  const at = () => START_MS + Math.floor(rnd() * Math.max(1, o.windowMs - START_MS));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const downMsMax = o.downMsMax ?? 5_000;
  const killable = o.killable ?? KILLABLE_DEFAULT;
  const faults: Fault[] = [];
  const killFirst = o.killFirst ?? [];
  for (let i = 0; i < o.kills; i++) {
    const service = i < killFirst.length ? killFirst[i]! : pick(killable);
    faults.push({ atMs: at(), kind: 'kill', service, downMs: 200 + Math.floor(rnd() * downMsMax) });
  }
  for (let i = 0; i < o.brokerRestarts; i++) faults.push({ atMs: at(), kind: 'broker-restart', downMs: 500 + Math.floor(rnd() * downMsMax) });
  for (let i = 0; i < o.postgresRestarts; i++) faults.push({ atMs: at(), kind: 'postgres-restart' });
  for (let i = 0; i < o.poisons; i++) {
    faults.push({ atMs: at(), kind: 'poison', topic: POISON_TOPICS[i % POISON_TOPICS.length]!, variant: i % 2 === 0 ? 'not-json' : 'not-an-envelope', n: i + 1 });
  }
  for (let i = 0; i < o.badTrades; i++) faults.push({ atMs: at(), kind: 'bad-trade', variant: i % 2 === 0 ? 'not-json' : 'bad-isin', n: i + 1 });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

/** The bytes of a poison: unique per run and number, so the DLQ can be compared byte for byte. */
export function poisonValue(runId: string, f: { variant: PoisonVariant; n: number }): string {
  switch (f.variant) {
    case 'not-json':
      return `chaos poison ${runId} #${f.n}: {this is not JSON`;
    case 'not-an-envelope':
      return JSON.stringify({ chaos: 'poison', runId, n: f.n, note: 'valid JSON, not an event envelope' });
  }
}

export function poisonKey(runId: string, n: number): string {
  return `CHAOS-POISON:${runId}-${n}`;
}

/** A malformed execution: one that capture must turn into an INPUT exception. */
export function badTrade(runId: string, tradeDate: string, f: { variant: BadTradeVariant; n: number }): { key: string; value: string } {
  const tradeId = `CHAOS-BAD-${runId}-${f.n}`;
  const key = `FO-EQ:${tradeId}`;
  switch (f.variant) {
    case 'not-json':
      return { key, value: `{"messageId": "chaos-${runId}-${f.n}", "tradeId": ` };
    case 'bad-isin':
      return {
        key,
        value: JSON.stringify({
          messageId: `00000000-0000-4000-8000-${String(f.n).padStart(12, '0')}`,
          schemaVersion: 1,
          sourceSystem: 'FO-EQ',
          tradeId,
          version: 1,
          action: 'NEW',
          executedAt: `${tradeDate}T10:00:00.000+01:00`,
          tradeDate,
          side: 'BUY',
          isin: 'FR0000120272', // wrong check digit
          quantity: '10',
          price: '100.000',
          priceType: 'UNIT',
          currency: 'EUR',
          venue: 'XPAR',
          account: 'CLI-0001',
          counterparty: '969500ABCDEFGHIJKL00',
          capacity: 'AOTC',
        }),
      };
  }
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'kill':
      return `kill -9 ${f.service}, restarted after ${f.downMs} ms`;
    case 'broker-restart':
      return `Kafka broker killed (-9), started again after ${f.downMs} ms`;
    case 'postgres-restart':
      return 'Postgres restarted (pg_ctl -m immediate)';
    case 'poison':
      return `poison #${f.n} (${f.variant}) on ${f.topic}`;
    case 'bad-trade':
      return `malformed execution #${f.n} (${f.variant}) on ${Topics.tradesExecuted}`;
  }
}
