import { describe, expect, it } from '@jest/globals';
import { Dec, roundToMinor } from '@postera/kernel';
import fc from 'fast-check';
import { fxPosition, fxResultToDate, type FxPeriod } from './revaluation.js';

const period = (closeDate: string, rate: string, movement: string): FxPeriod => ({ closeDate, rate, movement });

describe('FX result to date — worked examples (EUR, rounded half-up to the cent)', () => {
  it('a first close only records the position: 1000.00 USD at 1.10 → 1000/1.10 − 1000/1.10 = 0.00', () => {
    expect(fxResultToDate([period('2026-11-30', '1.10', '1000.00')], new Dec('1.10')).toFixed(2)).toBe('0.00');
  });

  it('1000.00 USD carried from 1.10 to 1.05: 952.380952 − 909.090909 = 43.290043 → 43.29 gain', () => {
    expect(fxResultToDate([period('2026-11-30', '1.10', '1000.00')], new Dec('1.05')).toFixed(2)).toBe('43.29');
  });

  it('movements enter at their own close: +1000.00 at 1.10, −400.00 at 1.05, valued at 1.12 → 600/1.12 − (1000/1.10 − 400/1.05) = 535.714286 − 528.138528 = 7.58', () => {
    const periods = [period('2026-11-30', '1.10', '1000.00'), period('2026-12-01', '1.05', '-400.00')];
    expect(fxResultToDate(periods, new Dec('1.12')).toFixed(2)).toBe('7.58');
    // The same close by close: 1000 × (1/1.05 − 1/1.10) = 43.290043, then 600 × (1/1.12 − 1/1.05) = −35.714286; 7.575758 in all.
    expect(fxPosition(periods).toFixed(2)).toBe('600.00');
  });

  it('a line late for its close: +500.00 dated 30 Nov arriving after the close of 1 Dec makes 1500/1.05 − 1500/1.10 = 64.94, a correction of 64.94 − 43.29 = 21.65', () => {
    const inTime = fxResultToDate([period('2026-11-30', '1.10', '1000.00')], new Dec('1.05'));
    const withLate = fxResultToDate([period('2026-11-30', '1.10', '1500.00')], new Dec('1.05'));
    expect(withLate.toFixed(2)).toBe('64.94');
    expect(withLate.minus(inTime).toFixed(2)).toBe('21.65');
  });
});

describe('FX result to date — properties', () => {
  // Closes with rates between 0.5 and 200 units per EUR (4 decimals, as the ECB publishes), movements in cents.
  const closes = fc.array(
    fc.record({ rate: fc.integer({ min: 5_000, max: 2_000_000 }).map((n) => new Dec(n).div(10_000).toFixed()), cents: fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { maxLength: 4 }) }),
    { minLength: 1, maxLength: 12 },
  );
  const periodsOf = (cs: Array<{ rate: string; cents: number[] }>, lines: (k: number) => number[]) =>
    cs.map((c, k) => period(`d${String(k).padStart(2, '0')}`, c.rate, lines(k).reduce((s, n) => s.plus(new Dec(n).div(100)), new Dec(0)).toFixed()));

  it('is the position carried from each close to the next, revalued from its rate to the next one, summed, then rounded once', () => {
    fc.assert(
      fc.property(closes, (cs) => {
        const periods = periodsOf(cs, (k) => cs[k]!.cents);
        let carried = new Dec(0);
        let sum = new Dec(0);
        periods.forEach((p, k) => {
          if (k > 0) sum = sum.plus(carried.div(p.rate).minus(carried.div(periods[k - 1]!.rate)));
          carried = carried.plus(p.movement);
        });
        const last = new Dec(periods[periods.length - 1]!.rate);
        expect(fxResultToDate(periods, last).toFixed()).toBe(roundToMinor(sum, 'EUR', 'HALF_UP').toFixed());
      }),
      { numRuns: 300 },
    );
  });

  it('books the same in all whatever close each line arrives after: every close and every late line books the result to date less what was booked', () => {
    fc.assert(
      fc.property(closes, fc.func(fc.nat()), (cs, delay) => {
        const n = cs.length;
        // Line i of close k arrives before close k + lag (lag 0: in time; lag ≥ n − k: after the last close).
        const lines = cs.flatMap((c, k) => c.cents.map((cents, i) => ({ k, cents, arrives: k + (delay(k * 10 + i) % (n - k + 1)) })));
        const known = new Set<(typeof lines)[number]>();
        const entries: Dec[] = [];
        const revalue = (upTo: number) => {
          const periods = periodsOf(cs.slice(0, upTo + 1), (k) => lines.filter((l) => l.k === k && known.has(l)).map((l) => l.cents));
          const booked = entries.reduce((s, e) => s.plus(e), new Dec(0));
          entries.push(fxResultToDate(periods, new Dec(cs[upTo]!.rate)).minus(booked));
        };
        for (let close = 0; close <= n; close++) {
          const arriving = lines.filter((l) => l.arrives === close);
          for (const l of arriving) {
            known.add(l);
            if (l.k < close) revalue(close - 1); // late for its close: corrected to the last close at once
          }
          if (close < n) revalue(close);
        }
        const inTime = fxResultToDate(
          periodsOf(cs, (k) => cs[k]!.cents),
          new Dec(cs[n - 1]!.rate),
        );
        expect(entries.reduce((s, e) => s.plus(e), new Dec(0)).toFixed()).toBe(inTime.toFixed());
        expect(entries.every((e) => e.decimalPlaces() <= 2)).toBe(true); // each entry in whole cents
      }),
      { numRuns: 300 },
    );
  });
});
