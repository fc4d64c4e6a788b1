import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics, type EventEnvelope, type TradeEconomics } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { amendmentTo100, produceRaw, tradeEconomics as trade, waitFor } from '@postera/testing';
import { count, e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import { amended, cancelled, captured, markDay, signedFetch, step } from './builders.js';

// Accounting as a built process on the real broker and database, fed with hand-built
// trade.events.v1 and settlement.events.v1: amendments and cancellations are reversals plus new
// entries, bonds settle with their accrued interest, and nothing cancelled or superseded is posted.
// Under settlement-date recognition a settled buy enters its position at its consideration, which is
// its cost: once its day is marked the position holds it and no re-costing is posted.
jest.setTimeout(240_000);

const TRADE_DATE = '2026-11-26';
const SETTLEMENT_DATE = '2026-11-30';

/** The whole trade settles on its intended date. */
const settled = (t: TradeEconomics) => step(t, { status: 'SETTLED' });

describe('the journal follows the trade lifecycle, on the real broker and database', () => {
  let env: E2eEnv;
  const publishTo = async (topic: string, ...events: EventEnvelope[]) => {
    await produceRaw(
      env.prefix,
      topic,
      events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e) })),
    );
    const consumer = topic === Topics.tradeEvents ? 'accounting.trade-events' : 'accounting.settlement-events';
    await waitFor(() => groupCaughtUp(`${env.prefix}.${consumer}`, physicalTopic(env.prefix, topic)), { timeoutMs: 30_000, what: `${consumer} to catch up` });
  };
  const trades = (...events: EventEnvelope[]) => publishTo(Topics.tradeEvents, ...events);
  const settlements = (...events: EventEnvelope[]) => publishTo(Topics.settlementEvents, ...events);
  /** Balance (debit − credit) per account of one trade's lines. */
  const balances = async (ref: string) =>
    Object.fromEntries(
      (
        await env.db.query(
          `SELECT l.account_code AS code, sum(l.debit - l.credit)::numeric(20, 2)::text AS balance FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
           WHERE e.trade_ref = $1 GROUP BY l.account_code ORDER BY 1`,
          [ref],
        )
      ).rows.map((r: { code: string; balance: string }) => [r.code, r.balance]),
    );
  /** The trade's lines in posting order, amounts at the cent (the journal stores them without trailing zeros). */
  const lines = async (ref: string) =>
    (
      await env.db.query(
        `SELECT e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS date, l.account_code AS code,
                l.debit::numeric(20, 2)::text AS debit, l.credit::numeric(20, 2)::text AS credit
         FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) WHERE e.trade_ref = $1 ORDER BY e.posted_seq, l.line_no`,
        [ref],
      )
    ).rows.map((r: { kind: string; date: string; code: string; debit: string; credit: string }) => [r.kind, r.date, r.code, r.debit, r.credit]);
  /** The position as costed: quantity, cost and realized P&L (null until a marked day costed it). */
  const positionOf = async (account: string, isin: string) =>
    (
      await env.db.query(
        `SELECT trim_scale(quantity)::text AS quantity, cost::numeric(20, 2)::text AS cost, realized::numeric(20, 2)::text AS realized
         FROM accounting.positions WHERE account = $1 AND isin = $2`,
        [account, isin],
      )
    ).rows[0] ?? null;
  const recostings = () => count(env.db, `SELECT count(*) AS n FROM accounting.journal_entries WHERE kind = 'RECOSTING'`);
  const heldOf = async (ref: string) =>
    (await env.db.query(`SELECT event_type, reason FROM accounting.held_events WHERE trade_ref = $1 ORDER BY held_at, event_id`, [ref])).rows;

  beforeAll(async () => {
    env = await e2eEnv('accounting-lifecycle', { basePort: 4600, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  // P: bought 150 at 58.505 (gross 8775.75, commission 8.78, net 8784.53: the shared trade), amended to 100
  // (gross 5850.50, fees 5.85, net 5856.35) before settlement.
  const P1 = trade('FO-EQ:AC-P');
  const P2 = amendmentTo100(P1);

  it('an amendment reverses the commitment and books the amended one; the settlement posts the amended figures, which the position takes once the day is marked', async () => {
    const amendment = amended(P1, P2);
    const capture = captured(P1);
    await trades(capture, amendment);
    expect(await lines(P1.tradeRef)).toEqual([
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903100', '8775.75', '0.00'],
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903900', '0.00', '8775.75'],
      ['TRADE_DATE_COMMITMENT_REVERSAL', TRADE_DATE, '903100', '0.00', '8775.75'],
      ['TRADE_DATE_COMMITMENT_REVERSAL', TRADE_DATE, '903900', '8775.75', '0.00'],
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903100', '5850.50', '0.00'],
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903900', '0.00', '5850.50'],
    ]);
    // After the amendment: 8775.75 − 8775.75 + 5850.50 to receive.
    expect(await balances(P1.tradeRef)).toEqual({ '903100': '5850.50', '903900': '-5850.50' });
    // Entry ids are fixed by the cause and the kind: a replay from offset 0 posts the same journal.
    const ids = (
      await env.db.query(`SELECT entry_id, kind, cause_event_id FROM accounting.journal_entries WHERE trade_ref = $1 ORDER BY posted_seq`, [P1.tradeRef])
    ).rows;
    expect(ids).toEqual([
      { entry_id: deterministicId('journal', capture.eventId, 'TRADE_DATE_COMMITMENT'), kind: 'TRADE_DATE_COMMITMENT', cause_event_id: capture.eventId },
      {
        entry_id: deterministicId('journal', amendment.eventId, 'TRADE_DATE_COMMITMENT_REVERSAL'),
        kind: 'TRADE_DATE_COMMITMENT_REVERSAL',
        cause_event_id: amendment.eventId,
      },
      { entry_id: deterministicId('journal', amendment.eventId, 'TRADE_DATE_COMMITMENT'), kind: 'TRADE_DATE_COMMITMENT', cause_event_id: amendment.eventId },
    ]);
    // The same amendment again under another event id (capture replayed): the version is booked already, nothing posts.
    await trades(amended(P1, P2));
    expect(await count(env.db, `SELECT count(*) AS n FROM accounting.journal_entries WHERE trade_ref = $1`, [P1.tradeRef])).toBe(3);
    const { rows } = await env.db.query(
      `SELECT version, status, gross_amount::text AS gross, fees_amount::text AS fees, net_amount::text AS net FROM accounting.trades WHERE trade_ref = $1`,
      [P1.tradeRef],
    );
    expect(rows).toEqual([{ version: 2, status: 'OPEN', gross: '5850.50', fees: '5.85', net: '5856.35' }]);

    // The old version's instruction settling (the custodian won a race): held, never posted.
    await settlements(settled(P1));
    expect(await heldOf(P1.tradeRef)).toEqual([{ event_type: 'InstructionStatusChanged', reason: 'VERSION_SUPERSEDED' }]);
    expect(await count(env.db, `SELECT count(*) AS n FROM accounting.journal_entries WHERE trade_ref = $1 AND kind = 'SETTLEMENT'`, [P1.tradeRef])).toBe(0);

    await settlements(settled(P2));
    expect((await lines(P1.tradeRef)).slice(6)).toEqual([
      ['SETTLEMENT', SETTLEMENT_DATE, '903900', '5850.50', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '903100', '0.00', '5850.50'],
      ['SETTLEMENT', SETTLEMENT_DATE, '311000', '5850.50', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '622000', '5.85', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '512000', '0.00', '5856.35'],
    ]);
    // Settled, not costed yet: the position has not moved.
    expect(await positionOf(P1.account, P1.isin)).toBeNull();
    // The settlement day's end: the step is costed. A buy's cost is its consideration, so no re-costing is posted.
    await markDay(env.prefix, SETTLEMENT_DATE);
    // After the whole sequence: nothing left off balance sheet, securities 5850.50, fees 5.85, nostro −5856.35.
    expect(await balances(P1.tradeRef)).toEqual({ '311000': '5850.50', '512000': '-5856.35', '622000': '5.85', '903100': '0.00', '903900': '0.00' });
    expect(await recostings()).toBe(0);
    // The position holds the amended 100 at the amended gross (fees are expensed on 622000, not in the cost).
    expect(await positionOf(P1.account, P1.isin)).toEqual({ quantity: '100', cost: '5850.50', realized: '0.00' });
  });

  it('a cancellation brings the commitment accounts back to zero; a settlement of the cancelled trade is held, never posted', async () => {
    // Sell 40 at 250.10: gross 10004.00, fees 5.00, net 9999.00.
    const Q = trade('FO-EQ:AC-Q', {
      side: 'SELL',
      quantity: '40',
      price: '250.10',
      grossAmount: '10004.00',
      feesAmount: '5.00',
      netAmount: '9999.00',
      fees: [],
    });
    await trades(captured(Q));
    expect(await balances(Q.tradeRef)).toEqual({ '904100': '-10004.00', '904900': '10004.00' });
    await trades(cancelled(Q, 2));
    expect(await lines(Q.tradeRef)).toEqual([
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '904900', '10004.00', '0.00'],
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '904100', '0.00', '10004.00'],
      ['TRADE_DATE_COMMITMENT_REVERSAL', TRADE_DATE, '904900', '0.00', '10004.00'],
      ['TRADE_DATE_COMMITMENT_REVERSAL', TRADE_DATE, '904100', '10004.00', '0.00'],
    ]);
    expect(await balances(Q.tradeRef)).toEqual({ '904100': '0.00', '904900': '0.00' });
    expect((await env.db.query(`SELECT status FROM accounting.trades WHERE trade_ref = $1`, [Q.tradeRef])).rows).toEqual([{ status: 'CANCELLED' }]);

    await settlements(settled(Q));
    expect(await count(env.db, `SELECT count(*) AS n FROM accounting.journal_entries WHERE trade_ref = $1`, [Q.tradeRef])).toBe(2);
    expect(await heldOf(Q.tradeRef)).toEqual([{ event_type: 'InstructionStatusChanged', reason: 'TRADE_CANCELLED' }]);
    expect(await count(env.db, `SELECT count(*) AS n FROM accounting.parked_settlements WHERE trade_ref = $1`, [Q.tradeRef])).toBe(0);
  });

  it('a bond bought with accrued interest settles balanced, the interest on 518100', async () => {
    // Buy 100000 nominal of a 2.75 % bond at 98.50 PERCENT: gross 98500.00, accrued 1582.19, fees 25.00 → net 100107.19.
    const R = trade('FO-FI:AC-R', {
      isin: 'FR0013508470',
      quantity: '100000',
      price: '98.50',
      priceType: 'PERCENT',
      grossAmount: '98500.00',
      accruedInterest: '1582.19',
      feesAmount: '25.00',
      netAmount: '100107.19',
      fees: [{ type: 'COMMISSION', amount: '25.00', currency: 'EUR' }],
      instrumentType: 'BOND',
      book: 'PROP-FI',
    });
    await trades(captured(R));
    await settlements(settled(R));
    // R settles after 30 Nov's markers were read: the next day marked costs it.
    await markDay(env.prefix, '2026-12-01');
    expect(await lines(R.tradeRef)).toEqual([
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903100', '98500.00', '0.00'],
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903900', '0.00', '98500.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '903900', '98500.00', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '903100', '0.00', '98500.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '311000', '98500.00', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '518100', '1582.19', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '622000', '25.00', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '512000', '0.00', '100107.19'],
    ]);
    expect(await balances(R.tradeRef)).toEqual({
      '311000': '98500.00',
      '512000': '-100107.19',
      '518100': '1582.19',
      '622000': '25.00',
      '903100': '0.00',
      '903900': '0.00',
    });
    expect((await env.db.query(`SELECT accrued_interest::text AS a FROM accounting.trades WHERE trade_ref = $1`, [R.tradeRef])).rows).toEqual([
      { a: '1582.19' },
    ]);
    // The position at the clean price: the accrued interest is a receivable, not a cost of the bond.
    expect(await positionOf(R.account, R.isin)).toEqual({ quantity: '100000', cost: '98500.00', realized: '0.00' });
    expect(await recostings()).toBe(0);
  });

  it('a settlement of an amended version not known yet waits, and posts once the amendment arrives', async () => {
    const S1 = trade('FO-EQ:AC-S');
    const S2 = { ...P2, tradeRef: S1.tradeRef, tradeId: S1.tradeId };
    await trades(captured(S1));
    await settlements(settled(S2));
    expect(await count(env.db, `SELECT count(*) AS n FROM accounting.parked_settlements WHERE trade_ref = $1`, [S1.tradeRef])).toBe(1);
    await trades(amended(S1, S2));
    expect(await count(env.db, `SELECT count(*) AS n FROM accounting.parked_settlements WHERE trade_ref = $1`, [S1.tradeRef])).toBe(0);
    await markDay(env.prefix, '2026-12-02');
    expect((await lines(S1.tradeRef)).map(([kind]) => kind)).toEqual([
      'TRADE_DATE_COMMITMENT',
      'TRADE_DATE_COMMITMENT',
      'TRADE_DATE_COMMITMENT_REVERSAL',
      'TRADE_DATE_COMMITMENT_REVERSAL',
      'TRADE_DATE_COMMITMENT',
      'TRADE_DATE_COMMITMENT',
      'SETTLEMENT',
      'SETTLEMENT',
      'SETTLEMENT',
      'SETTLEMENT',
      'SETTLEMENT',
    ]);
    expect(await balances(S1.tradeRef)).toEqual({ '311000': '5850.50', '512000': '-5856.35', '622000': '5.85', '903100': '0.00', '903900': '0.00' });
    // S settled into P's position (same account and ISIN): 100 + 100, cost 5850.50 + 5850.50 = 11701.00.
    expect(await positionOf(S1.account, S1.isin)).toEqual({ quantity: '200', cost: '11701.00', realized: '0.00' });
    expect(await recostings()).toBe(0);
  });

  it('the whole journal balances per currency, and the summary counts what was held', async () => {
    const summary = (await (await signedFetch(env.stack, `${env.stack.url('accounting')}/summary`)).json()) as Record<string, unknown>;
    expect(summary).toMatchObject({ balanced: true, parkedSettlements: 0, heldEvents: { TRADE_CANCELLED: 1, VERSION_SUPERSEDED: 1 } });
    // P 4 entries, Q 2, R 2, S 4; no re-costing (every operation costed was a buy at its cost).
    expect(summary.entries).toBe(12);
  });
});
