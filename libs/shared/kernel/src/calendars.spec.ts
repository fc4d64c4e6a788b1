import { describe, expect, it } from '@jest/globals';
import {
  addBusinessDays,
  calendarByCode,
  calendarFromHolidays,
  easterSunday,
  holidaysBetween,
  observedHolidays,
  TARGET,
  US,
  US_SIFMA_HOLIDAY_RULES,
  type SettlementCalendar,
} from './calendars.js';
import { addDays } from './dates.js';

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

describe('TARGET holidays of 2026 and 2027', () => {
  it('2026: 1 Jan (Thu), Good Friday 3 Apr, Easter Monday 6 Apr, 1 May (Fri), 25 Dec (Fri); 26 Dec is a Saturday, so a weekend', () => {
    expect(holidaysBetween(TARGET, '2026-01-01', '2026-12-31')).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25']);
  });
  it('2027: 1 Jan (Fri), Good Friday 26 Mar, Easter Monday 29 Mar; 1 May (Sat), 25 Dec (Sat) and 26 Dec (Sun) fall on the weekend and are not moved', () => {
    expect(holidaysBetween(TARGET, '2027-01-01', '2027-12-31')).toEqual(['2027-01-01', '2027-03-26', '2027-03-29']);
    // TARGET has no observance rule: the Friday before and the Monday after stay open.
    expect(['2027-04-30', '2027-05-03', '2027-12-24', '2027-12-27', '2027-12-31'].filter((d) => !TARGET.isBusinessDay(d))).toEqual([]);
  });
});

describe('US (SIFMA) calendar', () => {
  // Hand-worked 2026: 1 Jan is a Thursday; Mondays of January 5, 12, 19; Mondays of February 2, 9, 16;
  // Easter 5 Apr so Good Friday 3 Apr; 31 May is a Sunday so the last Monday is 25 May; 19 Jun is a
  // Friday; 4 Jul is a Saturday → Friday 3 Jul; 1 Sep is a Tuesday → Monday 7 Sep; Mondays of October
  // 5, 12; 11 Nov is a Wednesday; Thursdays of November 5, 12, 19, 26; 25 Dec is a Friday.
  const us2026 = [
    '2026-01-01', // New Year's Day
    '2026-01-19', // Martin Luther King Jr. Day, 3rd Monday
    '2026-02-16', // Washington's Birthday, 3rd Monday
    '2026-04-03', // Good Friday
    '2026-05-25', // Memorial Day, last Monday
    '2026-06-19', // Juneteenth
    '2026-07-03', // Independence Day, Saturday 4 Jul observed Friday
    '2026-09-07', // Labor Day, 1st Monday
    '2026-10-12', // Columbus Day, 2nd Monday
    '2026-11-11', // Veterans Day
    '2026-11-26', // Thanksgiving, 4th Thursday
    '2026-12-25', // Christmas
  ];
  // Hand-worked 2027: 1 Jan is a Friday; Mondays of January 4, 11, 18; 1 Feb is a Monday → 1, 8, 15;
  // Easter 28 Mar so Good Friday 26 Mar; 31 May is a Monday; 19 Jun is a Saturday → Friday 18 Jun;
  // 4 Jul is a Sunday → Monday 5 Jul; 1 Sep is a Wednesday → Monday 6 Sep; 1 Oct is a Friday → Mondays
  // 4, 11; 11 Nov is a Thursday; 1 Nov is a Monday → Thursdays 4, 11, 18, 25; 25 Dec is a Saturday →
  // Friday 24 Dec. New Year 2028 is a Saturday: not observed, Friday 31 Dec 2027 stays open.
  const us2027 = [
    '2027-01-01', // New Year's Day
    '2027-01-18', // Martin Luther King Jr. Day
    '2027-02-15', // Washington's Birthday
    '2027-03-26', // Good Friday
    '2027-05-31', // Memorial Day
    '2027-06-18', // Juneteenth, Saturday 19 Jun observed Friday
    '2027-07-05', // Independence Day, Sunday 4 Jul observed Monday
    '2027-09-06', // Labor Day
    '2027-10-11', // Columbus Day
    '2027-11-11', // Veterans Day
    '2027-11-25', // Thanksgiving
    '2027-12-24', // Christmas, Saturday 25 Dec observed Friday
  ];

  it('lists the twelve closing days of 2026', () => {
    expect(holidaysBetween(US, '2026-01-01', '2026-12-31')).toEqual(us2026);
    expect(observedHolidays(US_SIFMA_HOLIDAY_RULES, 2026)).toEqual(us2026);
  });
  it('lists the twelve closing days of 2027, with New Year 2028 (Saturday) not moved to 31 Dec', () => {
    expect(holidaysBetween(US, '2027-01-01', '2027-12-31')).toEqual(us2027);
    expect(US.isBusinessDay('2027-12-31')).toBe(true);
    expect(holidaysBetween(US, '2027-12-20', '2028-01-07')).toEqual(['2027-12-24']);
  });
  it('is open on the days around the holidays and on the European ones', () => {
    const open = [
      '2026-07-02', // Thursday before the observed Independence Day
      '2026-11-27', // Friday after Thanksgiving (an early close, still a settlement day)
      '2026-04-06', // Easter Monday: a TARGET holiday, not a US one
      '2026-05-01', // 1 May: a TARGET holiday, not a US one
      '2026-12-24', // Thursday before Christmas
      '2026-12-31', // Thursday
      '2027-06-17', // Thursday before the observed Juneteenth
      '2027-12-23', // Thursday before the observed Christmas
      '2027-12-27', // Monday after the observed Christmas
    ];
    expect(open.filter((d) => !US.isBusinessDay(d))).toEqual([]);
    expect(['2026-07-04', '2026-07-05', '2027-06-19', '2027-12-25', '2028-01-01'].filter((d) => US.isBusinessDay(d))).toEqual([]);
  });
  it('observes Juneteenth only from 2022: Friday 18 Jun 2021 open, Sunday 19 Jun 2022 observed Monday 20 Jun', () => {
    expect(US.isBusinessDay('2021-06-18')).toBe(true);
    expect(US.isBusinessDay('2022-06-20')).toBe(false);
  });
  it('observes a Sunday New Year on Monday 2 Jan 2023 and leaves Friday 31 Dec 2021 open before Saturday 1 Jan 2022', () => {
    expect(US.isBusinessDay('2023-01-02')).toBe(false);
    expect(US.isBusinessDay('2021-12-31')).toBe(true);
  });
  it('does not close Friday 10 Nov 2028 for Veterans Day on Saturday 11 Nov (SIFMA practice, as in 2017 and 2023)', () => {
    expect(US.isBusinessDay('2028-11-10')).toBe(true);
    expect(US.isBusinessDay('2023-11-10')).toBe(true);
  });
  it('is registered under its code', () => {
    expect(calendarByCode('US')).toBe(US);
    expect(calendarByCode('TARGET')).toBe(TARGET);
    expect(() => calendarByCode('XETRA')).toThrow('unknown settlement calendar XETRA');
  });
});

