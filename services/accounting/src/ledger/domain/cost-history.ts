import { Dec, type Dec as Decimal } from '@postera/kernel';
import { applyOperation, undoOperation, type Position } from './cost.js';

/**
 * A position's operations in economic order, so that its cost does not depend on the order the
 * events arrived in. Two trades of one account in one ISIN can come on two partitions, a settlement
 * can wait for its trade, a replay reads the partitions in another interleaving: CMP and FIFO give
 * a sale a different cost (and realized P&L) depending on which buys came before it. The cost of
 * every operation is therefore that of the operations sorted by their key (recognition date | trade
 * date | trade reference | event id); an operation arriving before ones already costed re-costs
 * them, and what each was posted with is corrected by the difference (a re-costing entry). Whatever
 * the arrival order, the journal then sums to the cost in economic order, to the cent.
 *
 * An operation is a trade or settlement step costed by applyOperation (TRADE), or an undo with a
 * fixed effect (UNDO: the reversal of a trade-date operation booked before this history was kept,
 * migration 1796000300000, so not in it), re-costed only by the cost of a position it leaves flat.
 */
export interface CostOp {
  key: string;
  kind: 'TRADE' | 'UNDO';
  side: 'BUY' | 'SELL';
  quantity: Decimal;
  /** TRADE: the gross consideration. UNDO: the securities at cost it takes back (its fixed part). */
  gross: Decimal;
  /** What the journal holds for it: its entry plus its re-costings. */
  posted: CostEffect;
  /** Its cost in economic order (equal to posted once re-costed). */
  current: CostEffect;
  /** The position after it, in economic order. */
  after: Position;
  /** Re-costings posted so far (a re-costing entry's id is taken from the key and this number). */
  revision: number;
  /** Needed to post its re-costing (stored with it, opaque here). */
  meta: CostOpMeta;
  /** Changed since loaded: to be written back. */
  dirty?: boolean;
  /** FIFO: `after` holds the lots (see LOTS_KEPT_EVERY); otherwise its lots are left out. */
  lotsKept?: boolean;
}

/**
 * A FIFO position's lots are kept with every this many operations of a history, and with its last:
 * the places a re-costing starts from and the checkpoints written back. Kept with each, a position
 * of n operations and as many lots would hold n² of them.
 */
export const LOTS_KEPT_EVERY = 32;

export interface CostEffect {
  securities: Decimal;
  realized: Decimal;
}

export interface CostOpMeta {
  tradeRef: string;
  /** Which rules posted the operation: the trade-date entry or a settlement step. */
  event: 'TRADE_DATE' | 'SETTLEMENT';
  recognition: 'SETTLEMENT_DATE' | 'TRADE_DATE';
  accountingDate: string;
  securitiesAccount: string;
  book: string;
  currency: string;
}

/** An operation's meta as its stored rows (position_ops, staged_ops) carry it, column for column. */
export const costOpMeta = (r: CostOpMeta): CostOpMeta => ({
  tradeRef: r.tradeRef,
  event: r.event,
  recognition: r.recognition,
  accountingDate: r.accountingDate,
  securitiesAccount: r.securitiesAccount,
  book: r.book,
  currency: r.currency,
});

const ZERO = (): CostEffect => ({ securities: new Dec(0), realized: new Dec(0) });

export const sameCost = (a: CostEffect, b: CostEffect): boolean => a.securities.eq(b.securities) && a.realized.eq(b.realized);

/**
 * The tail of a position's history from a base state: the operations after the base, in key order.
 * The base is the state after the last operation before the tail (or an empty position).
 *
 * Insertions and removals only put operations in their place; the history is re-costed once, from
 * the first place changed, when a cost or the position is next read (settle). A day of operations
 * arriving out of economic order then costs one pass, not one pass per operation.
 */
export class CostHistory {
  readonly removed: CostOp[] = [];
  /** The first operation whose cost and position after it are out of date (Infinity: none). */
  private staleFrom = 0;
  /** The first operation a change touched: it and every one after it are written back. */
  private changedFrom = Infinity;
  /** Operations added since the last settle, merged into their places in one pass. */
  private readonly pending: CostOp[] = [];

  /**
   * The operations as loaded carry the position after them without FIFO lots (stored only at
   * checkpoints): each is recomputed from the base at the first settle, so that any of them can
   * start a re-costing.
   */
  constructor(
    private readonly base: Position,
    readonly ops: CostOp[],
    private readonly currency: string,
  ) {}

  /** The position after every operation. */
  state(): Position {
    this.settle();
    return this.ops.length ? this.ops[this.ops.length - 1]!.after : this.base;
  }

  /**
   * Adds a trade or settlement step at its place, booked with `posted` (its entry at the
   * consideration, when it was booked before its day was costed): its re-costing posts the
   * difference with its cost in economic order. Re-costed with the others at the next settle.
   */
  add(op: { key: string; side: 'BUY' | 'SELL'; quantity: Decimal; gross: Decimal; meta: CostOpMeta }, posted: CostEffect): void {
    this.pending.push({ ...op, kind: 'TRADE', posted, current: ZERO(), after: this.base, revision: 0, dirty: true });
  }

