import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { envelope, PARTITION_DAY_CLOSED, Topics, type EventEnvelope, type TradeEconomics } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { beginWithInboxClaim, createLogger, createServiceDataSource, migrate, type BatchHandler, type InboundRecord } from '@postera/platform';
import {
  accountUpserted,
  createTestDatabase,
  dropTestDatabase,
  instructionStatusChanged,
  postgresAdminUrl,
  tradeCancelled,
  tradeCaptured,
  tradeEconomics,
} from '@postera/testing';
import fc from 'fast-check';
import pg from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import type { AccountingConfig } from '../src/config.js';
import { accountingMigrations } from '../src/database/migrations/index.js';
import { AccountsRefConsumer } from '../src/journal/commands/follow-accounts/accounts-ref.consumer.js';
import { SettlementEventsPostingConsumer } from '../src/journal/commands/post-settlement-events/settlement-events-posting.consumer.js';
import { TradeEventsPostingConsumer } from '../src/journal/commands/post-trade-events/trade-events-posting.consumer.js';

// The same operations give the same journal whatever order they arrive in: the real consumers, the
// real inbox and a real database, fed the logs of three business days — trades of a trade-date book
// and settlements of two settlement-date books, CMP and FIFO, buys and sales (shorts too),
// cancellations — each topic's partitions read in a random interleaving, in random chunks, some
// chunks rolled back before their commit (a kill) and delivered again, some delivered twice (a
// redelivery after a rebalance). The journal (every entry: kind, reference, date, cause and lines)
// must be that of the logs read in their natural order.
jest.setTimeout(600_000);

const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'];
const PARTITIONS = 6;
const ISINS = ['FR0000120271', 'FR0000131104'];
/** A trade-date book (CMP), and two settlement-date books, FIFO and CMP. */
const ACCOUNTS = [
  { account: 'TD-01', book: 'PROP-TD', costMethod: 'CMP' as const },
  { account: 'SD-01', book: 'PROP-SD', costMethod: 'FIFO' as const },
  { account: 'SD-02', book: 'PROP-SD', costMethod: 'CMP' as const },
];

interface Op {
  account: number;
  isin: number;
  side: 'BUY' | 'SELL';
  quantity: number;
  cents: number;
  tradeDay: number;
  settleLag: number;
  cancelled: boolean;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  account: fc.integer({ min: 0, max: ACCOUNTS.length - 1 }),
  isin: fc.integer({ min: 0, max: ISINS.length - 1 }),
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  quantity: fc.integer({ min: 1, max: 60 }),
  cents: fc.integer({ min: 100, max: 9_999 }),
  tradeDay: fc.integer({ min: 0, max: DAYS.length - 1 }),
  settleLag: fc.integer({ min: 0, max: 1 }),
  cancelled: fc.boolean(),
});

/** A record as the broker would hand it over: topic, partition, offset, the outbox's headers. */
const record = (topic: string, partition: number, offset: number, e: EventEnvelope): InboundRecord => ({
  topic,
  partition,
  offset: String(offset),
  key: e.correlationId,
  value: Buffer.from(JSON.stringify(e)),
  headers: { eventId: e.eventId, type: e.type },
  timestamp: '0',
});

const marker = (topic: string, day: string, partition: number, producer: string) =>
  envelope({
    type: PARTITION_DAY_CLOSED,
    producer,
    correlationId: `business-day:${day}`,
    causationId: null,
    payload: { calendar: 'TARGET', businessDate: day, partition, partitions: PARTITIONS },
  });

/**
 * The logs: for each topic and partition, each day's events then that day's marker. A trade's events
 * (capture, cancellation, settlement) are on its partition, as the trade key places them; a trade
 * settles at the close of its settlement day (the simulated CSD's cycle), so after its capture.
 */
