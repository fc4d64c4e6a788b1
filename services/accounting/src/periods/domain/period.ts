import { fiscalYearClosingIn } from './fiscal-year.js';
import { nextDay, type ClosedPeriod } from './closed-periods.js';

/**
 * A period to close: a calendar month (`2025-11`) or a fiscal year (`FY2025`, the one whose closing
 * day falls in 2025 under FISCAL_YEAR_END, as the FEC export's `fiscalYear` reads it).
 */
export interface Period extends ClosedPeriod {
  kind: 'MONTH' | 'FISCAL_YEAR';
}

/** The numbered form of the trial balance a closing hashed (exports/persistence/books.repository.ts: what each is). */
export type TrialBalanceFormat = 1 | 2;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function parsePeriod(text: unknown, yearEnd: string): { ok: true; period: Period } | { ok: false; error: string } {
  const usage = 'period: a month YYYY-MM (2025-11) or a fiscal year FYYYYY (FY2025, the year of its closing day)';
  if (typeof text !== 'string') return { ok: false, error: usage };
  const fy = /^FY(\d{4})$/.exec(text);
  if (fy) {
    const y = fiscalYearClosingIn(Number(fy[1]), yearEnd);
    return { ok: true, period: { period: text, kind: 'FISCAL_YEAR', firstDay: y.start, lastDay: y.end } };
  }
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return { ok: false, error: usage };
  const year = Number(m[1]);
  const month = Number(m[2]);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { ok: true, period: { period: text, kind: 'MONTH', firstDay: `${pad(year, 4)}-${pad(month)}-01`, lastDay: `${pad(year, 4)}-${pad(month)}-${pad(last)}` } };
}

export type ClosingRefusal = { kind: 'already-closed'; message: string } | { kind: 'not-closable'; message: string };

/**
 * Why a period cannot be closed now, or null. Periods close in order and without a gap, so that
 * what is closed is everything up to one day: a line booked in an open gap would change the
 * opening balances of the closed period after it. A period inside what is closed (a month of a
 * closed fiscal year, or the same period again) is already closed.
 */
export function closingRefusal(p: Period, closed: readonly ClosedPeriod[], today: string): ClosingRefusal | null {
  if (p.lastDay >= today) return { kind: 'not-closable', message: `${p.period} ends on ${p.lastDay}: it can be closed from ${nextDay(p.lastDay)} (business date ${today})` };
  const last = closed.reduce<ClosedPeriod | null>((a, c) => (!a || c.lastDay > a.lastDay ? c : a), null);
  if (!last) return null;
  if (p.lastDay <= last.lastDay) return { kind: 'already-closed', message: `${p.period} is already closed (closed up to ${last.lastDay}, by ${last.period})` };
  if (p.firstDay > nextDay(last.lastDay))
    return { kind: 'not-closable', message: `periods close in order: ${nextDay(last.lastDay)} is still open, close the periods before ${p.period} first (closed up to ${last.lastDay}, by ${last.period})` };
  return null;
}
