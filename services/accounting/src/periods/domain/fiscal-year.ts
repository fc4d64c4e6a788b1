/**
 * The company's identity and fiscal year as the FEC needs them: the SIREN names the file, the
 * fiscal year bounds it (one FEC per fiscal year, LPF art. A47 A-1) and its closing date names it.
 */

/**
 * A SIREN is 9 digits whose Luhn sum is a multiple of 10 (INSEE): from the right, every second
 * digit is doubled, and a doubled digit above 9 counts as the sum of its digits.
 */
export function isSiren(s: string): boolean {
  // 000000000 passes the sum but names no company (it was the old default).
  if (!/^\d{9}$/.test(s) || s === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(s[8 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface FiscalYear {
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Closing day, YYYY-MM-DD: the date in the FEC's file name. */
  end: string;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `MM-DD` of the closing day, the same every year. 29 February is refused: a closing day has to
 * exist every year (a company closing at the end of February says 02-28).
 */
export function isYearEnd(mmdd: string): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(mmdd);
  if (!m) return false;
  const month = Number(m[1]);
  const day = Number(m[2]);
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]!;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The day after an ISO date, in UTC arithmetic (dates carry no time zone here). */
function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The fiscal year that closes in calendar year `year` (FISCAL_YEAR_END 06-30, 2026: 2025-07-01 to 2026-06-30). */
export function fiscalYearClosingIn(year: number, yearEnd: string): FiscalYear {
  const end = `${pad(year, 4)}-${yearEnd}`;
  return { start: nextDay(`${pad(year - 1, 4)}-${yearEnd}`), end };
}

/** The fiscal year a date belongs to. */
export function fiscalYearOf(date: string, yearEnd: string): FiscalYear {
  const year = Number(date.slice(0, 4));
  return date.slice(5) <= yearEnd ? fiscalYearClosingIn(year, yearEnd) : fiscalYearClosingIn(year + 1, yearEnd);
}

/** `<SIREN>FEC<closing date yyyyMMdd>.txt`, the name LPF art. A47 A-1 gives the file. */
export function fecFileName(siren: string, fy: FiscalYear): string {
  return `${siren}FEC${fy.end.replaceAll('-', '')}.txt`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The period a FEC request covers: `fiscalYear` (the calendar year its closing day falls in),
 * optionally narrowed by `from` / `to`; or `from` and `to` alone, inside one fiscal year (a FEC
 * never spans two: the file is named after one closing date and opens with one year's à-nouveaux).
 */
export function fecPeriod(
  q: { fiscalYear?: string; from?: string; to?: string },
  yearEnd: string,
): { ok: true; fy: FiscalYear; from: string; to: string } | { ok: false; error: string } {
  if (q.from !== undefined && !ISO_DATE.test(q.from)) return { ok: false, error: 'from: YYYY-MM-DD' };
  if (q.to !== undefined && !ISO_DATE.test(q.to)) return { ok: false, error: 'to: YYYY-MM-DD' };
  let fy: FiscalYear;
  if (q.fiscalYear !== undefined) {
    if (!/^\d{4}$/.test(q.fiscalYear)) return { ok: false, error: 'fiscalYear: the year of its closing day, YYYY' };
    fy = fiscalYearClosingIn(Number(q.fiscalYear), yearEnd);
  } else {
    if (q.from === undefined || q.to === undefined) return { ok: false, error: '?fiscalYear=YYYY (the year of its closing day), or ?from=YYYY-MM-DD&to=YYYY-MM-DD inside one fiscal year' };
    fy = fiscalYearOf(q.from, yearEnd);
  }
  const from = q.from ?? fy.start;
  const to = q.to ?? fy.end;
  if (from > to) return { ok: false, error: 'from ≤ to' };
  if (from < fy.start || to > fy.end) return { ok: false, error: `a FEC covers one fiscal year: ${from} to ${to} is not inside ${fy.start} to ${fy.end}` };
  return { ok: true, fy, from, to };
}