function logsOf(ops: Op[]): Array<{ topic: string; records: InboundRecord[] }> {
  const trades = ops.map((o, i) => {
    const a = ACCOUNTS[o.account]!;
    const quantity = new Dec(o.quantity);
    const gross = quantity.times(o.cents).div(100).toFixed(2);
    const t: TradeEconomics = tradeEconomics(`FO-PR:X-${String(i).padStart(3, '0')}`, {
      account: a.account,
      book: a.book,
      accountType: 'PROPRIETARY',
      isin: ISINS[o.isin]!,
      side: o.side,
      quantity: quantity.toFixed(),
      price: new Dec(o.cents).div(100).toFixed(2),
      grossAmount: gross,
      feesAmount: '0.00',
      netAmount: gross,
      fees: [],
      tradeDate: DAYS[o.tradeDay]!,
      settlementDate: DAYS[Math.min(o.tradeDay + o.settleLag, DAYS.length - 1)]!,
    });
    return { o, t, partition: i % PARTITIONS, settlementDate: t.settlementDate };
  });
  const logs: Array<{ topic: string; records: InboundRecord[] }> = [];
  for (const topic of [Topics.tradeEvents, Topics.settlementEvents]) {
    for (let p = 0; p < PARTITIONS; p++) {
      const events: EventEnvelope[] = [];
      for (const day of DAYS) {
        for (const x of trades.filter((x) => x.partition === p)) {
          const td = x.o.account === 0;
          if (topic === Topics.tradeEvents && x.t.tradeDate === day) {
            events.push(tradeCaptured(x.t));
            if (td && x.o.cancelled) events.push(tradeCancelled(x.t));
          }
          if (topic === Topics.settlementEvents && x.settlementDate === day && !(td && x.o.cancelled)) {
            events.push(instructionStatusChanged(x.t, 'SETTLED', { settledQuantity: x.t.quantity, effectiveSettlementDate: day }));
          }
        }
        events.push(marker(topic, day, p, topic === Topics.tradeEvents ? 'capture' : 'settlement'));
      }
      logs.push({ topic, records: events.map((e, offset) => record(topic, p, offset, e)) });
    }
  }
  return logs;
}

interface Delivery {
  log: number;
  from: number;
  to: number;
  /** Rolled back before its commit, as by a kill: delivered again later. */
  killed: boolean;
}

/**
 * An arrival order: any partition next, a chunk of 1 to 4 of its records, sometimes killed before
 * the commit, sometimes the last chunk of a partition delivered again. Each partition in its order.
 */
