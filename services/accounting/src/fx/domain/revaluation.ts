import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';

/**
 * What a book's foreign-currency position moved by between two closes with an ECB rate for its
 * currency: the lines dated after the previous such close and on or before this one (a line dated
 * before the first close counts in the first).
 */
export interface FxPeriod {
  closeDate: string;
  /** The ECB rate of that close, units per EUR. */
  rate: string;
  movement: string;
}

/**
 * The FX result to date of a book's position in one currency, at the close with rate r (units per
 * EUR). Each period's movement ΔBⱼ entered at its close's rate rⱼ (what moved during a day is taken
 * at that day's rate), and the whole position B = Σ ΔBⱼ is valued B / r now:
 *   T = B / r − Σ ΔBⱼ / rⱼ
 * rounded to the cent half-up. Close after close this is the sum of the position carried since the
 * previous close revalued from its rate to the new one, Bₖ₋₁ / rₖ − Bₖ₋₁ / rₖ₋₁ (the sum telescopes).
 *
 * Each revaluation books T minus what was booked before, a difference of rounded totals. So what is
 * booked in all is round(T) of the lines known, whatever the order the lines and the closes came
 * in: a line dated before a close that arrives after it is revalued from its own close's rate,
 * by a correction when it arrives (fx/commands/revalue-positions/revaluation.ts), the same as had it come in time.
 */
export function fxResultToDate(periods: readonly FxPeriod[], rate: Decimal): Decimal {
  let position = new Dec(0);
  let entered = new Dec(0);
  for (const p of periods) {
    position = position.plus(p.movement);
    entered = entered.plus(new Dec(p.movement).div(p.rate));
  }
  return roundToMinor(position.div(rate).minus(entered), 'EUR', 'HALF_UP');
}

/** The position the periods add up to, in the foreign currency. */
export function fxPosition(periods: readonly FxPeriod[]): Decimal {
  return periods.reduce((s, p) => s.plus(p.movement), new Dec(0));
}
