import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';

/**
 * Cost of fungible lots per account and ISIN (DOMAIN.md §3): weighted average cost (CMP, coût moyen
 * pondéré) or FIFO, chosen by the account's costMethod. Quantities are signed (a sale beyond the
 * holding opens a short position at its proceeds); `cost` is the signed book value at cost, so the
 * securities account of the ledger equals the sum of the positions' costs.
 *
 * An operation of signed quantity q and signed consideration c (+gross for a buy, −gross for a
 * sale) first closes what it can of an opposite position, then opens the rest:
 *   closed part  cq = min(|q|, |position|), its consideration cc = c × cq / |q|
 *   cost released cr: CMP  position cost × cq / |position quantity|
 *                     FIFO the oldest lots' cost, a lot cut in proportion
 *   realized P&L   = −cc − cr        (sale of a long: proceeds − cost; buy-back of a short: proceeds − price paid)
 *   securities     = −cr + (c − cc)  (the change of the book value, posted to the securities account)
 * Rounding: cc and cr to the currency's minor unit half-up (the last closing of a position
 * releases its whole remaining cost, so no residue stays on a closed position).
 */
export type CostMethod = 'CMP' | 'FIFO';

export interface Lot {
  quantity: Decimal;
  cost: Decimal;
  /**
   * FIFO order of acquisition (recognition date | trade date | trade reference): lots are kept in
   * this order whatever the order the events were processed in (two trades on two partitions).
   */
  key?: string;
}

export interface Position {
  method: CostMethod;
  quantity: Decimal;
  cost: Decimal;
  /** FIFO: open lots, oldest first, all of the position's sign. CMP: unused (empty). */
  lots: Lot[];
}

export interface CostOutcome {
  position: Position;
  /** Signed change of the securities at cost. */
  securities: Decimal;
  /** Signed realized P&L (gain > 0). */
  realized: Decimal;
  closedQuantity: Decimal;
}

export interface UndoOutcome {
  position: Position;
  /** The cost a position left flat still had, released to realized P&L (see undoOperation). */
  released: Decimal;
}

export function emptyPosition(method: CostMethod): Position {
  return { method, quantity: new Dec(0), cost: new Dec(0), lots: [] };
}

export function applyOperation(p: Position, side: 'BUY' | 'SELL', quantity: Decimal, gross: Decimal, currency: string, lotKey = ''): CostOutcome {
  const q = side === 'BUY' ? quantity : quantity.negated();
  const c = side === 'BUY' ? gross : gross.negated();
  const opposite = !p.quantity.isZero() && p.quantity.isNegative() !== q.isNegative();
  const cq = opposite ? Dec.min(q.abs(), p.quantity.abs()) : new Dec(0);
  const cc = q.isZero() ? new Dec(0) : roundToMinor(c.times(cq).div(q.abs()), currency, 'HALF_UP');
  // Lots are never changed in place (a lot cut is a new one): positions share them, and an operation
  // copies the array, not each lot.
  let lots = p.lots;
  let cr = new Dec(0);
  if (cq.gt(0)) {
    if (cq.eq(p.quantity.abs())) {
      cr = p.cost;
      lots = [];
    } else if (p.method === 'CMP') {
      cr = roundToMinor(p.cost.times(cq).div(p.quantity.abs()), currency, 'HALF_UP');
    } else {
      // The oldest lots first: those closed whole go, the one cut is replaced by what is left of it.
      let left = cq;
      let closed = 0;
      let cut: Lot | null = null;
      for (const lot of lots) {
        const lq = lot.quantity.abs();
        if (lq.lte(left)) {
          cr = cr.plus(lot.cost);
          left = left.minus(lq);
          closed++;
          if (left.isZero()) break;
        } else {
          const part = roundToMinor(lot.cost.times(left).div(lq), currency, 'HALF_UP');
          cr = cr.plus(part);
          const sign = lot.quantity.isNegative() ? -1 : 1;
          cut = { quantity: lot.quantity.minus(left.times(sign)), cost: lot.cost.minus(part), key: lot.key };
          break;
        }
      }
      lots = cut ? [cut, ...lots.slice(closed + 1)] : lots.slice(closed);
    }
  }
  const openQ = q.isNegative() ? q.plus(cq) : q.minus(cq);
  const openC = c.minus(cc);
  if (!openQ.isZero() && p.method === 'FIFO') {
    // Lots are in key order and operations mostly come in it: the place is looked for from the end.
    let at = lots.length;
    while (at > 0 && (lots[at - 1]!.key ?? '') > lotKey) at--;
    lots = [...lots.slice(0, at), { quantity: openQ, cost: openC, key: lotKey }, ...lots.slice(at)];
  }
  const position: Position = {
    method: p.method,
    quantity: p.quantity.plus(q),
    cost: p.cost.minus(cr).plus(openC),
    lots: p.method === 'FIFO' ? lots : [],
  };
  return { position, securities: openC.minus(cr), realized: cc.negated().minus(cr), closedQuantity: cq };
}

