import { describe, expect, it } from '@jest/globals';
import { TARGET } from '@postera/kernel';
import { lastBusinessDayOf, notEndedYet, periodEnd, whatChanged } from './periods.js';

const lastTarget = (m: string) => lastBusinessDayOf(m, (d) => TARGET.isBusinessDay(d));

describe('a period is filed once it has ended', () => {
  it('a month ends with the close of its last TARGET business day', () => {
    expect(lastTarget('2026-11')).toBe('2026-11-30'); // a Monday
    expect(lastTarget('2026-05')).toBe('2026-05-29'); // the 31st is a Sunday
    expect(lastTarget('2024-03')).toBe('2024-03-28'); // the 29th is Good Friday, then a weekend
    expect(periodEnd('2024-02')).toBe('2024-02-29');
  });

  it('refuses a month not ended, a month whose last day is still open, and a day not closed; accepts them once closed', () => {
    const open = (d: string) => ({ businessDate: d, status: 'OPEN' as const });
    const closed = (d: string) => ({ businessDate: d, status: 'CLOSED' as const });
    expect(notEndedYet('2027-03', closed('2026-12-04'), lastTarget)).toBe(
      '2027-03 has not ended: it ends with the close of 2027-03-31, and the business day is 2026-12-04 (closed); a test run ({ testRun: true }) is computed and never filed',
    );
    expect(notEndedYet('2026-11', open('2026-11-30'), lastTarget)).toMatch(/^2026-11 has not ended: it ends with the close of 2026-11-30/);
    expect(notEndedYet('2026-11', closed('2026-11-30'), lastTarget)).toBeNull();
    expect(notEndedYet('2026-11', open('2026-12-01'), lastTarget)).toBeNull();
    expect(notEndedYet('2026-12-04', open('2026-12-04'), lastTarget)).toMatch(/^2026-12-04 has not ended/);
    expect(notEndedYet('2026-12-03', open('2026-12-04'), lastTarget)).toBeNull();
    expect(notEndedYet('2026-11', null, lastTarget)).toBe('no business day has been closed yet: 2026-11 has not ended');
  });
});

describe('what a correction changes', () => {
  it('rows are matched by their identity: one new ISIN reads as one addition, a changed amount as one change', () => {
    const before = {
      summary: { isins: 2 },
      holdings: [
        { isin: 'FR0000120271', quantity: '150' },
        { isin: 'FR0000131104', quantity: '40' },
      ],
    };
    const after = {
      summary: { isins: 3 },
      holdings: [
        { isin: 'FR0000120073', quantity: '10' },
        { isin: 'FR0000120271', quantity: '150' },
        { isin: 'FR0000131104', quantity: '25' },
      ],
    };
    expect(whatChanged(before, after)).toEqual({
      changes: [
        { path: 'holdings[isin=FR0000120073].isin', after: 'FR0000120073' },
        { path: 'holdings[isin=FR0000120073].quantity', after: '10' },
        { path: 'holdings[isin=FR0000131104].quantity', before: '40', after: '25' },
        { path: 'summary.isins', before: 2, after: 3 },
      ],
      more: 0,
    });
  });

  it('nothing changed, nothing listed; beyond the cap the rest is counted', () => {
    const rows = (n: number, q: string) => ({ rows: Array.from({ length: n }, (_, i) => ({ tradeRef: `T-${i}`, quantity: q })) });
    expect(whatChanged(rows(3, '1'), rows(3, '1'))).toEqual({ changes: [], more: 0 });
    const capped = whatChanged(rows(5, '1'), rows(5, '2'), 2);
    expect([capped.changes.map((c) => c.path), capped.more]).toEqual([['rows[tradeRef=T-0].quantity', 'rows[tradeRef=T-1].quantity'], 3]);
  });
});
