import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';

/** The figures of a trade as booked, and what its settlement steps have already posted. */
export interface TradeFigures {
  side: 'BUY' | 'SELL';
  currency: string;
  quantity: string;
  grossAmount: string;
  accruedInterest: string;
  feesAmount: string;
  netAmount: string;
  /** Already settled by earlier steps (0 before the first). */
  settledQuantity: string;
  settledCommitment: string;
  settledAccrued: string;
  settledFees: string;
  settledNet: string;
}

export interface StepFigures {
  quantity: Decimal;
  /** The securities' consideration of the step: the balancing figure of the cash. */
  gross: Decimal;
  accrued: Decimal;
  fees: Decimal;
  net: Decimal;
  /** The part of the off-balance commitment the step releases. */
  commitment: Decimal;
  final: boolean;
}

/**
 * One settlement step of a trade (a partial settlement, or the whole). The quantity is the
 * step's (`stepQuantity`, else what the cumulative settled quantity adds, else the rest); the cash
 * is the cash that moved (`stepAmount`, the step's share of the net settlement amount) when the
 * event says it, else the net in proportion. Accrued interest, fees and the commitment go in
 * proportion of the quantity, rounded to the minor unit half-up; the final step takes the
 * remainder of each, so the steps add up exactly to the trade. The securities' consideration is
 * what balances the cash: BUY net − accrued − fees; SELL net − accrued + fees.
 */
export function settlementStep(
  t: TradeFigures,
  step: { stepQuantity?: string | null; stepAmount?: string | null; settledQuantity?: string | null },
): StepFigures {
  const total = new Dec(t.quantity);
  const before = new Dec(t.settledQuantity);
  const rest = total.minus(before);
  let quantity = step.stepQuantity != null ? new Dec(step.stepQuantity) : step.settledQuantity != null ? new Dec(step.settledQuantity).minus(before) : rest;
  if (quantity.gt(rest)) quantity = rest;
  if (quantity.lte(0)) quantity = new Dec(0);
  const final = quantity.eq(rest);
  const share = (whole: string, done: string): Decimal =>
    final ? new Dec(whole).minus(done) : roundToMinor(new Dec(whole).times(quantity).div(total), t.currency, 'HALF_UP');
  const accrued = share(t.accruedInterest, t.settledAccrued);
  const fees = share(t.feesAmount, t.settledFees);
  const commitment = share(t.grossAmount, t.settledCommitment);
  const net = step.stepAmount != null ? new Dec(step.stepAmount) : share(t.netAmount, t.settledNet);
  const gross = t.side === 'BUY' ? net.minus(accrued).minus(fees) : net.minus(accrued).plus(fees);
  return { quantity, gross, accrued, fees, net, commitment, final };
}
