/**
 * Closed periods stay closed: nothing is ever booked with an accounting date inside one. A line whose
 * date falls in a closed period is booked on the first open day after it, and keeps its own date as
 * the piece date, with the reason written on the entry. Pure: the journal's writer applies it
 * (journal.repository.ts), with the closings read under the closings' lock.
 */

/** One closing as the rule needs it: its name and its first and last day, YYYY-MM-DD. */
export interface ClosedPeriod {
  period: string;
  firstDay: string;
  lastDay: string;
}

export type Booking = { moved: false; date: string } | { moved: true; date: string; pieceDate: string; reason: string };

/** The day after an ISO date (dates carry no time zone here). */
export function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The closed period a day belongs to, or null. A day before the first closed period counts as that
 * period's: the opening balances of a closed trial balance (and the à-nouveaux of a closed FEC) are
 * made of every line before it, so booking there would change what was closed.
 */
export function closedPeriodOf(day: string, closed: readonly ClosedPeriod[]): ClosedPeriod | null {
  let holder: ClosedPeriod | null = null;
  let first: ClosedPeriod | null = null;
  for (const p of closed) {
    // Of periods that overlap (a month of a closed fiscal year), the one that ends last.
    if (p.firstDay <= day && day <= p.lastDay && (!holder || p.lastDay > holder.lastDay)) holder = p;
    if (!first || p.firstDay < first.firstDay) first = p;
  }
  return holder ?? (first && day < first.firstDay ? first : null);
}

/**
 * The day a line dated `date` is booked on: its own when open; else the day after the end of the
 * closed period that holds it, moving on while that day is closed too. Each step leaves one period
 * behind for good, so the walk ends within `closed.length` steps.
 */
export function bookingDate(date: string, closed: readonly ClosedPeriod[]): Booking {
  let day = date;
  let first: ClosedPeriod | null = null;
  for (let step = 0; step <= closed.length; step++) {
    const p = closedPeriodOf(day, closed);
    if (!p) {
      if (!first) return { moved: false, date };
      const how = date < first.firstDay ? `is before closed period ${first.period}` : `falls in closed period ${first.period}`;
      return { moved: true, date: day, pieceDate: date, reason: `booked ${day}: ${date} ${how}` };
    }
    first ??= p;
    day = nextDay(p.lastDay);
  }
  throw new Error(`bookingDate: ${date} still closed after ${closed.length} periods (overlapping or malformed closings)`);
}
