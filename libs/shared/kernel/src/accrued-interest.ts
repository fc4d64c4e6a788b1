import { Dec, parseDecimalString } from './decimal.js';
import { isIsoDate, toUtcDate, type IsoDate } from './dates.js';
import { roundToMinor } from './money.js';

/**
 * Day-count conventions (ISDA 2006 section 4.16, ICMA rule 251):
 * - ACT/ACT-ICMA: actual days / (frequency × actual days of the coupon period).
 * - ACT/360, ACT/365F: actual days / 360 or / 365.
 * - 30E/360 (Eurobond basis): a 31st, at either end, counts as the 30th.
 * - 30/360 (bond basis, US): D1 = 31 counts as 30; D2 = 31 counts as 30 only when D1 is 30 or 31.
 */
export type DayCount = 'ACT/ACT-ICMA' | 'ACT/360' | 'ACT/365F' | '30E/360' | '30/360';

export type CouponFrequency = 1 | 2 | 4 | 12;

const COUPON_FREQUENCIES: readonly number[] = [1, 2, 4, 12];

/**
 * A regular coupon schedule, stepped back whole periods from maturity. There is no issue date, so an
 * odd (short or long) first coupon is not modelled: dates before the first coupon get a regular period.
 */
export interface CouponSchedule {
  readonly maturityDate: IsoDate;
  readonly couponFrequency: CouponFrequency;
}

export interface AccrualTerms extends CouponSchedule {
  readonly nominal: string;
  /** Annual coupon rate in percent: "3.5" is 3.5 %. */
  readonly couponRate: string;
  readonly dayCount: DayCount;
  readonly currency: string;
}

export interface AccruedInterest {
  /** Rounded half-up to the currency's minor unit. */
  readonly amount: Dec;
  /** The day count's numerator: actual days for ACT conventions, 30/360 days for the 30 ones. */
  readonly days: number;
  /** The year fraction, unrounded (34 significant digits). */
  readonly fraction: Dec;
  readonly previousCoupon: IsoDate;
  readonly nextCoupon: IsoDate;
}

const MS_PER_DAY = 86_400_000;

function dateParts(date: IsoDate): [number, number, number] {
  if (!isIsoDate(date)) throw new Error(`not an ISO date: ${date}`);
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function actualDays(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtcDate(to).getTime() - toUtcDate(from).getTime()) / MS_PER_DAY);
}

function assertSchedule(bond: CouponSchedule): void {
  dateParts(bond.maturityDate);
  if (!COUPON_FREQUENCIES.includes(bond.couponFrequency)) throw new Error(`coupon frequency must be 1, 2, 4 or 12, got ${bond.couponFrequency}`);
}

/**
 * The coupon date `periodsBack` whole periods before maturity, computed from maturity each time (not
 * step by step) so a short month never drags later dates down. End-of-month rule: a maturity on the
 * last day of its month puts every coupon on the last day of its month.
 */
function couponDateBack(bond: CouponSchedule, periodsBack: number): IsoDate {
  const [year, month, day] = dateParts(bond.maturityDate);
  const endOfMonth = day === daysInMonth(year, month);
  const monthIndex = year * 12 + (month - 1) - periodsBack * (12 / bond.couponFrequency);
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  const last = daysInMonth(y, m);
  return isoDate(y, m, endOfMonth ? last : Math.min(day, last));
}

/** How many periods before maturity the latest coupon date ≤ date lies (0 when date is on or after maturity). */
function previousCouponPeriodsBack(bond: CouponSchedule, date: IsoDate): number {
  assertSchedule(bond);
  const [y, m] = dateParts(date);
  const [my, mm] = dateParts(bond.maturityDate);
  const monthsToMaturity = my * 12 + mm - (y * 12 + m);
  // The estimate lands in date's month or a later one; one more period back always lands before date.
  const estimate = Math.max(0, Math.floor(monthsToMaturity / (12 / bond.couponFrequency)));
  for (let n = estimate; n <= estimate + 1; n++) if (couponDateBack(bond, n) <= date) return n;
  throw new Error(`no coupon date found on or before ${date} for maturity ${bond.maturityDate}`);
}

