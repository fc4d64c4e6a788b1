import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics, type EventEnvelope } from '@postera/contracts';
import { DEMO_FX_SOURCE, demoFxRateEvents, demoFxRates } from '@postera/devstack';
import { Dec } from '@postera/kernel';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { captured, dayClosed, markDay, publish, signedFetch, step, trade } from './builders.js';

// The FX-result report (GET /fx/report) on the demo's rates (tools/devstack/src/rates.ts): USD round trips
// settled on three days, the demo's USD rates of the first, second and fourth day (the third left out), and
// GBP without any rate. The report's figures are recomputed from the journal and the rates, written out below.
jest.setTimeout(300_000);

const DAYS = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'] as const;

function roundTrip(ref: string, o: { book: string; currency: string; isin: string; custodian: string }, tradeDate: string, day: string, sold: string) {
  const leg = (id: string, side: 'BUY' | 'SELL', gross: string) =>
    trade(`FO-FXR:${ref}-${id}`, {
      account: `${o.book}-01`,
      book: o.book,
      accountType: 'PROPRIETARY',
      isin: o.isin,
      currency: o.currency,
      side,
      quantity: '100',
      price: new Dec(gross).div(100).toFixed(2),
      grossAmount: gross,
      feesAmount: '0.00',
      netAmount: gross,
      fees: [],
      placeOfSettlement: o.custodian,
      tradeDate,
      settlementDate: day,
    });
  return [leg('B', 'BUY', '10000.00'), leg('S', 'SELL', sold)];
}

const US = { book: 'FXR-US', currency: 'USD', isin: 'US0378331005', custodian: 'DTCYUS33XXX' };
const GB = { book: 'FXR-GB', currency: 'GBP', isin: 'GB0002634946', custodian: 'CRSTGB22XXX' };

interface Report {
  asOf: string;
  rows: Array<Record<string, string | null>>;
  totals: Record<string, string>;
  rates: Array<{ date: string; currency: string; unitsPerEur: string; source: string | null }>;
  missingRates: Array<{ date: string; currency: string; booksNotRevalued: string[]; blocks: string[] }>;
}

