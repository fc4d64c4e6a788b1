import { describe, expect, it } from '@jest/globals';
import { Dec } from '@postera/kernel';
import fc from 'fast-check';
import { fxResultToDate, type FxPeriod } from './revaluation.js';
import { missingFxRates, splitFxResult } from './fx-report.js';

const period = (closeDate: string, rate: string, movement: string): FxPeriod => ({ closeDate, rate, movement });

describe('FX result split into realised and unrealised — worked examples (EUR, half-up to the cent)', () => {
  it('+1000 USD at 1.10, +300 at 1.05, −800 at 1.12, valued at 1.12 → unrealised −13.11, realised −20.98, total −34.09', () => {
    const s = splitFxResult([period('2026-12-01', '1.10', '1000'), period('2026-12-02', '1.05', '300'), period('2026-12-03', '1.12', '-800')], new Dec('1.12'));
    // C = 1000/1.10 + 300/1.05 = 909.090909 + 285.714286 = 1194.805195 for 1300; 800 leave carrying 735.264735,
    // worth 800/1.12 = 714.285714 (realised −20.979021); 500 remain carried at 459.540460.
    expect(s.position.toFixed()).toBe('500');
    expect(s.carryingEur.toFixed(6)).toBe('459.540460');
    // The average rate stays what it was before the 800 left: 1300 / 1194.805195 = 500 / 459.540460 = 1.088043.
    expect(s.carryingRate!.toFixed(6)).toBe('1.088043');
    // 500/1.12 − 459.540460 = 446.428571 − 459.540460 = −13.111889.
    expect(s.unrealisedEur.toFixed(2)).toBe('-13.11');
    // T = 446.428571 − (909.090909 + 285.714286 − 714.285714) = −34.090910.
    expect(s.resultToDateEur.toFixed(2)).toBe('-34.09');
    expect(s.realisedEur.toFixed(2)).toBe('-20.98');
  });

  it('a position closed out is all realised: +1000 at 1.10, −1000 at 1.05 → 952.38 − 909.09 = 43.29 realised, 0.00 unrealised', () => {
    const s = splitFxResult([period('2026-12-01', '1.10', '1000'), period('2026-12-02', '1.05', '-1000')], new Dec('1.12'));
    expect([s.position.toFixed(), s.carryingRate, s.unrealisedEur.toFixed(2), s.realisedEur.toFixed(2)]).toEqual(['0', null, '0.00', '43.29']);
  });

  it('held throughout is all unrealised: +1000 at 1.10 valued at 1.05 → 43.29 unrealised, 0.00 realised', () => {
    const s = splitFxResult([period('2026-12-01', '1.10', '1000')], new Dec('1.05'));
    expect([s.unrealisedEur.toFixed(2), s.realisedEur.toFixed(2), s.carryingRate!.toFixed(2)]).toEqual(['43.29', '0.00', '1.10']);
  });

  it('crossing zero: +1000 at 1.10, −1500 at 1.05, valued at 1.00 → the −500 opened at 1.05: unrealised −500 + 476.190476 = −23.81; realised 43.29', () => {
    const s = splitFxResult([period('2026-12-01', '1.10', '1000'), period('2026-12-02', '1.05', '-1500')], new Dec('1.00'));
    expect([s.position.toFixed(), s.unrealisedEur.toFixed(2), s.realisedEur.toFixed(2), s.resultToDateEur.toFixed(2)]).toEqual([
      '-500',
      '-23.81',
      '43.29',
      '19.48',
    ]);
  });

  it('realised + unrealised is the FX result to date (what revaluation books), whatever the movements', () => {
    const rate = fc.integer({ min: 8000, max: 15000 }).map((n) => (n / 10000).toFixed(4));
    const move = fc.integer({ min: -500000, max: 500000 }).map((n) => (n / 100).toFixed(2));
    fc.assert(
      fc.property(fc.array(fc.tuple(rate, move), { minLength: 1, maxLength: 8 }), rate, (ps, r) => {
        const periods = ps.map(([rt, m], i) => period(`2026-12-${String(i + 1).padStart(2, '0')}`, rt, m));
        const s = splitFxResult(periods, new Dec(r));
        expect(s.realisedEur.plus(s.unrealisedEur).eq(fxResultToDate(periods, new Dec(r)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('missing rates, with what each blocks', () => {
  it('a close without a USD rate holds up the books that held USD, and the FEC of its year', () => {
    expect(
      missingFxRates({
        closesWithoutRate: [{ date: '2026-12-02', currency: 'USD', books: ['B2', 'B1'] }],
        fecUnconvertible: [
          { date: '2026-12-02', currency: 'USD', fiscalYear: 'FY2026' },
          { date: '2026-11-20', currency: 'GBP', fiscalYear: 'FY2026' },
        ],
      }),
    ).toEqual([
      { date: '2026-11-20', currency: 'GBP', booksNotRevalued: [], blocks: ['FEC of FY2026 (GBP lines dated 2026-11-20 cannot be converted to EUR)'] },
      {
        date: '2026-12-02',
        currency: 'USD',
        booksNotRevalued: ['B1', 'B2'],
        blocks: [
          'FX revaluation at the close of 2026-12-02 of USD in B1, B2 (its movements wait for the next close with a rate)',
          'FEC of FY2026 (USD lines dated 2026-12-02 cannot be converted to EUR)',
        ],
      },
    ]);
  });
});
