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
}

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
 */
export class CostHistory {
  readonly removed: CostOp[] = [];

  /**
   * The operations as loaded carry the position after them without FIFO lots (stored only at
   * checkpoints): each is recomputed from the base, so that any of them can start a re-costing.
   */
  constructor(
    private readonly base: Position,
    readonly ops: CostOp[],
    private readonly currency: string,
  ) {
    this.recost(0, false);
  }

  /** The position after every operation. */
  state(): Position {
    return this.ops.length ? this.ops[this.ops.length - 1]!.after : this.base;
  }

  /**
   * Adds a trade or settlement step at its place and returns its cost in economic order; the
   * operations after it are re-costed. `posted` is what the journal already holds for it (its entry
   * at the consideration, when it was booked before its day was costed): its re-costing posts the
   * difference. Absent: its own entry posts the cost returned.
   */
  insert(op: { key: string; side: 'BUY' | 'SELL'; quantity: Decimal; gross: Decimal; meta: CostOpMeta }, posted?: CostEffect): CostEffect {
    const at = this.indexAfter(op.key);
    const added: CostOp = { ...op, kind: 'TRADE', posted: ZERO(), current: ZERO(), after: this.base, revision: 0, dirty: true };
    this.ops.splice(at, 0, added);
    this.recost(at);
    added.posted = posted ?? added.current;
    return added.current;
  }

  /**
   * An undo with a fixed effect (see the class comment), at its place: posted as the reversal of the
   * operation's entry. When it leaves the position flat, the cost released to P&L is its re-costing
   * (recosted()), as for the operations after it.
   */
  insertUndo(op: { key: string; side: 'BUY' | 'SELL'; quantity: Decimal; securities: Decimal; realized: Decimal; meta: CostOpMeta }): void {
    const at = this.indexAfter(op.key);
    const effect = { securities: op.securities.negated(), realized: op.realized.negated() };
    this.ops.splice(at, 0, { ...op, kind: 'UNDO', gross: op.securities, posted: effect, current: effect, after: this.base, revision: 0, dirty: true });
    this.recost(at);
  }

  /**
   * Takes out the operation whose key starts with the prefix (a trade-date operation reversed by an
   * amendment or a cancellation) and returns it with what it was posted with, which its reversal
   * mirrors; the operations after it are re-costed. Undefined when it is not in the history.
   */
  remove(keyPrefix: string): CostOp | undefined {
    const at = this.ops.findIndex((o) => o.kind === 'TRADE' && o.key.startsWith(keyPrefix));
    if (at < 0) return undefined;
    const [op] = this.ops.splice(at, 1);
    this.removed.push(op!);
    this.recost(at);
    return op;
  }

  /** Operations whose cost in economic order differs from what was posted for them: each needs a re-costing entry. */
  recosted(): CostOp[] {
    return this.ops.filter((o) => !sameCost(o.posted, o.current));
  }

  private indexAfter(key: string): number {
    let at = this.ops.length;
    while (at > 0 && this.ops[at - 1]!.key > key) at--;
    return at;
  }

  private recost(from: number, changed = true): void {
    let state = from === 0 ? this.base : this.ops[from - 1]!.after;
    for (let i = from; i < this.ops.length; i++) {
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
      op.after = state;
      if (changed) op.dirty = true;
    }
  }
}
