import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '@postera/kernel';
import { recostingPosting, settlementStepPosting, tradeDatePosting } from './posting-rules.js';
import { RULE_SET_V1 } from '../../ledger/rule-sets/rule-set-v1.js';
import { settlementStep, type TradeFigures } from '../../ledger/domain/amounts.js';
import { applyOperation, emptyPosition, undoOperation, type CostMethod, type Position } from '../../ledger/domain/cost.js';
import { imbalance, reversalOf, type JournalLine } from '../../ledger/domain/rules-engine.js';

/**
 * Property tests over the pure posting path the consumers use (rules, amounts, costs): any sequence
 * of trades, partial settlements and cancellations leaves every entry balanced, every account's
 * balance equal to the sum of its postings, the securities account equal to the positions' cost,
 * nothing off balance sheet for what is settled or cancelled — and running the same events again
 * from nothing gives the same balances.
 */
type Ev =
  | { kind: 'trade'; side: 'BUY' | 'SELL'; qty: number; priceCents: number; feeCents: number }
  | { kind: 'settle'; pick: number; parts: number }
  | { kind: 'cancel'; pick: number };

const events = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('trade' as const),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      qty: fc.integer({ min: 1, max: 500 }),
      priceCents: fc.integer({ min: 1, max: 100_000 }),
      feeCents: fc.integer({ min: 0, max: 500 }),
    }),
    fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), parts: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  ),
  { maxLength: 40 },
);

interface Sim {
  entries: JournalLine[][];
  position: Position;
}

function simulate(evs: Ev[], method: CostMethod, recognition: 'SETTLEMENT_DATE' | 'TRADE_DATE'): Sim {
  const sim: Sim = { entries: [], position: emptyPosition(method) };
  const trades: Array<TradeFigures & { status: string; tdSec: Dec; tdReal: Dec }> = [];
  const ctx = { securitiesAccount: '311000', aux: {} };
  for (const e of evs) {
    if (e.kind === 'trade') {
      const gross = new Dec(e.qty).times(e.priceCents).div(100);
      const fees = new Dec(e.feeCents).div(100);
      if (e.side === 'SELL' && fees.gt(gross)) continue;
      const net = e.side === 'BUY' ? gross.plus(fees) : gross.minus(fees);
      const t = {
        side: e.side,
        currency: 'EUR',
        quantity: String(e.qty),
        grossAmount: gross.toFixed(2),
        accruedInterest: '0',
        feesAmount: fees.toFixed(2),
        netAmount: net.toFixed(2),
        settledQuantity: '0',
        settledCommitment: '0',
        settledAccrued: '0',
        settledFees: '0',
        settledNet: '0',
        status: 'OPEN',
        tdSec: new Dec(0),
        tdReal: new Dec(0),
      };
      let cost;
      if (recognition === 'TRADE_DATE') {
        const o = applyOperation(sim.position, t.side, new Dec(t.quantity), gross, 'EUR');
        sim.position = o.position;
        cost = { securities: o.securities, realized: o.realized };
        t.tdSec = o.securities;
        t.tdReal = o.realized;
      }
      sim.entries.push(tradeDatePosting(t, recognition, cost, RULE_SET_V1, ctx));
      trades.push(t);
    } else {
      const open = trades.filter((t) => t.status === 'OPEN' || (e.kind === 'settle' && t.status === 'PARTIAL'));
      if (open.length === 0) continue;
      const t = open[e.pick % open.length]!;
      if (e.kind === 'cancel') {
        if (t.status !== 'OPEN') continue;
        sim.entries.push(reversalOf(tradeDatePosting(t, recognition, { securities: t.tdSec, realized: t.tdReal }, RULE_SET_V1, ctx)));
        if (recognition === 'TRADE_DATE') {
          const undo = undoOperation(sim.position, t.side, new Dec(t.quantity), t.tdSec);
          sim.position = undo.position;
          // The cost a flat position still had goes to P&L, posted as the undo's re-costing (CostHistory).
          const taken = { securities: t.tdSec.negated(), realized: t.tdReal.negated() };
          const released = { securities: taken.securities.minus(undo.released), realized: taken.realized.minus(undo.released) };
          if (!undo.released.isZero()) sim.entries.push(recostingPosting(RULE_SET_V1, { event: 'TRADE_DATE', recognition, variant: t.side }, taken, released, ctx));
        }
        t.status = 'CANCELLED';
        continue;
      }
      const rest = new Dec(t.quantity).minus(t.settledQuantity);
      const q = e.parts === 1 ? rest : Dec.max(new Dec(1), rest.div(e.parts).floor());
      const s = settlementStep(t, { stepQuantity: q.toFixed() });
      let cost = { securities: new Dec(0), realized: new Dec(0) };
      if (recognition === 'SETTLEMENT_DATE') {
        const o = applyOperation(sim.position, t.side, s.quantity, s.gross, 'EUR');
        sim.position = o.position;
        cost = { securities: o.securities, realized: o.realized };
      }
      sim.entries.push(settlementStepPosting(t.side, s, cost, recognition, RULE_SET_V1, ctx));
      Object.assign(t, {
        settledQuantity: new Dec(t.settledQuantity).plus(s.quantity).toFixed(),
        settledCommitment: new Dec(t.settledCommitment).plus(s.commitment).toFixed(),
        settledFees: new Dec(t.settledFees).plus(s.fees).toFixed(),
        settledNet: new Dec(t.settledNet).plus(s.net).toFixed(),
        status: s.final ? 'SETTLED' : 'PARTIAL',
      });
    }
  }
  // Everything still open settles, so the off-balance accounts must come back to zero.
  for (const t of trades.filter((x) => x.status === 'OPEN' || x.status === 'PARTIAL')) {
    const s = settlementStep(t, {});
    let cost = { securities: new Dec(0), realized: new Dec(0) };
    if (recognition === 'SETTLEMENT_DATE') {
      const o = applyOperation(sim.position, t.side, s.quantity, s.gross, 'EUR');
      sim.position = o.position;
      cost = { securities: o.securities, realized: o.realized };
    }
    sim.entries.push(settlementStepPosting(t.side, s, cost, recognition, RULE_SET_V1, ctx));
  }
  return sim;
}

