import { addDays, dayOfWeek, fromUtcDate, type IsoDate } from './dates.js';

/** A settlement calendar: which days are closing days. Calendars are data keyed by code. */
export interface SettlementCalendar {
  readonly code: string;
  isBusinessDay(date: IsoDate): boolean;
}

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

const CALENDARS: Record<string, SettlementCalendar> = { TARGET };

export function calendarByCode(code: string): SettlementCalendar {
  const cal = CALENDARS[code];
  if (!cal) throw new Error(`unknown settlement calendar ${code}`);
  return cal;
}

/** The n-th business day after date (n = 0 rolls a closing day forward to the next business day). */
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