describe('calendars from data', () => {
  const everyDay = (from: string, to: string): string[] => {
    const days: string[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
    return days;
  };
  const days2024To2030 = everyDay('2024-01-01', '2030-12-31');

  it.each<[string, SettlementCalendar]>([
    ['TARGET', TARGET],
    ['US', US],
  ])('rebuilds %s from holidaysBetween: the same answer on every day of 2024–2030', (_code, rules) => {
    const fromData = calendarFromHolidays(rules.code, holidaysBetween(rules, '2024-01-01', '2030-12-31'));
    expect(days2024To2030).toHaveLength(2557); // 7 × 365 + 2 leap days (2024, 2028)
    expect(days2024To2030.filter((d) => fromData.isBusinessDay(d) !== rules.isBusinessDay(d))).toEqual([]);
  });
  it('closes on the weekend days given: a Friday–Saturday weekend keeps Sunday open', () => {
    const cal = calendarFromHolidays('XX', ['2026-03-23'], [5, 6]);
    // 2026-03-20 Friday, 21 Saturday, 22 Sunday, 23 Monday (listed), 24 Tuesday.
    expect(['2026-03-20', '2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24'].map((d) => cal.isBusinessDay(d))).toEqual([false, false, true, false, true]);
    expect(holidaysBetween(cal, '2026-03-16', '2026-03-29')).toEqual(['2026-03-23']);
  });
  it('refuses a holiday that is not an ISO date and a weekend day outside 0–6', () => {
    expect(() => calendarFromHolidays('XX', ['2026-02-30'])).toThrow('not an ISO date: 2026-02-30');
    expect(() => calendarFromHolidays('XX', [], [7])).toThrow('weekend days must be 0–6');
  });
  it('holidaysBetween is empty when from is after to', () => {
    expect(holidaysBetween(TARGET, '2026-12-31', '2026-01-01')).toEqual([]);
  });
});
