import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { bookingDate, closedPeriodOf, nextDay, type ClosedPeriod } from './closed-periods.js';
import { parsePeriod } from './period.js';

const closing = (name: string): ClosedPeriod => {
  const p = parsePeriod(name, '12-31');
  if (!p.ok) throw new Error(p.error);
  return p.period;
};

describe('closed periods stay closed: the day a line is booked on', () => {
  it('a date in an open period is booked on that date, unmoved', () => {
    expect(bookingDate('2026-01-15', [closing('FY2025')])).toEqual({ moved: false, date: '2026-01-15' });
    expect(bookingDate('2025-06-30', [])).toEqual({ moved: false, date: '2025-06-30' });
  });

  it('a date in a closed fiscal year moves to the day after it, keeping its own date as piece date, with the reason', () => {
    expect(bookingDate('2025-12-30', [closing('FY2025')])).toEqual({
      moved: true,
      date: '2026-01-01',
      pieceDate: '2025-12-30',
      reason: 'booked 2026-01-01: 2025-12-30 falls in closed period FY2025',
    });
  });

  it('through a chain of closed months: December 2025 closed, then January and February 2026 → 1 March 2026', () => {
    const closed = [closing('FY2025'), closing('2026-01'), closing('2026-02')];
    expect(bookingDate('2025-12-31', closed)).toMatchObject({ moved: true, date: '2026-03-01', reason: 'booked 2026-03-01: 2025-12-31 falls in closed period FY2025' });
    expect(bookingDate('2026-01-31', closed)).toMatchObject({ date: '2026-03-01', reason: 'booked 2026-03-01: 2026-01-31 falls in closed period 2026-01' });
    expect(bookingDate('2026-02-28', closed)).toMatchObject({ date: '2026-03-01' });
    expect(bookingDate('2026-03-01', closed)).toEqual({ moved: false, date: '2026-03-01' });
  });

  it('the chain does not depend on the order the closings are read in, and a month inside a closed year is named by the year', () => {
    const closed = [closing('2026-02'), closing('2025-11'), closing('2026-01'), closing('FY2025')];
    expect(bookingDate('2025-11-03', closed)).toMatchObject({ date: '2026-03-01', reason: 'booked 2026-03-01: 2025-11-03 falls in closed period FY2025' });
  });

  it('a date before the first closed period is closed with it (it is in that period’s opening balances)', () => {
    expect(bookingDate('2019-05-02', [closing('2025-11'), closing('2025-12')])).toEqual({
      moved: true,
      date: '2026-01-01',
      pieceDate: '2019-05-02',
      reason: 'booked 2026-01-01: 2019-05-02 is before closed period 2025-11',
    });
    expect(closedPeriodOf('2025-10-31', [closing('2025-11')])?.period).toBe('2025-11');
  });

  it('month ends, leap years and a fiscal year closing on 30 June', () => {
    expect(bookingDate('2024-02-29', [closing('2024-02')])).toMatchObject({ date: '2024-03-01' });
    expect(bookingDate('2023-02-28', [closing('2023-02')])).toMatchObject({ date: '2023-03-01' });
    const fy = parsePeriod('FY2026', '06-30');
    expect(fy.ok && bookingDate('2025-07-01', [fy.period])).toMatchObject({ date: '2026-07-01', pieceDate: '2025-07-01' });
  });

  // Contiguous closings of months and fiscal years from a random start, in random order.
  const day = fc.integer({ min: 0, max: 365 * 6 }).map((n) => new Date(Date.UTC(2022, 0, 1 + n)).toISOString().slice(0, 10));
  const closings = fc
    .tuple(fc.integer({ min: 2022, max: 2026 }), fc.integer({ min: 1, max: 12 }), fc.array(fc.boolean(), { maxLength: 30 }))
    .chain(([year, month, asYears]) => {
      const out: ClosedPeriod[] = [];
      let y = year;
      let m = month;
      for (const wholeYear of asYears) {
        if (wholeYear && m === 1) {
          out.push(closing(`FY${y}`));
          y++;
        } else {
          out.push(closing(`${y}-${String(m).padStart(2, '0')}`));
          if (++m > 12) [m, y] = [1, y + 1];
        }
      }
      return fc.shuffledSubarray(out, { minLength: out.length, maxLength: out.length });
    });

  it('property: the booked date is never in a closed period, never before the original date, and a moved line keeps its date as piece date', () => {
    fc.assert(
      fc.property(day, closings, (date, closed) => {
        const b = bookingDate(date, closed);
        expect(closedPeriodOf(b.date, closed)).toBeNull();
        expect(b.date >= date).toBe(true);
        if (b.moved) {
          expect(b.pieceDate).toBe(date);
          expect(b.date).toBe(nextDay(closed.reduce((a, c) => (c.lastDay > a ? c.lastDay : a), '')));
        } else expect(b.date).toBe(date);
      }),
      { numRuns: 2000 },
    );
  });
});
