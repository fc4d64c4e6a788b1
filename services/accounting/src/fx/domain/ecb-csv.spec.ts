import { describe, expect, it } from '@jest/globals';
import { parseEcbCsv } from './ecb-csv.js';

describe("the ECB's own CSV files", () => {
  it('the daily file: "25 November 2026", spaces after commas, a trailing comma', () => {
    const csv = 'Date, USD, JPY, GBP, \n25 November 2026, 1.0512, 160.12, 0.8365, \n';
    expect(parseEcbCsv(csv)).toEqual({
      rates: [
        { rateDate: '2026-11-25', currency: 'USD', unitsPerEur: '1.0512' },
        { rateDate: '2026-11-25', currency: 'JPY', unitsPerEur: '160.12' },
        { rateDate: '2026-11-25', currency: 'GBP', unitsPerEur: '0.8365' },
      ],
      problems: [],
    });
  });
  it('the history file: ISO dates, N/A skipped, a bad value reported on its line', () => {
    const csv = 'Date,USD,CYP,JPY,\n2026-11-25,1.0512,N/A,160.12,\n2026-11-24,1.0498,N/A,abc,\n';
    const r = parseEcbCsv(csv);
    expect(r.rates).toEqual([
      { rateDate: '2026-11-25', currency: 'USD', unitsPerEur: '1.0512' },
      { rateDate: '2026-11-25', currency: 'JPY', unitsPerEur: '160.12' },
      { rateDate: '2026-11-24', currency: 'USD', unitsPerEur: '1.0498' },
    ]);
    expect(r.problems).toEqual([{ line: 3, problem: 'JPY: "abc" is not a positive decimal' }]);
  });
  it('a header that is not the ECB one is refused', () => {
    expect(parseEcbCsv('Day,USD\n2026-11-25,1.05\n').problems).toEqual([{ line: 1, problem: 'header starts with "Day", not "Date"' }]);
  });
});
