import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '@postera/kernel';
import { recostingPosting } from './posting-rules.js';
import { RULE_SET_V1 } from '../../ledger/rule-sets/rule-set-v1.js';
import { applyOperation, emptyPosition, type CostMethod, type Position } from '../../ledger/domain/cost.js';
import { CostHistory, LOTS_KEPT_EVERY, type CostEffect, type CostOpMeta } from '../../ledger/domain/cost-history.js';
import { imbalance } from '../../ledger/domain/rules-engine.js';

// The properties run 300 cases each: well within the default 5 s alone, not on a loaded machine.
jest.setTimeout(30_000);

const META: CostOpMeta = {
  tradeRef: 'T',
  event: 'SETTLEMENT',
  recognition: 'SETTLEMENT_DATE',
  accountingDate: '2026-11-27',
  securitiesAccount: '311000',
  book: 'B',
  currency: 'EUR',
};

const op = (key: string, side: 'BUY' | 'SELL', quantity: string, gross: string) => ({ key, side, quantity: new Dec(quantity), gross: new Dec(gross), meta: META });

const effect = (c: CostEffect) => ({ securities: c.securities.toFixed(), realized: c.realized.toFixed() });

describe('a position costed in economic order whatever the arrival order', () => {
  it('releases to P&L the cost of a position that a legacy undo leaves flat (worked example)', () => {
    // FIFO, trade date. A buy of 448 for 4.48 (k1) and a sale of 1 for 0.01 (k4) were booked before
    // the history was kept (the sale's entry posted securities −0.01, P&L 0): the base is 447 held at
    // 4.47. Then a sale of 448 for 8.96 (k3), and the cancellation of the sale of 1, whose undo goes
    // at its place (k4~undo), after k3.
    const m = { ...META, event: 'TRADE_DATE' as const, recognition: 'TRADE_DATE' as const };
    const base: Position = { method: 'FIFO', quantity: new Dec(447), cost: new Dec('4.47'), lots: [{ quantity: new Dec(447), cost: new Dec('4.47'), key: 'k1' }] };
    const h = new CostHistory(base, [], 'EUR');
    // The sale of 448 closes the 447 at cost 4.47 for 8.96 × 447/448 = 8.94 (P&L 4.47) and opens 1 short at −0.02.
    expect(effect(h.insert({ ...op('k3', 'SELL', '448', '8.96'), meta: m }))).toEqual({ securities: '-4.49', realized: '4.47' });
    // The legacy sale of 1 is cancelled: its reversal takes back securities −0.01 → quantity 0, cost −0.02 + 0.01 = −0.01.
    h.insertUndo({ key: 'k4~undo', side: 'SELL', quantity: new Dec(1), securities: new Dec('-0.01'), realized: new Dec(0), meta: m });
    // A flat position carries no cost: the −0.01 left goes to P&L, as the undo's re-costing.
    expect([h.state().quantity.toFixed(), h.state().cost.toFixed(), h.state().lots.length]).toEqual(['0', '0', 0]);
    const recosted = h.recosted();
    expect(recosted.map((o) => o.key)).toEqual(['k4~undo']);
    expect(effect(recosted[0]!.posted)).toEqual({ securities: '0.01', realized: '0' });
    expect(effect(recosted[0]!.current)).toEqual({ securities: '0.02', realized: '0.01' });
    // The re-costing entry: securities debited 0.01 (from −0.01 to 0), a gain of 0.01 — 4.48 in all, 8.96 − 4.48.
    const lines = recostingPosting(RULE_SET_V1, { event: 'TRADE_DATE', recognition: 'TRADE_DATE', variant: 'SELL' }, recosted[0]!.posted, recosted[0]!.current, {
      securitiesAccount: '311000',
      aux: {},
    });
    expect(lines.map((l) => [l.accountCode, l.debit.toFixed(2), l.credit.toFixed(2)])).toEqual([
      ['311000', '0.01', '0.00'],
      ['767000', '0.00', '0.01'],
    ]);
    // Loaded again with what it now holds as posted, nothing is left to re-cost.
    recosted[0]!.posted = recosted[0]!.current;
    expect(new CostHistory(base, h.ops, 'EUR').recosted()).toEqual([]);
  });

  it('re-costs a CMP sale when a buy dated before it arrives after it (worked example)', () => {
    // Economic order: buy 100 for 1,000.00 (k1), buy 100 for 1,200.00 (k2), sell 100 for 1,500.00 (k3).
    // Arrival order: k1, k3, k2.
    const h = new CostHistory(emptyPosition('CMP'), [], 'EUR');
    expect(effect(h.insert(op('k1', 'BUY', '100', '1000.00')))).toEqual({ securities: '1000', realized: '0' });
    // The sale as it arrives: the position holds 100 at 1,000.00; it releases 1,000.00 and gains 500.00.
    expect(effect(h.insert(op('k3', 'SELL', '100', '1500.00')))).toEqual({ securities: '-1000', realized: '500' });
    // The second buy, dated before the sale, adds 1,200.00 at cost.
    expect(effect(h.insert(op('k2', 'BUY', '100', '1200.00')))).toEqual({ securities: '1200', realized: '0' });
    // In economic order the sale closes 100 of 200 held at 2,200.00: cost released 2,200.00 × 100/200 = 1,100.00,
    // realized 1,500.00 − 1,100.00 = 400.00. Posted −1,000.00 / 500.00, so it is re-costed by −100.00 / −100.00.
    const recosted = h.recosted();
    expect(recosted.map((o) => o.key)).toEqual(['k3']);
    expect(effect(recosted[0]!.posted)).toEqual({ securities: '-1000', realized: '500' });
    expect(effect(recosted[0]!.current)).toEqual({ securities: '-1100', realized: '400' });
    expect(h.state().quantity.toFixed()).toBe('100');
    expect(h.state().cost.toFixed()).toBe('1100');

    // The re-costing entry: securities credited 100.00 more, the gain 100.00 less, balanced.
    const lines = recostingPosting(
      RULE_SET_V1,
      { event: 'SETTLEMENT', recognition: 'SETTLEMENT_DATE', variant: 'SELL' },
      recosted[0]!.posted,
      recosted[0]!.current,
      { securitiesAccount: '311000', aux: {} },
    );
    expect(lines.map((l) => [l.accountCode, l.debit.toFixed(2), l.credit.toFixed(2)])).toEqual([
      ['311000', '0.00', '100.00'],
      ['767000', '100.00', '0.00'],
    ]);
    expect(imbalance(lines).isZero()).toBe(true);
  });

  it('moves a gain to a loss with both P&L accounts when the re-costing changes its sign', () => {
    // Posted: a gain of 50.00; in economic order: a loss of 30.00 — the gain reversed, the loss booked, securities −80.00.
    const lines = recostingPosting(
      RULE_SET_V1,
      { event: 'SETTLEMENT', recognition: 'SETTLEMENT_DATE', variant: 'SELL' },
      { securities: new Dec('-950.00'), realized: new Dec('50.00') },
      { securities: new Dec('-1030.00'), realized: new Dec('-30.00') },
      { securitiesAccount: '311000', aux: {} },
    );
    expect(lines.map((l) => [l.accountCode, l.debit.toFixed(2), l.credit.toFixed(2)])).toEqual([
      ['311000', '0.00', '80.00'],
      ['767000', '50.00', '0.00'],
      ['667000', '30.00', '0.00'],
    ]);
  });

  it('re-costs what followed an operation taken out (a trade-date buy cancelled)', () => {
    const h = new CostHistory(emptyPosition('CMP'), [], 'EUR');
    h.insert(op('k1', 'BUY', '100', '1000.00'));
    h.insert(op('k2', 'BUY', '100', '1400.00'));
    // Sale of 100 out of 200 at 2,400.00: cost released 1,200.00, gain 300.00.
    expect(effect(h.insert(op('k3', 'SELL', '100', '1500.00')))).toEqual({ securities: '-1200', realized: '300' });
    const out = h.remove('k2');
    expect(out && effect(out.posted)).toEqual({ securities: '1400', realized: '0' });
    // Without the second buy, the sale closes the whole first one: 1,000.00 released, 500.00 gained.
    expect(h.recosted().map((o) => [o.key, effect(o.current)])).toEqual([['k3', { securities: '-1000', realized: '500' }]]);
    expect(h.state().quantity.toFixed()).toBe('0');
    expect(h.state().cost.toFixed()).toBe('0');
  });

  it('FIFO: a history loaded without the lots between checkpoints re-costs from the middle as if kept whole', () => {
    // Economic order: buy 10 for 100.00 (k1), buy 10 for 300.00 (k3), sell 15 for 600.00 (k4), then k2 (buy 10 for 200.00) arrives.
    const whole = new CostHistory(emptyPosition('FIFO'), [], 'EUR');
    for (const o of [op('k1', 'BUY', '10', '100.00'), op('k3', 'BUY', '10', '300.00'), op('k4', 'SELL', '15', '600.00')]) whole.insert(o);
    // As stored: the lots only at the last operation (the checkpoint); the others keep quantity and cost.
    const stored = whole.ops.map((o, i, all) => ({ ...o, dirty: false, after: i === all.length - 1 ? o.after : { ...o.after, lots: [] } }));
    const loaded = new CostHistory(emptyPosition('FIFO'), stored, 'EUR');
    loaded.insert(op('k2', 'BUY', '10', '200.00'));
    // In economic order the sale of 15 takes k1's 10 (100.00) and 5 of k2's (100.00): cost 200.00, gain 400.00;
    // left: 5 of k2 (100.00) and k3's 10 (300.00).
    expect(loaded.recosted().map((o) => [o.key, effect(o.current)])).toEqual([['k4', { securities: '-200', realized: '400' }]]);
    expect(loaded.state().lots.map((l) => [l.key, l.quantity.toFixed(), l.cost.toFixed()])).toEqual([
      ['k2', '5', '100'],
      ['k3', '10', '300'],
    ]);
    expect(loaded.ops.filter((o) => o.dirty).map((o) => o.key)).toEqual(['k2', 'k3', 'k4']);
  });

  const ops = fc.array(
    fc.record({
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      qty: fc.integer({ min: 1, max: 400 }),
      cents: fc.integer({ min: 1, max: 5_000_000 }),
    }),
    { minLength: 1, maxLength: 25 },
  );

  it.each<CostMethod>(['CMP', 'FIFO'])('%s: any arrival order posts, in total, the cost in economic order to the cent (property)', (method) => {
    fc.assert(
      fc.property(
        ops,
        fc.func(fc.integer()),
        (list, rank) => {
          const keyed = list.map((o, i) => ({ ...o, key: `k${String(i).padStart(3, '0')}` }));
          // In economic order: each operation's cost and the position at the end.
          let state: Position = emptyPosition(method);
          let securities = new Dec(0);
          let realized = new Dec(0);
          for (const o of keyed) {
            const r = applyOperation(state, o.side, new Dec(o.qty), new Dec(o.cents).div(100), 'EUR', o.key);
            state = r.position;
            securities = securities.plus(r.securities);
            realized = realized.plus(r.realized);
          }
          // Arriving in a shuffled order, re-costed as they come (a batch at a time: here, one by one).
          const arrival = [...keyed].sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : 1));
          const h = new CostHistory(emptyPosition(method), [], 'EUR');
          let postedSecurities = new Dec(0);
          let postedRealized = new Dec(0);
          for (const o of arrival) {
            const c = h.insert(op(o.key, o.side, String(o.qty), new Dec(o.cents).div(100).toFixed()));
            postedSecurities = postedSecurities.plus(c.securities);
            postedRealized = postedRealized.plus(c.realized);
            for (const r of h.recosted()) {
              postedSecurities = postedSecurities.plus(r.current.securities).minus(r.posted.securities);
              postedRealized = postedRealized.plus(r.current.realized).minus(r.posted.realized);
              r.posted = r.current;
            }
          }
          expect(postedSecurities.toFixed()).toBe(securities.toFixed());
          expect(postedRealized.toFixed()).toBe(realized.toFixed());
          expect(h.state().quantity.toFixed()).toBe(state.quantity.toFixed());
          expect(h.state().cost.toFixed()).toBe(state.cost.toFixed());
          // The securities at cost posted equal the position's cost.
          expect(postedSecurities.toFixed()).toBe(h.state().cost.toFixed());
        },
      ),
      { numRuns: 300 },
    );
  });

  const lotsOf = (p: Position) => p.lots.map((l) => `${l.key}:${l.quantity.toFixed()}:${l.cost.toFixed()}`);

  it.each<CostMethod>(['CMP', 'FIFO'])(
    '%s: a day added in any order to a stored history and re-costed once gives each operation its cost in economic order; lots kept at the checkpoints only (property)',
    (method) => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              side: fc.constantFrom('BUY' as const, 'SELL' as const),
              qty: fc.integer({ min: 1, max: 400 }),
              cents: fc.integer({ min: 1, max: 5_000_000 }),
            }),
            {
              minLength: 1,
              maxLength: 90,
            },
          ),
          fc.func(fc.integer()),
          fc.func(fc.boolean()),
          (list, rank, costedBefore) => {
            const keyed = list.map((o, i) => ({ ...o, key: `k${String(i).padStart(3, '0')}`, gross: new Dec(o.cents).div(100) }));
            // In economic order: each operation's cost and the position after it.
            let state: Position = emptyPosition(method);
            const expected = new Map<string, { cost: CostEffect; after: Position }>();
            for (const o of keyed) {
              const r = applyOperation(state, o.side, new Dec(o.qty), o.gross, 'EUR', o.key);
              state = r.position;
              expected.set(o.key, { cost: r, after: state });
            }
            // Some operations were costed by an earlier day, and stored as PositionBook writes them:
            // the lots only where the history kept them.
            const earlier = new CostHistory(emptyPosition(method), [], 'EUR');
            for (const o of keyed.filter((k) => costedBefore(k.key))) earlier.insert(op(o.key, o.side, String(o.qty), o.gross.toFixed()));
            const stored = earlier.ops.map((o) => ({ ...o, dirty: false, after: o.lotsKept ? o.after : { ...o.after, lots: [] } }));
            // The day's, in a shuffled order, booked at their consideration, then re-costed once.
            const h = new CostHistory(emptyPosition(method), stored, 'EUR');
            const day = keyed.filter((k) => !costedBefore(k.key)).sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : 1));
            for (const o of day)
              h.add(op(o.key, o.side, String(o.qty), o.gross.toFixed()), { securities: o.side === 'BUY' ? o.gross : o.gross.negated(), realized: new Dec(0) });
            h.recosted();
            expect(h.ops.map((o) => `${o.key} ${o.current.securities.toFixed()} ${o.current.realized.toFixed()}`)).toEqual(
              keyed.map((o) => `${o.key} ${expected.get(o.key)!.cost.securities.toFixed()} ${expected.get(o.key)!.cost.realized.toFixed()}`),
            );
            expect(lotsOf(h.state())).toEqual(lotsOf(state));
            h.ops.forEach((o, i) => {
              const kept = method === 'CMP' || i === h.ops.length - 1 || i % LOTS_KEPT_EVERY === LOTS_KEPT_EVERY - 1;
              expect([o.key, o.lotsKept, lotsOf(o.after)]).toEqual([o.key, kept, kept ? lotsOf(expected.get(o.key)!.after) : []]);
            });
            // Written back: the day's operations and every one after the first of them.
            const first = day.length ? Math.min(...day.map((d) => keyed.findIndex((k) => k.key === d.key))) : keyed.length;
            expect(h.ops.filter((o) => o.dirty).map((o) => o.key)).toEqual(keyed.slice(first).map((k) => k.key));
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});