function schedule(logs: Array<{ records: InboundRecord[] }>, seed: number): Delivery[] {
  let s = seed >>> 0 || 1;
  const rnd = (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
  const next = logs.map(() => 0);
  const out: Delivery[] = [];
  for (;;) {
    const open = logs.map((_, i) => i).filter((i) => next[i]! < logs[i]!.records.length);
    if (open.length === 0) return out;
    const log = open[rnd(open.length)]!;
    const from = next[log]!;
    const to = Math.min(logs[log]!.records.length, from + 1 + rnd(4));
    const killed = rnd(8) === 0;
    out.push({ log, from, to, killed });
    if (killed) continue;
    next[log] = to;
    if (rnd(8) === 0) out.push({ log, from, to, killed: false });
  }
}

/** The natural order: day by day, every partition's trade events, then every partition's settlements, each whole. */
function inOrder(logs: Array<{ topic: string; records: InboundRecord[] }>): Delivery[] {
  const out: Delivery[] = [];
  const dayEnds = logs.map((l) => l.records.flatMap((r, i) => (r.headers.type === PARTITION_DAY_CLOSED ? [i + 1] : [])));
  for (let d = 0; d < DAYS.length; d++) {
    for (const topic of [Topics.tradeEvents, Topics.settlementEvents]) {
      logs.forEach((l, i) => {
        if (l.topic === topic) out.push({ log: i, from: d === 0 ? 0 : dayEnds[i]![d - 1]!, to: dayEnds[i]![d]!, killed: false });
      });
    }
  }
  return out;
}

const config = { JOURNAL_WRITER_ROLE: '' } as AccountingConfig;
const log = createLogger('accounting-test', 'silent');

/** One chunk through the inbox and the consumer in one transaction, as the batch consumer runs it; committed or rolled back. */
async function deliver(ds: DataSource, handler: BatchHandler, records: InboundRecord[], killed: boolean): Promise<void> {
  const mine = records.filter((r) => handler.accepts?.(r) ?? true);
  const messages = mine.map((r) => ({ messageId: handler.messageId(r), body: handler.decode(r), record: r }));
  const qr = ds.createQueryRunner() as QueryRunner & { isTransactionActive: boolean };
  const client = (await qr.connect()) as pg.ClientBase;
  try {
    const fresh = await beginWithInboxClaim(
      client,
      'accounting',
      handler.consumerId,
      messages.map((m) => m.messageId),
    );
    qr.isTransactionActive = true;
    const toApply = messages.filter((m) => fresh.delete(m.messageId));
    if (toApply.length > 0) await handler.handle({ tx: qr.manager, schema: 'accounting', emit: () => undefined, log }, toApply);
    await client.query(killed ? 'ROLLBACK' : 'COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    qr.isTransactionActive = false;
    await qr.release();
  }
}

/** Every entry of the journal, in a canonical order: kind, reference, date, cause, and its lines as posted. */
async function journal(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT e.kind || ' ' || e.trade_ref || ' ' || to_char(e.accounting_date, 'YYYY-MM-DD') || ' ' || e.cause_event_id || ' | ' ||
            string_agg(l.account_code || ' ' || coalesce(l.aux_account, '-') || ' ' || l.debit::numeric(20, 2) || ' ' || l.credit::numeric(20, 2), ', ' ORDER BY l.line_no) AS e
     FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id)
     GROUP BY e.entry_id, e.kind, e.trade_ref, e.accounting_date, e.cause_event_id ORDER BY 1`,
  )) as Array<{ e: string }>;
  return rows.map((r) => r.e);
}

describe('the day costed where the logs mark its end: one set of operations, one journal', () => {
  let template = '';
  const made: string[] = [];
  const admin = () => new pg.Client({ connectionString: postgresAdminUrl() });

  beforeAll(async () => {
    const url = await createTestDatabase('acct_costing_template');
    made.push(url);
    template = decodeURIComponent(new URL(url).pathname.slice(1));
    const ds = createServiceDataSource({ url, schema: 'accounting', migrations: accountingMigrations, poolMax: 2, applicationName: 'day-costing-test' });
    await migrate(ds, 'accounting');
    await ds.query(`INSERT INTO accounting.book_policies (book, effective_from, recognition) VALUES ('PROP-TD', '2026-01-01', 'TRADE_DATE')`);
    await deliver(
      ds,
      new AccountsRefConsumer(),
      ACCOUNTS.map((a, i) => record(Topics.refdataAccounts, 0, i, accountUpserted({ ...a, accountType: 'PROPRIETARY' }))),
      false,
    );
    await ds.destroy();
  });
  afterAll(async () => {
    for (const url of made) await dropTestDatabase(url);
  });

  /** A database as the template left it (migrated, the books and accounts known). */
  async function fresh(): Promise<{ ds: DataSource; url: string }> {
    const name = `${template}_${made.length}`;
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await c.end();
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${name}`;
    made.push(url.toString());
    const ds = createServiceDataSource({ url: url.toString(), schema: 'accounting', migrations: [], poolMax: 2, applicationName: 'day-costing-test' });
    await ds.initialize();
    return { ds, url: url.toString() };
  }

  async function run(logs: Array<{ topic: string; records: InboundRecord[] }>, deliveries: Delivery[]) {
    const { ds, url } = await fresh();
    try {
      const handlers = { [Topics.tradeEvents]: new TradeEventsPostingConsumer(config), [Topics.settlementEvents]: new SettlementEventsPostingConsumer(config) };
      for (const d of deliveries) {
        const l = logs[d.log]!;
        await deliver(ds, handlers[l.topic as keyof typeof handlers], l.records.slice(d.from, d.to), d.killed);
      }
      const [state] = (await ds.query(
        `SELECT (SELECT count(*) FROM accounting.staged_ops)::int AS staged, (SELECT count(*) FROM accounting.costed_days)::int AS costed,
                (SELECT count(*) FROM (SELECT 1 FROM accounting.journal_entries WHERE kind = 'RECOSTING' GROUP BY trade_ref, accounting_date HAVING count(*) > 1) x)::int AS "costedTwice"`,
      )) as Array<{ staged: number; costed: number; costedTwice: number }>;
      const securities = (await ds.query(
        `SELECT a.account, coalesce((SELECT sum(cost) FROM accounting.positions p WHERE p.account = a.account), 0)::numeric(20, 2)::text AS positions,
                coalesce((SELECT sum(l.debit - l.credit) FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
                          WHERE l.account_code = '311000' AND (e.trade_ref IN (SELECT trade_ref FROM accounting.trades t WHERE t.account = a.account)
                                                               OR e.trade_ref LIKE 'POSITION:' || a.account || ':%')), 0)::numeric(20, 2)::text AS journal
         FROM unnest($1::text[]) AS a(account) ORDER BY 1`,
        [ACCOUNTS.map((a) => a.account)],
      )) as Array<{ account: string; positions: string; journal: string }>;
      return { journal: await journal(ds), state, securities };
    } finally {
      await ds.destroy();
      await dropTestDatabase(url);
      made.splice(made.indexOf(url), 1);
    }
  }

  it('a worked example: a sale costed before a buy dated before it arrives gets the economic-order cost, in one cost entry at the day marked', async () => {
    // SD-02 (CMP): X-000 buys 100 at 10.00 (1000.00) and X-001 buys 100 at 12.00 (1200.00) on 23 Nov,
    // X-002 sells 100 at 15.00 (1500.00) on 23 Nov. The sale's settlement arrives first. In economic
    // order (same date: by reference) the sale's cost is 2200.00 × 100/200 = 1100.00, gain 400.00.
    const ops: Op[] = [
      { account: 2, isin: 0, side: 'BUY', quantity: 100, cents: 1000, tradeDay: 0, settleLag: 0, cancelled: false },
      { account: 2, isin: 0, side: 'BUY', quantity: 100, cents: 1200, tradeDay: 0, settleLag: 0, cancelled: false },
      { account: 2, isin: 0, side: 'SELL', quantity: 100, cents: 1500, tradeDay: 0, settleLag: 0, cancelled: false },
    ];
    const logs = logsOf(ops);
    const settlementLog = (p: number) => logs.findIndex((l) => l.topic === Topics.settlementEvents && l.records[0]!.partition === p);
    const tradeLogs = logs.map((l, i) => (l.topic === Topics.tradeEvents ? i : -1)).filter((i) => i >= 0);
    // Trades first (each partition's day 1), then the sale's settlement (partition 2), then the buys' (0, 1), then every marker.
    const firstDay = (i: number) => logs[i]!.records.findIndex((r) => r.headers.type === PARTITION_DAY_CLOSED);
    const deliveries: Delivery[] = [
      ...tradeLogs.map((i) => ({ log: i, from: 0, to: firstDay(i), killed: false })),
      { log: settlementLog(2), from: 0, to: 1, killed: false },
      { log: settlementLog(0), from: 0, to: 1, killed: false },
      { log: settlementLog(1), from: 0, to: 1, killed: false },
      ...logs.map((l, i) => ({ log: i, from: firstDay(i), to: l.records.length, killed: false })),
    ];
    const { journal: entries, state } = await run(logs, deliveries);
    expect(state).toEqual({ staged: 0, costed: 3, costedTwice: 0 });
    const cost = entries.filter((e) => e.startsWith('RECOSTING'));
    expect(cost).toHaveLength(1);
    // The sale's settlement credited the securities with its 1500.00; its cost is 1100.00: 311000 D 400.00, 767000 C 400.00.
    expect(cost[0]).toMatch(/^RECOSTING POSITION:SD-02:FR0000120271 2026-11-23 .* \| 311000 - 400\.00 0\.00, 767000 - 0\.00 400\.00$/);
  });

  it('any arrival order, with kills and redeliveries, gives the journal of the logs read in order (entries, amounts, dates), and the securities equal the positions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 14 }), fc.integer(), async (ops, seed) => {
        const logs = logsOf(ops);
        const expected = await run(logs, inOrder(logs));
        const shuffled = await run(logs, schedule(logs, seed));
        expect(shuffled.journal).toEqual(expected.journal);
        expect(shuffled.state).toEqual({ staged: 0, costed: DAYS.length, costedTwice: 0 });
        expect(expected.state).toEqual({ staged: 0, costed: DAYS.length, costedTwice: 0 });
        for (const s of shuffled.securities) expect(s.journal).toBe(s.positions);
      }),
      { numRuns: 25 },
    );
  });
});
