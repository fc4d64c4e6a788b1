import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics, type EventEnvelope } from '@postera/contracts';
import { waitFor } from '@postera/testing';
import type pg from 'pg';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { captured, dayClosed, fxRate, markDay, publish, signedFetch, step, trade } from './builders.js';
import { replayFromZero, type ReplayProcess } from './replay-process.js';

// FX revaluation does not depend on the order lines, rates and closes arrive in (fx/domain/revaluation.ts).
// The first process gets four days marked and closed in turn, a round trip settled on the first day only
// after the third close (late lines), and a rate of the second day only after the third close too (a late
// rate): each is corrected at once. A round trip moves the book's foreign position only when its day is
// costed: booked at their considerations, the sale's proceeds leave the securities as the cash comes in;
// the costing puts the securities back to zero and the gain on 767000, a P&L account the revaluation leaves
// out. A second process then reads every topic from offset 0 into an empty schema, where the closes, rates
// and trades interleave as they come: it ends with the same FX result per book, the same balances to the
// cent (the split of the result between gains and losses aside, see below) and, the FX revaluations aside,
// the same entries: the day markers sit in the logs where the first process read them, so each day costs
// the same operations.
jest.setTimeout(300_000);

const DAYS = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'] as const;

/** A round trip settled on `day`: buy 100 for 10000.00, sell 100 for `sold`; the book keeps sold − 10000.00 of cash in the currency. */
function roundTrip(ref: string, o: { book: string; currency: string; isin: string; custodian: string }, day: string, sold: string) {
  const leg = (id: string, side: 'BUY' | 'SELL', gross: string) =>
    trade(`FO-FX:${ref}-${id}`, {
      account: `${o.book}-01`,
      book: o.book,
      accountType: 'PROPRIETARY',
      isin: o.isin,
      currency: o.currency,
      side,
      quantity: '100',
      price: (Number(gross) / 100).toFixed(2),
      grossAmount: gross,
      feesAmount: '0.00',
      netAmount: gross,
      fees: [],
      placeOfSettlement: o.custodian,
      tradeDate: '2026-11-27',
      settlementDate: day,
    });
  return [leg('B', 'BUY', '10000.00'), leg('S', 'SELL', sold)];
}

const US = { book: 'FX-US', currency: 'USD', isin: 'US0378331005', custodian: 'DTCYUS33XXX' };
const GB = { book: 'FX-GB', currency: 'GBP', isin: 'GB0002634946', custodian: 'CRSTGB22XXX' };

