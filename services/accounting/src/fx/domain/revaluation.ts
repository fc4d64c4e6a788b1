import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';

/** What was revalued last for a book and currency. */
export interface FxState {
  balance: string;
  rate: string;
  asOf: string;
}

export interface FxRevaluation {
  /** The EUR result of the position held since the last close, gain > 0. */
  resultEur: Decimal;
  next: FxState;
}

/**
 * At a close with rate r (units per EUR), a book's net position B in a foreign currency (its
 * balance-sheet accounts, cash included) is valued B / r in EUR. What moved during the day is
 * taken at the day's rate; the position carried since the previous close, B₀ at rate r₀, gives
 *   result = B₀ / r − B₀ / r₀
 * rounded to the cent half-up. The first close of a position only records it (result 0).
 */
export function revalue(prev: FxState | null, balance: Decimal, rate: Decimal, closeDate: string): FxRevaluation {
  const next = { balance: balance.toFixed(), rate: rate.toFixed(), asOf: closeDate };
  if (!prev) return { resultEur: new Dec(0), next };
  const b0 = new Dec(prev.balance);
  const resultEur = roundToMinor(b0.div(rate).minus(b0.div(new Dec(prev.rate))), 'EUR', 'HALF_UP');
  return { resultEur, next };
}