const balances = (entries: JournalLine[][]) => {
  const b = new Map<string, Dec>();
  for (const e of entries) for (const l of e) b.set(l.accountCode, (b.get(l.accountCode) ?? new Dec(0)).plus(l.debit).minus(l.credit));
  return Object.fromEntries([...b].sort().map(([k, v]) => [k, v.toFixed()]));
};

describe('journal properties over any sequence of events', () => {
  it('found by the property test: a cancelled sale that had turned a long into a short leaves lots of one sign', () => {
    const evs: Ev[] = [
      { kind: 'trade', side: 'BUY', qty: 1, priceCents: 1, feeCents: 0 },
      { kind: 'trade', side: 'SELL', qty: 2, priceCents: 1, feeCents: 0 },
      { kind: 'settle', pick: 0, parts: 1 },
      { kind: 'cancel', pick: 0 },
      { kind: 'trade', side: 'BUY', qty: 3, priceCents: 1, feeCents: 0 },
      { kind: 'trade', side: 'SELL', qty: 3, priceCents: 1, feeCents: 0 },
    ];
    const sim = simulate(evs, 'FIFO', 'TRADE_DATE');
    // Bought 1 + 3, sold 3 (the sale of 2 cancelled): 1 left at 0.01.
    expect([sim.position.quantity.toFixed(), sim.position.cost.toFixed(), balances(sim.entries)['311000']]).toEqual(['1', '0.01', '0.01']);
  });

  it('found by the property test (seed -2111800307): a cancelled sale that leaves the position flat releases its residual cost to P&L', () => {
    const evs: Ev[] = [
      { kind: 'trade', side: 'BUY', qty: 448, priceCents: 1, feeCents: 0 },
      { kind: 'trade', side: 'SELL', qty: 1, priceCents: 1, feeCents: 0 },
      { kind: 'trade', side: 'SELL', qty: 448, priceCents: 2, feeCents: 0 },
      { kind: 'cancel', pick: 1 },
    ];
    const sim = simulate(evs, 'FIFO', 'TRADE_DATE');
    // Bought 448 for 4.48, sold 448 for 8.96 (the sale of 1 cancelled): flat at cost 0, gain 4.48 (767000 credited).
    const b = balances(sim.entries);
    expect([sim.position.quantity.toFixed(), sim.position.cost.toFixed(), sim.position.lots.length, b['311000'], b['767000']]).toEqual(['0', '0', 0, '0', '-4.48']);
  });

  for (const method of ['CMP', 'FIFO'] as const)
    for (const recognition of ['SETTLEMENT_DATE', 'TRADE_DATE'] as const)
      it(`${method}, ${recognition}: every entry balances, off balance sheet ends at zero, securities = positions' cost, a flat position costs nothing, lots hold the position, replay is identical`, () => {
        fc.assert(
          fc.property(events, (evs) => {
            const sim = simulate(evs, method, recognition);
            for (const e of sim.entries) {
              expect(imbalance(e).isZero()).toBe(true);
              for (const l of e) expect(l.debit.gte(0) && l.credit.gte(0) && l.debit.isZero() !== l.credit.isZero()).toBe(true);
            }
            const b = balances(sim.entries);
            for (const off of ['903100', '903900', '904100', '904900']) expect(b[off] ?? '0').toBe('0');
            if (recognition === 'TRADE_DATE') expect(b['461200'] ?? '0').toBe('0');
            expect(new Dec(b['311000'] ?? 0).eq(sim.position.cost)).toBe(true);
            if (sim.position.quantity.isZero()) expect(sim.position.cost.toFixed()).toBe('0');
            if (method === 'FIFO') {
              expect(sim.position.lots.reduce((s, l) => s.plus(l.quantity), new Dec(0)).eq(sim.position.quantity)).toBe(true);
              expect(sim.position.lots.reduce((s, l) => s.plus(l.cost), new Dec(0)).eq(sim.position.cost)).toBe(true);
              expect(sim.position.lots.every((l) => l.quantity.isNegative() === sim.position.quantity.isNegative() && !l.quantity.isZero())).toBe(true);
            }
            // The sum of all balances is zero (every balance is the sum of its postings, and they balance).
            expect(
              Object.values(b)
                .reduce((s, v) => s.plus(v), new Dec(0))
                .isZero(),
            ).toBe(true);
            expect(balances(simulate(evs, method, recognition).entries)).toEqual(b);
          }),
          { numRuns: 300 },
        );
      });
});
