import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { calendarByCode, TARGET, US } from './calendars.js';
import { addDays } from './dates.js';
import { intendedSettlementDate, SETTLEMENT_MARKETS, settlementCycleDays } from './settlement-cycles.js';

describe('settlement cycle by market and trade date', () => {
  it('EU: T+2 up to Friday 8 Oct 2027, T+1 from Monday 11 Oct 2027', () => {
    expect(settlementCycleDays('EU', '2027-10-08')).toBe(2);
    expect(settlementCycleDays('EU', '2027-10-10')).toBe(2);
    expect(settlementCycleDays('EU', '2027-10-11')).toBe(1);
  });
  it('US: T+3 to 1 Sep 2017, T+2 from 5 Sep 2017, T+1 from 28 May 2024', () => {
    expect(settlementCycleDays('US', '2017-09-01')).toBe(3);
    expect(settlementCycleDays('US', '2017-09-05')).toBe(2);
    expect(settlementCycleDays('US', '2024-05-24')).toBe(2);
    expect(settlementCycleDays('US', '2024-05-28')).toBe(1);
  });
  it('names the market it does not know, and refuses a trade older than the first era', () => {
    expect(() => settlementCycleDays('JP', '2026-01-05')).toThrow('unknown settlement market JP');
    expect(() => settlementCycleDays('EU', '2014-10-03')).toThrow('no settlement cycle for market EU on trade date 2014-10-03');
    expect(settlementCycleDays('EU', '2014-10-06')).toBe(2);
  });
  it('each market names a calendar the kernel knows', () => {
    expect(calendarByCode(SETTLEMENT_MARKETS.EU!.calendarCode)).toBe(TARGET);
    expect(calendarByCode(SETTLEMENT_MARKETS.US!.calendarCode)).toBe(US);
  });
});

describe('intended settlement date, EU on TARGET', () => {
  it('T+2 from Thursday 2 Apr 2026 skips Good Friday 3, the weekend and Easter Monday 6: Wednesday 8 Apr', () => {
    // Tue 7 Apr is T+1, Wed 8 Apr is T+2.
    expect(intendedSettlementDate('EU', '2026-04-02', TARGET)).toBe('2026-04-08');
  });
  it('T+2 from Wednesday 23 Dec 2026: Thu 24 is T+1, Fri 25 closed, weekend, Mon 28 Dec is T+2', () => {
    expect(intendedSettlementDate('EU', '2026-12-23', TARGET)).toBe('2026-12-28');
  });
  it('T+1 from Friday 24 Dec 2027: 25 and 26 Dec fall on the weekend, Monday 27 Dec', () => {
    expect(intendedSettlementDate('EU', '2027-12-24', TARGET)).toBe('2027-12-27');
  });
  it('around the T+1 switch: Fri 8 Oct 2027 (T+2) and Mon 11 Oct 2027 (T+1) both settle Tue 12 Oct; Fri 15 Oct (T+1) settles Mon 18 Oct', () => {
    expect(intendedSettlementDate('EU', '2027-10-08', TARGET)).toBe('2027-10-12');
    expect(intendedSettlementDate('EU', '2027-10-11', TARGET)).toBe('2027-10-12');
    expect(intendedSettlementDate('EU', '2027-10-15', TARGET)).toBe('2027-10-18');
  });
  it('a trade dated on a closing day counts from that day: Saturday 28 Nov 2026 T+2 → Mon 30 (T+1), Tue 1 Dec (T+2)', () => {
    expect(intendedSettlementDate('EU', '2026-11-28', TARGET)).toBe('2026-12-01');
  });
  it('a trade dated Good Friday 3 Apr 2026 settles with the Thursday trades: Tue 7 (T+1), Wed 8 Apr (T+2)', () => {
    expect(intendedSettlementDate('EU', '2026-04-03', TARGET)).toBe('2026-04-08');
  });
});

describe('intended settlement date, US on the SIFMA calendar', () => {
  it('Thu 23 May 2024 (T+2): Fri 24 is T+1, Memorial Day Mon 27 closed, Tue 28 May is T+2', () => {
    expect(intendedSettlementDate('US', '2024-05-23', US)).toBe('2024-05-28');
  });
  it('Fri 24 May 2024, before the switch, T+2: weekend, Memorial Day 27, Tue 28 (T+1), Wed 29 May (T+2)', () => {
    expect(intendedSettlementDate('US', '2024-05-24', US)).toBe('2024-05-29');
  });
  it('Tue 28 May 2024, the first T+1 trade date, also settles Wed 29 May (the double settlement day)', () => {
    expect(intendedSettlementDate('US', '2024-05-28', US)).toBe('2024-05-29');
  });
  it('the 2017 switch: Fri 1 Sep (T+3, Labor Day Mon 4 closed) and Tue 5 Sep (T+2) both settle Thu 7 Sep 2017', () => {
    // From 1 Sep: Tue 5 (1), Wed 6 (2), Thu 7 (3). From 5 Sep: Wed 6 (1), Thu 7 (2).
    expect(intendedSettlementDate('US', '2017-09-01', US)).toBe('2017-09-07');
    expect(intendedSettlementDate('US', '2017-09-05', US)).toBe('2017-09-07');
  });
  it('Wed 25 Nov 2026 T+1 skips Thanksgiving Thu 26: Friday 27 Nov', () => {
    expect(intendedSettlementDate('US', '2026-11-25', US)).toBe('2026-11-27');
  });
  it('Thu 23 Dec 2027 T+1 skips the observed Christmas Fri 24 and the weekend: Monday 27 Dec', () => {
    expect(intendedSettlementDate('US', '2027-12-23', US)).toBe('2027-12-27');
  });
  it('a trade dated on the observed Independence Day, Fri 3 Jul 2026, settles T+1 on Monday 6 Jul', () => {
    expect(intendedSettlementDate('US', '2026-07-03', US)).toBe('2026-07-06');
  });
});

describe('intended settlement date (properties)', () => {
  // Day offsets from each market's first era to the end of 2040.
  const markets = [
    { market: 'EU', calendar: TARGET, first: '2014-10-06', days: 9583 },
    { market: 'US', calendar: US, first: '1995-06-07', days: 16644 },
  ];
  it('is a business day strictly after the trade date with exactly `cycle` business days in (trade date, result]', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...markets).chain((m) => fc.tuple(fc.constant(m), fc.integer({ min: 0, max: m.days }))),
        ([{ market, calendar, first }, offset]) => {
          const tradeDate = addDays(first, offset);
          const cycle = settlementCycleDays(market, tradeDate);
          const settlement = intendedSettlementDate(market, tradeDate, calendar);
          let businessDays = 0;
          for (let d = addDays(tradeDate, 1); d <= settlement; d = addDays(d, 1)) if (calendar.isBusinessDay(d)) businessDays++;
          return calendar.isBusinessDay(settlement) && settlement > tradeDate && businessDays === cycle;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
