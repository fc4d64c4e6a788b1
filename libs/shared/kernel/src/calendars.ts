import { addDays, dayOfWeek, fromUtcDate, isIsoDate, type IsoDate } from './dates.js';

/** A settlement calendar: which days are closing days. Calendars are data keyed by code. */
export interface SettlementCalendar {
  readonly code: string;
  /**
   * The days of the week that are always closed (0 = Sunday … 6 = Saturday); Saturday and Sunday
   * when absent. Only holidaysBetween reads it, to tell a holiday from a weekend.
   */
  readonly weekend?: readonly number[];
  isBusinessDay(date: IsoDate): boolean;
}

const SATURDAY_AND_SUNDAY: readonly number[] = Object.freeze([0, 6]);

/** Easter Sunday (Gregorian), anonymous algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return fromUtcDate(new Date(Date.UTC(year, month - 1, day)));
}

/**
 * TARGET2 / T2S closing days (ECB): Saturdays, Sundays, 1 January, Good Friday, Easter Monday,
 * 1 May, 25 and 26 December.
 */
export const TARGET: SettlementCalendar = {
  code: 'TARGET',
  isBusinessDay(date: IsoDate): boolean {
    const dow = dayOfWeek(date);
    if (dow === 0 || dow === 6) return false;
    const md = date.slice(5);
    if (md === '01-01' || md === '05-01' || md === '12-25' || md === '12-26') return false;
    const easter = easterSunday(Number(date.slice(0, 4)));
    return date !== addDays(easter, -2) && date !== addDays(easter, 1);
  },
};

/**
 * One holiday of a rule-based calendar, as data. Dates of the rule's own year; a fixed-date holiday
 * on a Sunday is always observed the Monday after, one on a Saturday as `saturday` says.
 */
export type HolidayRule =
  | {
      readonly name: string;
      readonly kind: 'fixed';
      readonly month: number; // 1–12
      readonly day: number;
      readonly saturday: 'friday-before' | 'not-observed';
      readonly fromYear?: number;
    }
  | {
      readonly name: string;
      readonly kind: 'nth-weekday';
      readonly month: number; // 1–12
      readonly weekday: number; // 0 = Sunday … 6 = Saturday
      readonly nth: 1 | 2 | 3 | 4 | 'last';
      readonly fromYear?: number;
    }
  | { readonly name: string; readonly kind: 'easter'; readonly offsetDays: number; readonly fromYear?: number };

/**
 * US settlement calendar: the SIFMA recommended holiday schedule for US dollar fixed income
 * (bond market full closes), which is also the set of days SIFMA says are not good settlement days.
 * Kept as data [K]: SIFMA publishes its recommendations year by year and deviates from the pattern
 * now and then, so the referential may override this with calendarFromHolidays.
 * - A Sunday holiday is observed the Monday after; a Saturday holiday the Friday before, except
 *   New Year's Day (31 Dec stays open: it is the last trading day of the year, SIFMA/Fed practice)
 *   and Veterans Day (SIFMA kept markets open on Friday 10 Nov 2000, 2006, 2017 and 2023).
 * - Good Friday: SIFMA recommends a full close, or only an early close when the BLS employment
 *   report comes out that morning (as in 2015, 2021, 2023, 2026), but even then it recommends that the day
 *   not be treated as a good settlement day, so for settlement Good Friday is always closed.
 * - Fedwire (cash) is open on Good Friday and closes on no Saturday-holiday Friday: this is a
 *   securities calendar, not a cash one.
 */
export const US_SIFMA_HOLIDAY_RULES: readonly HolidayRule[] = Object.freeze<HolidayRule[]>([
  { name: "New Year's Day", kind: 'fixed', month: 1, day: 1, saturday: 'not-observed' },
  { name: 'Martin Luther King Jr. Day', kind: 'nth-weekday', month: 1, weekday: 1, nth: 3 },
  { name: "Washington's Birthday", kind: 'nth-weekday', month: 2, weekday: 1, nth: 3 },
  { name: 'Good Friday', kind: 'easter', offsetDays: -2 },
  { name: 'Memorial Day', kind: 'nth-weekday', month: 5, weekday: 1, nth: 'last' },
  { name: 'Juneteenth', kind: 'fixed', month: 6, day: 19, saturday: 'friday-before', fromYear: 2022 },
  { name: 'Independence Day', kind: 'fixed', month: 7, day: 4, saturday: 'friday-before' },
  { name: 'Labor Day', kind: 'nth-weekday', month: 9, weekday: 1, nth: 1 },
  { name: 'Columbus Day', kind: 'nth-weekday', month: 10, weekday: 1, nth: 2 },
  { name: 'Veterans Day', kind: 'fixed', month: 11, day: 11, saturday: 'not-observed' },
  { name: 'Thanksgiving', kind: 'nth-weekday', month: 11, weekday: 4, nth: 4 },
  { name: 'Christmas', kind: 'fixed', month: 12, day: 25, saturday: 'friday-before' },
]);

function isoDate(year: number, month: number, day: number): IsoDate {
  return fromUtcDate(new Date(Date.UTC(year, month - 1, day)));
}

function observedDate(rule: HolidayRule, year: number): IsoDate | undefined {
  switch (rule.kind) {
    case 'fixed': {
      const date = isoDate(year, rule.month, rule.day);
      const dow = dayOfWeek(date);
      if (dow === 0) return addDays(date, 1);
      if (dow === 6) return rule.saturday === 'friday-before' ? addDays(date, -1) : undefined;
      return date;
    }
    case 'nth-weekday': {
      if (rule.nth === 'last') {
        const last = isoDate(year, rule.month + 1, 0);
        return addDays(last, -((dayOfWeek(last) - rule.weekday + 7) % 7));
      }
      const first = isoDate(year, rule.month, 1);
      return addDays(first, ((rule.weekday - dayOfWeek(first) + 7) % 7) + 7 * (rule.nth - 1));
    }
    case 'easter':
      return addDays(easterSunday(year), rule.offsetDays);
  }
}