describe('the FX-result report on the demo rates equals its recomputation from the journal and the rates', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    env = await e2eEnv('accounting-fx-report', { basePort: 5700, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const send = (topic: string, events: EventEnvelope[]) => publish(env.prefix, topic, events);
  const settle = async (trades: ReturnType<typeof roundTrip>) => {
    await send(Topics.tradeEvents, trades.map(captured));
    for (const t of trades) await send(Topics.settlementEvents, [step(t, { status: 'SETTLED' })]);
  };

  it('USD +1000, −600, +200 (no rate on day 3) → unrealised 2.95, realised −1.12, total 1.83; GBP without a rate listed with what it blocks', async () => {
    // The demo's USD rates, the base 1.0800 moved by the date's day number mod 7: 1 Dec (day 20,788, 5) +0.4 %,
    // 2 Dec (6) +0.6 %, 3 Dec (0) −0.6 %, 4 Dec (1) −0.4 %.
    expect(demoFxRates(DAYS, ['USD']).map((r) => [r.rateDate, r.unitsPerEur, r.source])).toEqual([
      ['2026-12-01', '1.0843', DEMO_FX_SOURCE],
      ['2026-12-02', '1.0865', DEMO_FX_SOURCE],
      ['2026-12-03', '1.0735', DEMO_FX_SOURCE],
      ['2026-12-04', '1.0757', DEMO_FX_SOURCE],
    ]);
    await send(Topics.fxRates, demoFxRateEvents([DAYS[0], DAYS[1], DAYS[3]], ['USD']));

    // Each day's settlements costed (their end marked on the trade and settlement logs) before the day's close revalues them.
    await settle(roundTrip('U1', US, DAYS[0], DAYS[0], '11000.00')); // +1000 USD kept
    await markDay(env.prefix, DAYS[0]);
    await send(Topics.businessDay, [dayClosed(DAYS[0])]);
    await settle([...roundTrip('U2', US, DAYS[0], DAYS[1], '9400.00'), ...roundTrip('G1', GB, DAYS[1], DAYS[1], '10500.00')]); // −600 USD, +500 GBP
    await markDay(env.prefix, DAYS[1]);
    await send(Topics.businessDay, [dayClosed(DAYS[1])]);
    await settle(roundTrip('U3', US, DAYS[0], DAYS[2], '10200.00')); // +200 USD
    await markDay(env.prefix, DAYS[2]);
    await send(Topics.businessDay, [dayClosed(DAYS[2])]);
    await send(Topics.businessDay, [dayClosed(DAYS[3])]);

    // The journal: FXR-US's balance-sheet movements in USD per day and entry kind, and what it booked on 766000 / 666000.
    // Each settlement, at its consideration, moves securities and nostro by the same amount: the day's USD result
    // enters the balance sheet through the position's re-costing (sold − 10000.00 bought: +1000, −600, +200).
    const moves = await env.db.query(
      `SELECT to_char(e.accounting_date, 'YYYY-MM-DD') AS d, e.kind, trim_scale(sum(l.debit - l.credit))::text AS m
       FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
       WHERE l.book = 'FXR-US' AND l.currency = 'USD' AND a.kind = 'BALANCE' GROUP BY 1, 2 HAVING sum(l.debit - l.credit) <> 0 ORDER BY 1, 2`,
    );
    expect(moves.rows.map((r) => [r.d, r.kind, r.m])).toEqual([
      ['2026-12-01', 'RECOSTING', '1000'],
      ['2026-12-02', 'RECOSTING', '-600'],
      ['2026-12-03', 'RECOSTING', '200'],
    ]);
    const booked = await env.db.query(
      `SELECT (-sum(l.debit - l.credit))::numeric(20, 2)::text AS r FROM accounting.journal_lines l WHERE l.book = 'FXR-US' AND l.account_code IN ('766000', '666000')`,
    );

    // Recomputation. The 200 of 3 Dec (no rate) enter at 4 Dec's: periods +1000 @ 1.0843, −600 @ 1.0865, +200 @ 1.0757.
    //   1000/1.0843 = 922.253989; 600/1.0865 = 552.231937; 200/1.0757 = 185.925444; 600/1.0757 = 557.776332.
    //   Total T = 557.776332 − (922.253989 − 552.231937 + 185.925444) = 557.776332 − 555.947496 = 1.828836 → 1.83.
    //   Carrying: 922.253989 for 1000; the 600 leaving release 553.352393 and are worth 552.231937 (realised −1.120456);
    //   368.901595 for 400, + 185.925444 = 554.827039 for 600 (carrying rate 600/554.827039 = 1.081418).
    //   Unrealised 557.776332 − 554.827039 = 2.949293 → 2.95; realised 1.83 − 2.95 = −1.12.
    expect(booked.rows[0].r).toBe('1.83');
    const res = await signedFetch(env.stack, `${env.stack.url('accounting')}/fx/report?asOf=${DAYS[3]}`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    expect(report.rows).toEqual([
      {
        book: 'FXR-GB',
        currency: 'GBP',
        position: '500.00',
        rate: null,
        rateDate: null,
        rateSource: null,
        carryingRate: null,
        carryingEur: null,
        unrealisedEur: null,
        realisedEur: null,
        totalEur: '0.00',
        recomputedEur: null,
        notRevaluedMovement: '0.00',
      },
      {
        book: 'FXR-US',
        currency: 'USD',
        position: '600.00',
        rate: '1.0757',
        rateDate: '2026-12-04',
        rateSource: DEMO_FX_SOURCE,
        carryingRate: '1.081418',
        carryingEur: '554.83',
        unrealisedEur: '2.95',
        realisedEur: '-1.12',
        totalEur: booked.rows[0].r,
        recomputedEur: '1.83',
        notRevaluedMovement: '0.00',
      },
    ]);
    expect(report.totals).toEqual({ unrealisedEur: '2.95', realisedEur: '-1.12', totalEur: '1.83' });
    expect(report.rates).toEqual([
      { date: '2026-12-01', currency: 'USD', unitsPerEur: '1.0843', source: DEMO_FX_SOURCE },
      { date: '2026-12-02', currency: 'USD', unitsPerEur: '1.0865', source: DEMO_FX_SOURCE },
      { date: '2026-12-04', currency: 'USD', unitsPerEur: '1.0757', source: DEMO_FX_SOURCE },
    ]);
    // USD of 3 Dec held up that close's revaluation only (the FEC takes 2 Dec's rate, at most 4 days older);
    // GBP, never published, every close since its first line, and the FEC of the year (its lines of 2 Dec).
    const reval = (d: string, c: string, b: string) =>
      `FX revaluation at the close of ${d} of ${c} in ${b} (its movements wait for the next close with a rate)`;
    expect(report.missingRates).toEqual([
      {
        date: '2026-12-02',
        currency: 'GBP',
        booksNotRevalued: ['FXR-GB'],
        blocks: [reval('2026-12-02', 'GBP', 'FXR-GB'), 'FEC of the fiscal year ending 2026-12-31 (GBP lines dated 2026-12-02 cannot be converted to EUR)'],
      },
      { date: '2026-12-03', currency: 'GBP', booksNotRevalued: ['FXR-GB'], blocks: [reval('2026-12-03', 'GBP', 'FXR-GB')] },
      { date: '2026-12-03', currency: 'USD', booksNotRevalued: ['FXR-US'], blocks: [reval('2026-12-03', 'USD', 'FXR-US')] },
      { date: '2026-12-04', currency: 'GBP', booksNotRevalued: ['FXR-GB'], blocks: [reval('2026-12-04', 'GBP', 'FXR-GB')] },
    ]);

    // As of 3 Dec the USD position is valued at 2 Dec's rate: 400 held, the 200 of 3 Dec not revalued yet.
    const earlier = (await (await signedFetch(env.stack, `${env.stack.url('accounting')}/fx/report?asOf=${DAYS[2]}`)).json()) as Report;
    const us = earlier.rows.find((r) => r.book === 'FXR-US')!;
    // 400/1.0865 − 368.901595 = 368.154625 − 368.901595 = −0.746970 → −0.75; T = 368.154625 − 370.022051 = −1.867426 → −1.87.
    expect([us.position, us.rateDate, us.unrealisedEur, us.realisedEur, us.totalEur, us.recomputedEur, us.notRevaluedMovement]).toEqual([
      '400.00',
      '2026-12-02',
      '-0.75',
      '-1.12',
      '-1.87',
      '-1.87',
      '200.00',
    ]);
  });

  it('refuses a report without its date', async () => {
    expect((await signedFetch(env.stack, `${env.stack.url('accounting')}/fx/report?asOf=4-12-2026`)).status).toBe(400);
  });
});
