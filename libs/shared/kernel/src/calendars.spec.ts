import { describe, expect, it } from '@jest/globals';
import { addBusinessDays, easterSunday, TARGET } from './calendars.js';

describe('TARGET calendar', () => {
  it('knows Easter Sunday for known years', () => {
    expect([easterSunday(2024), easterSunday(2025), easterSunday(2026), easterSunday(2027)]).toEqual(['2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28']);
  });
  it('closes on weekends, 1 Jan, Good Friday, Easter Monday, 1 May, 25 and 26 Dec', () => {
    const closed = ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25', '2026-12-26', '2026-11-28', '2026-11-29'];
    const open = ['2026-11-26', '2026-04-02', '2026-04-07', '2026-05-08', '2026-12-24', '2026-12-31', '2026-07-14'];
    expect(closed.filter((d) => TARGET.isBusinessDay(d))).toEqual([]);
    expect(open.filter((d) => !TARGET.isBusinessDay(d))).toEqual([]);
  });
  it('T+2 from Thursday 26 Nov 2026 is Monday 30 Nov', () => {
    expect(addBusinessDays('2026-11-26', 2, TARGET)).toBe('2026-11-30');
  });
  it('T+2 from Wednesday 23 Dec 2026 skips Christmas and the weekend to Monday 28 Dec', () => {
    // 24 Dec (Thu) is T+1; 25 Dec (Fri), 26–27 Dec (weekend) are closed, so T+2 is 28 Dec.
    expect(addBusinessDays('2026-12-23', 2, TARGET)).toBe('2026-12-28');
  });
  it('T+2 from Thursday 2 Apr 2026 skips Good Friday, the weekend and Easter Monday', () => {
    expect(addBusinessDays('2026-04-02', 2, TARGET)).toBe('2026-04-08');
  });
  it('T+0 on a Saturday rolls to Monday', () => {
    expect(addBusinessDays('2026-11-28', 0, TARGET)).toBe('2026-11-30');
  });
});
