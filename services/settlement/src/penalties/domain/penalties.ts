import type { LiquidityClass } from '@postera/contracts';
import { Dec, minorUnits, roundToMinor } from '@postera/kernel';

/**
 * CSDR cash penalties (Delegated Regulation (EU) 2017/389, annex I; DOMAIN.md §2). Rates are per
 * business day, effective-dated: a new row with a later `from` changes them without touching the past.
 */
export const SECURITIES_RATES: ReadonlyArray<{ from: string; rates: Readonly<Record<LiquidityClass, string>> }> = [
  {
    from: '2022-02-01', // CSDR settlement discipline in force
    rates: {
      LIQUID_SHARE: '0.0001', // 1 bp
      ILLIQUID_SHARE: '0.00005', // 0.5 bp
      SME_SHARE: '0.000025', // 0.25 bp
      SOVEREIGN_DEBT: '0.00001', // 0.10 bp
      OTHER_DEBT: '0.00002', // 0.20 bp
      SME_DEBT: '0.000015', // 0.15 bp
      OTHER: '0.00005', // 0.5 bp (ETFs…)
    },
  },
];

/** The rate of an instrument class on a day: the latest row whose `from` is on or before it. */
export function securitiesRate(cls: LiquidityClass, date: string, table = SECURITIES_RATES): string {
  const row = [...table].filter((r) => r.from <= date).sort((a, b) => b.from.localeCompare(a.from))[0];
  if (!row) throw new Error(`no CSDR penalty rate in force on ${date}`);
  return row.rates[cls];
}

/**
 * A cash fail (MONY, CMON) is charged at the central bank's overnight credit rate, floored at 0,
 * per day: annual / 365 [K: the daily conversion is common practice, kept as a rule here]. The
 * daily rate is kept to 10 decimal places (rounded half-up) so the figure on the wire is exact.
 */
export function cashDailyRate(annual: string): string {
  const a = Dec.max(new Dec(annual), 0);
  return a.div(365).toDecimalPlaces(10, Dec.ROUND_HALF_UP).toFixed();
}

/**
 * penalty = basis × reference price × rate, where a PERCENT price is per 100 of nominal, rounded
 * HALF-UP to the currency's minor unit (DESIGN.md §5; the rounding of this rule).
 */
export function penaltyAmount(basis: string, price: string, priceType: 'UNIT' | 'PERCENT', rate: string, currency: string): string {
  const unit = priceType === 'PERCENT' ? new Dec(price).div(100) : new Dec(price);
  // Written with the currency's minor units ("1.80", not "1.8"): one form for amounts, on the wire and in the books.
  return roundToMinor(new Dec(basis).mul(unit).mul(rate), currency, 'HALF_UP').toFixed(minorUnits(currency));
}

/** Who pays: we caused the fail (LACK securities, MONY cash) → payable; the counterparty did (CLAC, CMON) → receivable. */
export function sefpDirection(reason: string): 'RECEIVABLE' | 'PAYABLE' {
  return reason === 'CLAC' || reason === 'CMON' ? 'RECEIVABLE' : 'PAYABLE';
}

/** Late matching: the counterparty's instruction was missing (CMIS) → it matched late → receivable; any other mismatch was ours to fix → payable [K]. */
export function lmfpDirection(unmatchedReason: string | null): 'RECEIVABLE' | 'PAYABLE' {
  return unmatchedReason === 'CMIS' ? 'RECEIVABLE' : 'PAYABLE';
}

export const isCashFail = (reason: string): boolean => reason === 'MONY' || reason === 'CMON';
