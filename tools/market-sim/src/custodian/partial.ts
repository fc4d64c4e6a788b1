import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';

export type PartialIndicator = 'PART' | 'NPAR' | 'PARC' | 'PARQ';

export interface Remainder {
  quantity: string;
  amount: string;
  currency: string;
}

export interface Step {
  quantity: string;
  amount: string;
}

/** The share of the remainder a partial step settles: 25 % to 75 %, from a draw in [0, 1). */
export function partialFraction(u: number): Decimal {
  return new Dec(0.25).plus(new Dec(u).mul(0.5));
}

/**
 * One partial settlement step of the simulated CSD, or null when none may happen (the instruction
 * then pends whole that day):
 * - quantity: the remainder × fraction, rounded DOWN to a whole unit (a CSD never delivers a
 *   fraction of a share; for bonds a whole unit of face amount);
 * - cash: the remaining cash pro rata, remainder × step quantity / remaining quantity, rounded
 *   HALF-UP to the currency's minor unit, so steps + the last remainder add up to the instruction exactly;
 * - NPAR allows none; PARQ only a step of at least `minQuantity`; PARC only one of at least `minAmount`;
 *   a step that would be empty or the whole remainder is no partial settlement.
 */
export function partialStep(rem: Remainder, fraction: Decimal, indicator: PartialIndicator, limits: { minQuantity: string; minAmount: string }): Step | null {
  if (indicator === 'NPAR') return null;
  const remQty = new Dec(rem.quantity);
  const qty = remQty.mul(fraction).toDecimalPlaces(0, Dec.ROUND_DOWN);
  if (qty.lte(0) || qty.gte(remQty)) return null;
  const amount = roundToMinor(new Dec(rem.amount).mul(qty).div(remQty), rem.currency, 'HALF_UP');
  if (indicator === 'PARQ' && qty.lt(limits.minQuantity)) return null;
  if (indicator === 'PARC' && amount.lt(limits.minAmount)) return null;
  return { quantity: qty.toFixed(), amount: amount.toFixed() };
}

/** What remains after a step. */
export function afterStep(rem: Remainder, step: Step): Remainder {
  return { ...rem, quantity: new Dec(rem.quantity).minus(step.quantity).toFixed(), amount: new Dec(rem.amount).minus(step.amount).toFixed() };
}
