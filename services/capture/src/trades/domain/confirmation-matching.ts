import type { TradeEconomics } from '@postera/contracts';
import { amountAtLeastMinorUnits, Dec, parseDecimalString } from '@postera/kernel';

/** One field that differs between our trade and the counterparty's confirmation, with both values. */
export interface ConfirmationDifference {
  field: string;
  ours: string;
  theirs: string;
  rule: string;
}

export interface MatchingTolerances {
  /** Absolute, in price units (per share, or percent points of nominal). */
  price: string;
  /** Absolute, in the trade currency. */
  amount: string;
}

/** The cash against the securities both sides confirm: gross + accrued interest (each side's own fees stay its own). */
export function confirmationAmount(t: Pick<TradeEconomics, 'grossAmount' | 'accruedInterest' | 'currency'>): string {
  const amount = new Dec(t.grossAmount).plus(t.accruedInterest);
  return amountAtLeastMinorUnits(amount, t.currency);
}

const opposite = (side: string) => (side === 'BUY' ? 'SELL' : 'BUY');

/**
 * Compares a counterparty confirmation with our trade (DOMAIN.md §1): ISIN, opposite side,
 * quantity (exact), price within a tolerance, currency, trade date, settlement date, settlement
 * amount within a tolerance, and the confirming party. Every differing field is named with both
 * values — a bare "mismatch" is what operators complain about most.
 */
export function confirmationDifferences(trade: TradeEconomics, conf: Record<string, unknown>, tol: MatchingTolerances): ConfirmationDifference[] {
  const diffs: ConfirmationDifference[] = [];
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
  const exact = (field: string, ours: string, theirs: unknown, rule = 'must be equal') => {
    if (theirs !== ours) diffs.push({ field, ours, theirs: text(theirs), rule });
  };
  const near = (field: string, ours: string, theirs: unknown, tolerance: string) => {
    const parsed = parseDecimalString(theirs);
    if (!parsed.ok) diffs.push({ field, ours, theirs: text(theirs), rule: `decimal string expected (${parsed.problem})` });
    else if (parsed.value.minus(ours).abs().gt(tolerance)) {
      diffs.push({ field, ours, theirs: text(theirs), rule: `differs by ${parsed.value.minus(ours).abs().toFixed()}, tolerance ${tolerance}` });
    }
  };
  exact('counterparty', trade.counterparty, conf.counterparty, 'confirmed by another party');
  exact('isin', trade.isin, conf.isin);
  exact('side', opposite(trade.side), conf.side, `the counterparty of a ${trade.side} confirms a ${opposite(trade.side)}`);
  const qty = parseDecimalString(conf.quantity);
  if (!qty.ok || !qty.value.eq(trade.quantity)) diffs.push({ field: 'quantity', ours: trade.quantity, theirs: text(conf.quantity), rule: 'must be equal' });
  near('price', trade.price, conf.price, tol.price);
  exact('currency', trade.currency, conf.currency);
  exact('tradeDate', trade.tradeDate, conf.tradeDate);
  exact('settlementDate', trade.settlementDate, conf.settlementDate);
  near('settlementAmount', confirmationAmount(trade), conf.settlementAmount, tol.amount);
  return diffs;
}
