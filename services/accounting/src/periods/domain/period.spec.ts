import { describe, expect, it } from '@jest/globals';
import { closingRefusal, parsePeriod, type Period } from './period.js';

const period = (text: string, yearEnd = '12-31'): Period => {
  const p = parsePeriod(text, yearEnd);
  if (!p.ok) throw new Error(p.error);
  return p.period;
};

describe('the periods an operator closes', () => {
  it('a month, or a fiscal year named by the year of its closing day (as the FEC export reads it)', () => {
    expect(period('2025-11')).toEqual({ period: '2025-11', kind: 'MONTH', firstDay: '2025-11-01', lastDay: '2025-11-30' });
    expect(period('2024-02')).toMatchObject({ lastDay: '2024-02-29' });
    expect(period('FY2025')).toEqual({ period: 'FY2025', kind: 'FISCAL_YEAR', firstDay: '2025-01-01', lastDay: '2025-12-31' });
    expect(period('FY2026', '06-30')).toMatchObject({ firstDay: '2025-07-01', lastDay: '2026-06-30' });
    for (const bad of ['2025-13', '2025-00', '2025-1', 'FY25', 'fy2025', '', 2025, undefined]) expect(parsePeriod(bad, '12-31').ok).toBe(false);
  });

  it('a period is closed once it has ended by the business date', () => {
    expect(closingRefusal(period('2025-11'), [], '2025-11-30')).toEqual({
      kind: 'not-closable',
      message: '2025-11 ends on 2025-11-30: it can be closed from 2025-12-01 (business date 2025-11-30)',
    });
    expect(closingRefusal(period('2025-11'), [], '2025-12-01')).toBeNull();
  });

  it('closing twice, or a month of a closed fiscal year, is refused as already closed', () => {
    expect(closingRefusal(period('FY2025'), [period('FY2025')], '2026-12-05')).toMatchObject({ kind: 'already-closed' });
    expect(closingRefusal(period('2025-07'), [period('FY2025')], '2026-12-05')).toEqual({
      kind: 'already-closed',
      message: '2025-07 is already closed (closed up to 2025-12-31, by FY2025)',
    });
  });

  it('periods close in order: the next month, or the fiscal year of closed months, but not across an open gap', () => {
    expect(closingRefusal(period('2026-01'), [period('FY2025')], '2026-12-05')).toBeNull();
    expect(closingRefusal(period('FY2025'), [period('2025-01'), period('2025-02')], '2026-12-05')).toBeNull();
    expect(closingRefusal(period('2026-03'), [period('FY2025')], '2026-12-05')).toEqual({
      kind: 'not-closable',
      message: 'periods close in order: 2026-01-01 is still open, close the periods before 2026-03 first (closed up to 2025-12-31, by FY2025)',
    });
  });
});