describe('FX revaluation replayed from offset 0 books the same, whatever order lines, rates and closes come in', () => {
  let env: E2eEnv;
  let replay: ReplayProcess | undefined;

  beforeAll(async () => {
    env = await e2eEnv('accounting-fx-replay', { basePort: 4940, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
  });
  afterAll(async () => {
    await replay?.stop();
    await env?.teardown();
  });

  /** A book's FX result so far: gains on 766000 less losses on 666000. */
  const fxResult = async (db: pg.Pool, book: string) =>
    (
      await db.query(
        `SELECT coalesce(-sum(l.debit - l.credit), 0)::numeric(20, 2)::text AS r FROM accounting.journal_lines l WHERE l.book = $1 AND l.account_code IN ('766000', '666000')`,
        [book],
      )
    ).rows[0].r as string;
  /** The entries but the FX revaluations, each with its lines: kind, date, reference and lines at the cent. */
  const entries = async (db: pg.Pool, kind?: string) =>
    (
      await db.query(
        `SELECT e.entry_id AS id, e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS date, e.trade_ref AS ref,
                array_agg(l.account_code || ' ' || l.debit::numeric(20, 2) || ' ' || l.credit::numeric(20, 2) ORDER BY l.line_no) AS lines
         FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id)
         WHERE e.kind <> 'FX_REVALUATION' AND ($1::text IS NULL OR e.kind = $1) GROUP BY e.entry_id, e.posted_seq ORDER BY e.posted_seq`,
        [kind ?? null],
      )
    ).rows as Array<{ id: string; kind: string; date: string; ref: string; lines: string[] }>;
  const settle = async (trades: ReturnType<typeof roundTrip>) => {
    await publish(env.prefix, Topics.tradeEvents, trades.map(captured));
    for (const t of trades) await publish(env.prefix, Topics.settlementEvents, [step(t, { status: 'SETTLED' })]);
  };
  const send = (topic: string, events: EventEnvelope[]) => publish(env.prefix, topic, events);

  it('USD: +1000.00 and a late +500.00 on 1 Dec, +300.00 on 2 Dec → 17.32; GBP: +1000.00 on 1 Dec, +200.00 on 2 Dec with its rate late → −42.72', async () => {
    // USD 1.10, 1.05, 1.12, 1.08; GBP 0.85, (0.87 late), 0.86, 0.88.
    await send(Topics.fxRates, [
      ...['1.10', '1.05', '1.12', '1.08'].map((r, i) => fxRate(DAYS[i]!, 'USD', r)),
      ...(['0.85', null, '0.86', '0.88'] as const).flatMap((r, i) => (r ? [fxRate(DAYS[i]!, 'GBP', r)] : [])),
    ]);
    // Each day marked (its round trips costed: securities back to zero, +1000.00 on 767000), then closed.
    await settle([...roundTrip('U1', US, DAYS[0], '11000.00'), ...roundTrip('G1', GB, DAYS[0], '11000.00')]);
    await markDay(env.prefix, DAYS[0]);
    await send(Topics.businessDay, [dayClosed(DAYS[0])]);
    await settle([...roundTrip('U2', US, DAYS[1], '10300.00'), ...roundTrip('G2', GB, DAYS[1], '10200.00')]);
    await markDay(env.prefix, DAYS[1]);
    await send(Topics.businessDay, [dayClosed(DAYS[1])]);
    await markDay(env.prefix, DAYS[2]);
    await send(Topics.businessDay, [dayClosed(DAYS[2])]);
    // At the close of 3 Dec: USD 1300/1.12 − (1000/1.10 + 300/1.05) = 1160.714286 − 1194.805195 = −34.09.
    // GBP had no rate on 2 Dec: its 200 entered at 3 Dec's, 1200/0.86 − (1000/0.85 + 200/0.86) = −13.68.
    expect(await fxResult(env.db, 'FX-US')).toBe('-34.09');
    expect(await fxResult(env.db, 'FX-GB')).toBe('-13.68');

    // The late round trip, settled 1 Dec: at its considerations its lines leave the USD position as it was.
    await settle(roundTrip('U3', US, DAYS[0], '10500.00'));
    expect(await fxResult(env.db, 'FX-US')).toBe('-34.09');
    // Costed by the next day marked, its re-costing dated 1 Dec: +500 from 1.10 → 1800/1.12 − (1500/1.10 + 300/1.05) = −42.21,
    // a correction of −8.12 at the close of 3 Dec.
    await markDay(env.prefix, DAYS[3]);
    expect(await fxResult(env.db, 'FX-US')).toBe('-42.21');
    // The late rate of 2 Dec: the 200 entered at 0.87 → 1200/0.86 − (1000/0.85 + 200/0.87) = −11.01, a correction of +2.67.
    await send(Topics.fxRates, [fxRate(DAYS[1], 'GBP', '0.87')]);
    expect(await fxResult(env.db, 'FX-GB')).toBe('-11.01');

    await send(Topics.businessDay, [dayClosed(DAYS[3])]);
    // 1800/1.08 − 1649.350649 = 17.32; 1200/0.88 − 1406.355645 = −42.72.
    expect(await fxResult(env.db, 'FX-US')).toBe('17.32');
    expect(await fxResult(env.db, 'FX-GB')).toBe('-42.72');
    // Each sale's gain out of the securities, dated its settlement (buys at their cost post nothing): U1 11000.00 − 10000.00,
    // G1 the same, U2 10300.00 − 10000.00, G2 10200.00 − 10000.00, then U3, costed by 4 Dec's markers, 10500.00 − 10000.00
    // (a position back to zero before it: U2's cost unchanged).
    expect((await entries(env.db, 'RECOSTING')).map((e) => [e.ref, e.date, e.lines])).toEqual([
      ['POSITION:FX-GB-01:GB0002634946', DAYS[0], ['311000 1000.00 0.00', '767000 0.00 1000.00']],
      ['POSITION:FX-US-01:US0378331005', DAYS[0], ['311000 1000.00 0.00', '767000 0.00 1000.00']],
      ['POSITION:FX-GB-01:GB0002634946', DAYS[1], ['311000 200.00 0.00', '767000 0.00 200.00']],
      ['POSITION:FX-US-01:US0378331005', DAYS[1], ['311000 300.00 0.00', '767000 0.00 300.00']],
      ['POSITION:FX-US-01:US0378331005', DAYS[0], ['311000 500.00 0.00', '767000 0.00 500.00']],
    ]);
    const report = (await (await signedFetch(env.stack, `${env.stack.url('accounting')}/fx/results?from=2026-12-01&to=2026-12-04`)).json()) as {
      results: Array<Record<string, string | null>>;
    };
    expect(report.results.filter((r) => r.kind !== 'CLOSE').map((r) => [r.closeDate, r.book, r.kind, r.position, r.rateBefore, r.rate, r.resultEur])).toEqual([
      ['2026-12-03', 'FX-GB', 'LATE_RATE', '1200.00', null, '0.86', '2.67'],
      ['2026-12-03', 'FX-US', 'LATE_LINES', '500.00', null, '1.12', '-8.12'],
    ]);

    // The replay: every topic from offset 0, into an empty schema.
    replay = await replayFromZero(env, {
      label: 'accounting-fx-replay-2',
      basePort: 4950,
      topics: [Topics.fxRates, Topics.tradeEvents, Topics.settlementEvents, Topics.businessDay],
    });
    const replayPool = replay.db;
    const parked = `SELECT count(*)::int AS n FROM accounting.parked_settlements`;
    await waitFor(async () => (await replayPool.query(parked)).rows[0].n === 0, { timeoutMs: 30_000, what: 'replay to release parked settlements' });

    expect(await fxResult(replayPool, 'FX-US')).toBe('17.32');
    expect(await fxResult(replayPool, 'FX-GB')).toBe('-42.72');
    // Every balance but the split of the FX result between gains (766000) and losses (666000): a correction is
    // booked at the last close, not into the closes it corrects, so the replay (whose closes mostly came before
    // the trades) books its result in fewer, larger entries. The result per book is the same, checked above.
    const balances = `SELECT l.account_code, l.book, l.currency, coalesce(l.aux_account, '') AS aux, trim_scale(sum(l.debit - l.credit))::text AS balance
      FROM accounting.journal_lines l WHERE l.account_code NOT IN ('766000', '666000') GROUP BY 1, 2, 3, 4 HAVING sum(l.debit - l.credit) <> 0 ORDER BY 1, 2, 3, 4`;
    const original = (await env.db.query(balances)).rows;
    // Per book: the cash kept (1800.00 USD, 1200.00 GBP), the realized P&L against it, and the FX adjustment on 479000.
    expect(original.map((r) => r.account_code).sort()).toEqual(['479000', '479000', '512000', '512000', '767000', '767000']);
    expect(original.filter((r) => r.account_code === '479000').map((r) => [r.book, r.balance])).toEqual([
      ['FX-GB', '-42.72'],
      ['FX-US', '17.32'],
    ]);
    expect((await replayPool.query(balances)).rows).toEqual(original);
    // The trades' entries and the re-costings: the same ids, dates and lines, whatever order the replay read them in.
    const byId = (rows: Awaited<ReturnType<typeof entries>>) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    const journal = byId(await entries(env.db));
    expect(journal.filter((e) => e.kind === 'RECOSTING')).toHaveLength(5);
    expect(byId(await entries(replayPool))).toEqual(journal);
    const positions = `SELECT book, currency, trim_scale(balance)::text AS b, trim_scale(booked_eur)::text AS e FROM accounting.fx_positions ORDER BY 1, 2`;
    expect((await replayPool.query(positions)).rows).toEqual((await env.db.query(positions)).rows);
  });
});
