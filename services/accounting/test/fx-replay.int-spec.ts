import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics, type EventEnvelope } from '@postera/contracts';
import { waitFor } from '@postera/testing';
import type pg from 'pg';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { captured, dayClosed, fxRate, publish, signedFetch, step, trade } from './builders.js';
import { replayFromZero, type ReplayProcess } from './replay-process.js';

// FX revaluation does not depend on the order lines, rates and closes arrive in (fx/domain/revaluation.ts).
// The first process gets four closes in turn, a round trip settled on the first day only after the third
// close (late lines), and a rate of the second day only after the third close too (a late rate): each is
// corrected at once. A second process then reads every topic from offset 0 into an empty schema, where the
// closes, rates and trades interleave as they come: it ends with the same FX result per book and the same
// balances, to the cent (the split of the result between gains and losses aside, see below).
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
    await settle([...roundTrip('U1', US, DAYS[0], '11000.00'), ...roundTrip('G1', GB, DAYS[0], '11000.00')]);
    await send(Topics.businessDay, [dayClosed(DAYS[0])]);
    await settle([...roundTrip('U2', US, DAYS[1], '10300.00'), ...roundTrip('G2', GB, DAYS[1], '10200.00')]);
    await send(Topics.businessDay, [dayClosed(DAYS[1])]);
    await send(Topics.businessDay, [dayClosed(DAYS[2])]);
    // At the close of 3 Dec: USD 1300/1.12 − (1000/1.10 + 300/1.05) = 1160.714286 − 1194.805195 = −34.09.
    // GBP had no rate on 2 Dec: its 200 entered at 3 Dec's, 1200/0.86 − (1000/0.85 + 200/0.86) = −13.68.
    expect(await fxResult(env.db, 'FX-US')).toBe('-34.09');
    expect(await fxResult(env.db, 'FX-GB')).toBe('-13.68');

    // The late round trip, settled 1 Dec: +500 from 1.10 → 1800/1.12 − (1500/1.10 + 300/1.05) = −42.21, a correction of −8.12.
    await settle(roundTrip('U3', US, DAYS[0], '10500.00'));
    expect(await fxResult(env.db, 'FX-US')).toBe('-42.21');
    // The late rate of 2 Dec: the 200 entered at 0.87 → 1200/0.86 − (1000/0.85 + 200/0.87) = −11.01, a correction of +2.67.
    await send(Topics.fxRates, [fxRate(DAYS[1], 'GBP', '0.87')]);
    expect(await fxResult(env.db, 'FX-GB')).toBe('-11.01');

    await send(Topics.businessDay, [dayClosed(DAYS[3])]);
    // 1800/1.08 − 1649.350649 = 17.32; 1200/0.88 − 1406.355645 = −42.72.
    expect(await fxResult(env.db, 'FX-US')).toBe('17.32');
    expect(await fxResult(env.db, 'FX-GB')).toBe('-42.72');
    const report = (await (await signedFetch(env.stack, `${env.stack.url('accounting')}/fx/results?from=2026-12-01&to=2026-12-04`)).json()) as {
      results: Array<Record<string, string | null>>;
    };
    expect(report.results.filter((r) => r.kind !== 'CLOSE').map((r) => [r.closeDate, r.book, r.kind, r.position, r.rateBefore, r.rate, r.resultEur])).toEqual([
      ['2026-12-03', 'FX-GB', 'LATE_RATE', '1200.00', null, '0.86', '2.67'],
      ['2026-12-03', 'FX-US', 'LATE_LINES', '500.00', null, '1.12', '-8.12'],
    ]);

    // The replay: every topic from offset 0, into an empty schema.
    replay = await replayFromZero(env, { label: 'accounting-fx-replay-2', basePort: 4950, topics: [Topics.fxRates, Topics.tradeEvents, Topics.settlementEvents, Topics.businessDay] });
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
    const positions = `SELECT book, currency, trim_scale(balance)::text AS b, trim_scale(booked_eur)::text AS e FROM accounting.fx_positions ORDER BY 1, 2`;
    expect((await replayPool.query(positions)).rows).toEqual((await env.db.query(positions)).rows);
  });
});