/**
 * Undoes an operation whose entry is reversed (an amendment or cancellation of a trade booked at
 * trade date): the position moves back by the operation's quantity and the securities at cost it
 * posted. CMP is exact. FIFO removes the quantity from the newest lots when the operation opened
 * one (a buy), or puts the released quantity back as the oldest lot when it closed some (a sale):
 * exact when nothing happened in between, an approximation of the lot order otherwise.
 *
 * A position the undo leaves flat carries no cost: what the operations in between released was
 * costed against a position that, the operation taken back, was not there. Its residual cost is
 * released to realized P&L (`released`: the securities change by −released and the P&L by
 * −released on top of taking back the operation's securities). Example, FIFO: buy 448 @ 0.01
 * (4.48), sell 1 @ 0.01 (cost 0.01, P&L 0), sell 448 @ 0.02 (447 closed at cost 4.47 for 8.94,
 * P&L 4.47; 1 short at −0.02); the sale of 1 (securities −0.01) is cancelled: quantity 0, cost
 * −0.02 − (−0.01) = −0.01, released −0.01, so securities +0.01 and P&L +0.01: flat at cost 0
 * with a P&L of 4.48, what buying 448 for 4.48 and selling them for 8.96 makes (found by the
 * property test, seed -2111800307).
 */
export function undoOperation(p: Position, side: 'BUY' | 'SELL', quantity: Decimal, securities: Decimal): UndoOutcome {
  const q = side === 'BUY' ? quantity : quantity.negated();
  const position: Position = { method: p.method, quantity: p.quantity.minus(q), cost: p.cost.minus(securities), lots: [] };
  if (position.quantity.isZero()) return { position: { ...position, cost: new Dec(0) }, released: position.cost };
  const none = new Dec(0);
  if (p.method === 'CMP') return { position, released: none };
  // Rebuild the lots so that they hold the position: newest trimmed, or one lot added first.
  const lots = p.lots.map((l) => ({ ...l }));
  const held = lots.reduce((s, l) => s.plus(l.quantity), new Dec(0));
  const heldCost = lots.reduce((s, l) => s.plus(l.cost), new Dec(0));
  const dq = position.quantity.minus(held);
  const dc = position.cost.minus(heldCost);
  if (!dq.isZero() || !dc.isZero()) {
    if (dq.isNegative() === position.quantity.isNegative() && !dq.isZero()) lots.unshift({ quantity: dq, cost: dc });
    else {
      let left = dq.negated();
      while (!left.isZero() && lots.length > 0) {
        const last = lots[lots.length - 1]!;
        if (last.quantity.abs().lte(left.abs())) {
          lots.pop();
          left = left.minus(last.quantity);
        } else {
          last.quantity = last.quantity.minus(left);
          left = new Dec(0);
        }
      }
      const restCost = position.cost.minus(lots.slice(0, -1).reduce((s, l) => s.plus(l.cost), new Dec(0)));
      if (lots.length > 0) lots[lots.length - 1]!.cost = restCost;
    }
  }
  const kept = lots.filter((l) => !l.quantity.isZero());
  const sumQ = kept.reduce((s, l) => s.plus(l.quantity), new Dec(0));
  const sumC = kept.reduce((s, l) => s.plus(l.cost), new Dec(0));
  // The lots always hold the position exactly and all have its sign; when that cannot be kept
  // (the undo flipped the position from short to long), one lot holds it (found by the property test).
  const mixed = kept.some((l) => l.quantity.isNegative() !== position.quantity.isNegative());
  if (mixed || !sumQ.eq(position.quantity) || !sumC.eq(position.cost)) return { position: { ...position, lots: [{ quantity: position.quantity, cost: position.cost }] }, released: none };
  return { position: { ...position, lots: kept }, released: none };
}
