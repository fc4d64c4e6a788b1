import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';
import type { FxPeriod } from './revaluation.js';

/**
 * How the FX result of one book's position in one currency splits, valued at the rate `r` of a
 * close (units per EUR), from the position's periods (revaluation.ts: each period's movement ΔBⱼ
 * entered at its close's rate rⱼ).
 *
 * The journal books revaluations only (479000 against 766000 / 666000), never a realised FX result
 * of its own; the split is derived from the periods, with the position carried at its weighted
 * average rate (the house's CMP, applied to currency):
 * - a movement that adds to the position (same sign, or from zero) adds ΔBⱼ / rⱼ to the carrying value C;
 * - a movement that reduces it releases the carrying value of what left, C × |ΔBⱼ| / |B| (the
 *   average rate stays), and what left is worth |ΔBⱼ| / rⱼ at its close: the difference is
 *   **realised**, the FX result of balances no longer held (settled, paid away or converted);
 * - a movement that crosses zero closes the whole position, then opens the remainder at rⱼ.
 * **Unrealised** = B / r − C: the balances still held revalued from the rate they are carried at
 * (B / C) to the close's rate.
 * realised + unrealised = B / r − Σ ΔBⱼ / rⱼ = T, the FX result to date (fxResultToDate), exactly
 * before rounding. Rounding, EUR to the cent half-up (as every FX amount booked): T and unrealised
 * are rounded; realised is round(T) − round(unrealised), so the two add up to what is booked to the
 * cent (it can differ from round(realised) by one cent).
 *
 * Worked example (fx-report.spec.ts): +1000 USD at 1.10, +300 at 1.05, −800 at 1.12, valued at 1.12.
 * C = 909.090909 + 285.714286 = 1194.805195 for 1300; the 800 leaving release 1194.805195 × 800/1300
 * = 735.264735 and are worth 800/1.12 = 714.285714: realised −20.979021. C = 459.540460 for 500,
 * unrealised 500/1.12 − 459.540460 = −13.111889 → −13.11; T = 446.428571 − 480.519481 = −34.09;
 * realised −34.09 − (−13.11) = −20.98.
 */
export interface FxSplit {
  /** B, in the currency. */
  position: Decimal;
  /** C, the EUR value the position is carried at (unrounded). */
  carryingEur: Decimal;
  /** B / C, units per EUR; null for a position of zero. */
  carryingRate: Decimal | null;
  /** round(T), half-up to the cent: the FX result to date the books should hold. */
  resultToDateEur: Decimal;
  /** round(B / r − C), half-up to the cent. */
  unrealisedEur: Decimal;
  /** round(T) − unrealised. */
  realisedEur: Decimal;
}

export function splitFxResult(periods: readonly FxPeriod[], rate: Decimal): FxSplit {
  let position = new Dec(0);
  let carrying = new Dec(0);
  let entered = new Dec(0);
  for (const p of periods) {
    const move = new Dec(p.movement);
    entered = entered.plus(move.div(p.rate));
    if (position.isZero() || move.isZero() || position.isPositive() === move.isPositive()) {
      carrying = carrying.plus(move.div(p.rate));
      position = position.plus(move);
      continue;
    }
    if (move.abs().lte(position.abs())) {
      carrying = carrying.minus(carrying.times(move.abs()).div(position.abs()));
      position = position.plus(move);
      continue;
    }
    // Crosses zero: the whole position left; what remains beyond it opens at this close's rate.
    position = position.plus(move);
    carrying = position.div(p.rate);
  }
  const resultToDateEur = roundToMinor(position.div(rate).minus(entered), 'EUR', 'HALF_UP');
  const unrealisedEur = roundToMinor(position.div(rate).minus(carrying), 'EUR', 'HALF_UP');
  return {
    position,
    carryingEur: carrying,
    carryingRate: position.isZero() ? null : position.div(carrying),
    resultToDateEur,
    unrealisedEur,
    realisedEur: resultToDateEur.minus(unrealisedEur),
  };
}

/** A (date, currency) without an ECB rate, and what its absence holds up. */
export interface MissingFxRate {
  date: string;
  currency: string;
  /** The books whose position in the currency was not revalued at that close (none when the day was not closed). */
  booksNotRevalued: string[];
  /** Human-readable: each thing the missing rate blocks. */
  blocks: string[];
}

/**
 * Gathers the missing rates: a close processed without a rate for a currency some book held (the
 * close could not revalue it: its movements wait for the currency's next close with a rate), and a
 * day with foreign-currency lines the FEC cannot convert (no rate of the day nor of the last
 * `ageDaysMax` days before: the FEC of that fiscal year is refused).
 */
export function missingFxRates(input: {
  closesWithoutRate: ReadonlyArray<{ date: string; currency: string; books: string[] }>;
  fecUnconvertible: ReadonlyArray<{ date: string; currency: string; fiscalYear: string }>;
}): MissingFxRate[] {
  const byKey = new Map<string, MissingFxRate>();
  const at = (date: string, currency: string) => {
    const k = `${date}|${currency}`;
    const m = byKey.get(k) ?? { date, currency, booksNotRevalued: [], blocks: [] };
    byKey.set(k, m);
    return m;
  };
  for (const c of input.closesWithoutRate) {
    const m = at(c.date, c.currency);
    m.booksNotRevalued = [...c.books].sort();
    m.blocks.push(
      `FX revaluation at the close of ${c.date} of ${c.currency} in ${m.booksNotRevalued.join(', ')} (its movements wait for the next close with a rate)`,
    );
  }
  for (const f of input.fecUnconvertible)
    at(f.date, f.currency).blocks.push(`FEC of ${f.fiscalYear} (${f.currency} lines dated ${f.date} cannot be converted to EUR)`);
  return [...byKey.values()].sort((a, b) => (a.date === b.date ? a.currency.localeCompare(b.currency) : a.date.localeCompare(b.date)));
}