  /** Adds a trade or settlement step at its place, posted at its cost in economic order, and returns that cost. */
  insert(op: { key: string; side: 'BUY' | 'SELL'; quantity: Decimal; gross: Decimal; meta: CostOpMeta }): CostEffect {
    const added: CostOp = { ...op, kind: 'TRADE', posted: ZERO(), current: ZERO(), after: this.base, revision: 0, dirty: true };
    this.pending.push(added);
    this.settle();
    added.posted = added.current;
    return added.current;
  }

  /**
   * An undo with a fixed effect (see the class comment), at its place: posted as the reversal of the
   * operation's entry. When it leaves the position flat, the cost released to P&L is its re-costing
   * (recosted()), as for the operations after it.
   */
  insertUndo(op: { key: string; side: 'BUY' | 'SELL'; quantity: Decimal; securities: Decimal; realized: Decimal; meta: CostOpMeta }): void {
    const effect = { securities: op.securities.negated(), realized: op.realized.negated() };
    this.pending.push({ ...op, kind: 'UNDO', gross: op.securities, posted: effect, current: effect, after: this.base, revision: 0, dirty: true });
  }

  /**
   * Takes out the operation whose key starts with the prefix (a trade-date operation reversed by an
   * amendment or a cancellation) and returns it with what it was posted with, which its reversal
   * mirrors; the operations after it are re-costed. Undefined when it is not in the history.
   */
  remove(keyPrefix: string): CostOp | undefined {
    this.merge();
    const at = this.ops.findIndex((o) => o.kind === 'TRADE' && o.key.startsWith(keyPrefix));
    if (at < 0) return undefined;
    const [op] = this.ops.splice(at, 1);
    this.removed.push(op!);
    this.changed(at);
    return op;
  }

  /** Operations whose cost in economic order differs from what was posted for them: each needs a re-costing entry. */
  recosted(): CostOp[] {
    this.settle();
    return this.ops.filter((o) => !sameCost(o.posted, o.current));
  }

  /** Re-costs the operations from the first place changed, once for every change since the last time. */
  settle(): void {
    this.merge();
    if (this.staleFrom === Infinity) return;
    // Always the last: it must hold the position's lots, even when the one after it was taken out.
    const from = Math.min(this.staleFrom, Math.max(this.ops.length - 1, 0));
    this.staleFrom = Infinity;
    // From the nearest operation before that kept its lots (or the base).
    let start = from;
    while (start > 0 && !this.ops[start - 1]!.lotsKept) start--;
    let state = start === 0 ? this.base : this.ops[start - 1]!.after;
    const last = this.ops.length - 1;
    for (let i = start; i < this.ops.length; i++) {
      const op = this.ops[i]!;
      if (op.kind === 'UNDO') {
        // Its effect is fixed (the securities it takes back), except for the cost of a position it
        // leaves flat, released to P&L (undoOperation). Securities − P&L stays what it was posted
        // with, so the P&L follows from the securities without storing the fixed part apart.
        const out = undoOperation(state, op.side, op.quantity, op.gross);
        const securities = op.gross.negated().minus(out.released);
        op.current = { securities, realized: securities.minus(op.posted.securities).plus(op.posted.realized) };
        state = out.position;
      } else {
        const out = applyOperation(state, op.side, op.quantity, op.gross, this.currency, op.key);
        op.current = { securities: out.securities, realized: out.realized };
        state = out.position;
      }
      op.lotsKept = state.method !== 'FIFO' || i === last || i % LOTS_KEPT_EVERY === LOTS_KEPT_EVERY - 1;
      op.after = op.lotsKept ? state : { ...state, lots: [] };
      if (i >= this.changedFrom) op.dirty = true;
    }
  }

  /**
   * The operations added into their places: each after those of the same or a lower key, those of
   * one key in the order added. One sort and one pass, whatever the order they came in.
   */
  private merge(): void {
    if (this.pending.length === 0) return;
    const added = this.pending.splice(0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const merged: CostOp[] = [];
    let first = -1;
    let j = 0;
    for (const o of this.ops) {
      while (j < added.length && added[j]!.key < o.key) {
        if (first < 0) first = merged.length;
        merged.push(added[j++]!);
      }
      merged.push(o);
    }
    if (first < 0 && j < added.length) first = merged.length;
    while (j < added.length) merged.push(added[j++]!);
    this.ops.length = 0;
    for (const o of merged) this.ops.push(o);
    this.changed(first);
  }

  /**
   * A change at `at`: the operations from there are re-costed and written back. Indices after it
   * move with the change, but the first place changed is the least of the places of the changes.
   */
  private changed(at: number): void {
    this.staleFrom = Math.min(this.staleFrom, at);
    this.changedFrom = Math.min(this.changedFrom, at);
  }
}