/** The latest coupon date on or before date (a date on a coupon date is its own previous coupon). */
export function previousCouponDate(bond: CouponSchedule, date: IsoDate): IsoDate {
  return couponDateBack(bond, previousCouponPeriodsBack(bond, date));
}

/** The first coupon date strictly after date; there is none on or after maturity. */
export function nextCouponDate(bond: CouponSchedule, date: IsoDate): IsoDate {
  const n = previousCouponPeriodsBack(bond, date);
  if (n === 0) throw new Error(`no coupon after ${date}: the bond matures on ${bond.maturityDate}`);
  return couponDateBack(bond, n - 1);
}

/** The day count's numerator between two dates: actual days, or 30/360 days with the convention's end-of-month adjustments. */
export function dayCountDays(dayCount: DayCount, from: IsoDate, to: IsoDate): number {
  switch (dayCount) {
    case 'ACT/ACT-ICMA':
    case 'ACT/360':
    case 'ACT/365F':
      return actualDays(from, to);
    case '30E/360': {
      const [y1, m1, d1] = dateParts(from);
      const [y2, m2, d2] = dateParts(to);
      return 360 * (y2 - y1) + 30 * (m2 - m1) + (Math.min(d2, 30) - Math.min(d1, 30));
    }
    case '30/360': {
      const [y1, m1, d1Raw] = dateParts(from);
      const [y2, m2, d2Raw] = dateParts(to);
      const d1 = Math.min(d1Raw, 30);
      const d2 = d2Raw === 31 && d1 === 30 ? 30 : d2Raw;
      return 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1);
    }
  }
}

/** The fraction's denominator: per year for the fixed bases, frequency × period days for ACT/ACT-ICMA. */
function dayCountBasis(dayCount: DayCount, frequency: CouponFrequency, previousCoupon: IsoDate, nextCoupon: IsoDate): number {
  switch (dayCount) {
    case 'ACT/ACT-ICMA':
      return frequency * actualDays(previousCoupon, nextCoupon);
    case 'ACT/365F':
      return 365;
    case 'ACT/360':
    case '30E/360':
    case '30/360':
      return 360;
  }
}

function nonNegativeDecimal(value: string, field: string): Dec {
  const parsed = parseDecimalString(value);
  if (!parsed.ok) throw new Error(`${field} ${value}: ${parsed.problem}`);
  if (parsed.value.isNegative()) throw new Error(`${field} ${value}: must not be negative`);
  return parsed.value;
}

/**
 * Accrued interest from the previous coupon date to settlement, on a regular schedule, with no
 * ex-coupon period. Settlement on a coupon date accrues nothing; settlement on or after maturity is
 * refused (the bond no longer trades).
 */
export function accruedInterest(bond: AccrualTerms, settlementDate: IsoDate): AccruedInterest {
  assertSchedule(bond);
  dateParts(settlementDate);
  if (settlementDate >= bond.maturityDate) throw new Error(`settlement ${settlementDate} is on or after maturity ${bond.maturityDate}`);
  const nominal = nonNegativeDecimal(bond.nominal, 'nominal');
  const couponRate = nonNegativeDecimal(bond.couponRate, 'coupon rate');
  const previousCoupon = previousCouponDate(bond, settlementDate);
  const nextCoupon = nextCouponDate(bond, settlementDate);
  const days = dayCountDays(bond.dayCount, previousCoupon, settlementDate);
  const basis = dayCountBasis(bond.dayCount, bond.couponFrequency, previousCoupon, nextCoupon);
  const fraction = new Dec(days).div(basis);
  // One division, last: nominal × rate × days / (100 × basis), so the fraction's rounding never reaches the amount.
  const exact = nominal.mul(couponRate).mul(days).div(new Dec(basis).mul(100));
  // Rounding rule: half-up (ROUND_HALF_UP) to the currency's minor unit, the market convention for accrued interest.
  const amount = roundToMinor(exact, bond.currency, 'HALF_UP');
  return { amount, days, fraction, previousCoupon, nextCoupon };
}