/** The observed dates of the rules' holidays of one year (a Saturday holiday moved back may fall in the year before). */
export function observedHolidays(rules: readonly HolidayRule[], year: number): IsoDate[] {
  const dates = rules.filter((r) => r.fromYear === undefined || year >= r.fromYear).map((r) => observedDate(r, year));
  return [...new Set(dates.filter((d): d is IsoDate => d !== undefined))].sort();
}

/** A calendar closed on Saturdays, Sundays and the observed holidays of the rules. */
export function calendarFromRules(code: string, rules: readonly HolidayRule[]): SettlementCalendar {
  // Memo per year; years are four digits, so the cache holds at most 10 000 small sets.
  const byYear = new Map<number, ReadonlySet<IsoDate>>();
  const closedIn = (year: number): ReadonlySet<IsoDate> => {
    let set = byYear.get(year);
    if (!set) {
      set = new Set(observedHolidays(rules, year));
      byYear.set(year, set);
    }
    return set;
  };
  return {
    code,
    weekend: SATURDAY_AND_SUNDAY,
    isBusinessDay(date: IsoDate): boolean {
      const dow = dayOfWeek(date);
      if (dow === 0 || dow === 6) return false;
      const year = Number(date.slice(0, 4));
      // A 1 January on a Saturday, were a rule to move it back, lands in the year before.
      return !closedIn(year).has(date) && !closedIn(year + 1).has(date);
    },
  };
}

export const US: SettlementCalendar = calendarFromRules('US', US_SIFMA_HOLIDAY_RULES);

/** A bound on the listed holidays of one calendar: two centuries of a busy calendar fit well within it. */
export const CALENDAR_HOLIDAYS_MAX = 20_000;

/**
 * A calendar from data, as the referential stores it: closed on the weekend days and on every
 * listed holiday, open on every other day.
 */
export function calendarFromHolidays(code: string, holidays: Iterable<IsoDate>, weekend: number[] = [0, 6]): SettlementCalendar {
  if (!weekend.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)) throw new Error(`calendar ${code}: weekend days must be 0–6, got ${weekend.join(',')}`);
  const closed = new Set<IsoDate>();
  for (const date of holidays) {
    if (!isIsoDate(date)) throw new Error(`calendar ${code}: not an ISO date: ${String(date)}`);
    closed.add(date);
    if (closed.size > CALENDAR_HOLIDAYS_MAX) throw new Error(`calendar ${code}: more than ${CALENDAR_HOLIDAYS_MAX} holidays`);
  }
  const weekendDays = Object.freeze([...new Set(weekend)].sort());
  return {
    code,
    weekend: weekendDays,
    isBusinessDay(date: IsoDate): boolean {
      return !weekendDays.includes(dayOfWeek(date)) && !closed.has(date);
    },
  };
}

/** A bound on the span holidaysBetween walks: two centuries, day by day. */
export const HOLIDAYS_BETWEEN_DAYS_MAX = 200 * 366;

/**
 * The closing days in [from, to] that are not weekend days of the calendar, in order: what the
 * referential stores to rebuild the calendar with calendarFromHolidays. Empty when from > to.
 */
export function holidaysBetween(calendar: SettlementCalendar, from: IsoDate, to: IsoDate): IsoDate[] {
  const weekend = calendar.weekend ?? SATURDAY_AND_SUNDAY;
  const holidays: IsoDate[] = [];
  let d = from;
  for (let step = 0; d <= to; step++) {
    if (step >= HOLIDAYS_BETWEEN_DAYS_MAX) throw new Error(`holidaysBetween ${from}..${to} spans more than ${HOLIDAYS_BETWEEN_DAYS_MAX} days`);
    if (!weekend.includes(dayOfWeek(d)) && !calendar.isBusinessDay(d)) holidays.push(d);
    d = addDays(d, 1);
  }
  return holidays;
}

const CALENDARS: Record<string, SettlementCalendar> = { TARGET, US };

export function calendarByCode(code: string): SettlementCalendar {
  const cal = CALENDARS[code];
  if (!cal) throw new Error(`unknown settlement calendar ${code}`);
  return cal;
}

/**
 * The n-th business day after date: counts the business days strictly after date, so a date that is
 * itself a closing day counts from that date all the same (Saturday + 2 = Tuesday when Monday and
 * Tuesday are open). n = 0 rolls a closing day forward to the next business day.
 */
export function addBusinessDays(date: IsoDate, n: number, calendar: SettlementCalendar): IsoDate {
  const stepsMax = n * 7 + 30; // a bound: no calendar closes for more than a few days in a row
  let d = date;
  let left = n;
  for (let step = 0; step < stepsMax; step++) {
    if (left === 0 && calendar.isBusinessDay(d)) return d;
    d = addDays(d, 1);
    if (left > 0 && calendar.isBusinessDay(d)) left--;
  }
  throw new Error(`no business day found within ${stepsMax} days of ${date} on ${calendar.code}`);
}

/** The next business day strictly after date. */
export function nextBusinessDay(date: IsoDate, calendar: SettlementCalendar): IsoDate {
  return addBusinessDays(date, 1, calendar);
}
