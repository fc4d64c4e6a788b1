import { describe, expect, it } from '@jest/globals';
import { demoPlan, demoTradeDate, demoTradeDateProblem, formatSummary, type EodSummary } from './day.js';

// The demo's trade date on the TARGET calendar, T+2: the trade date and the two business days
// rolled after it all fall on or before today.
describe('demoTradeDate: a cycle that ends by today, never after', () => {
  it.each([
    // today                      trade date    the cycle: trade date → +1 → +2 (settlement)
    ['2026-12-05', '2026-12-02'], // Sat: Wed 02 → Thu 03 → Fri 04
    ['2026-12-06', '2026-12-02'], // Sun: the same cycle, ending Fri 04
    ['2026-12-04', '2026-12-02'], // Fri: Wed 02 → Thu 03 → Fri 04, today itself
    ['2026-12-07', '2026-12-03'], // Mon: Thu 03 → Fri 04 → Mon 07
    ['2027-01-04', '2026-12-30'], // Mon after New Year (Fri 1 Jan closed): Wed 30 Dec → Thu 31 Dec → Mon 4 Jan
    ['2027-01-01', '2026-12-29'], // New Year's Day itself: Tue 29 → Wed 30 → Thu 31 Dec
    ['2026-12-28', '2026-12-23'], // Mon after Christmas (Fri 25 closed, Sat 26): Wed 23 → Thu 24 → Mon 28
    ['2027-03-26', '2027-03-23'], // Good Friday: Tue 23 → Wed 24 → Thu 25
    ['2027-03-30', '2027-03-24'], // Tue after Easter (Good Friday 26 and Easter Monday 29 closed): Wed 24 → Thu 25 → Tue 30
  ])('today %s → trade date %s', (today, expected) => {
    expect(demoTradeDate(today, 2)).toBe(expected);
    // Its own cycle fits: nothing to refuse.
    expect(demoTradeDateProblem(expected, today, 2)).toBeNull();
  });

  it('T+1 ends on the last business day up to today as well: Sat 2026-12-05 → Thu 03 → Fri 04', () => {
    expect(demoTradeDate('2026-12-05', 1)).toBe('2026-12-03');
  });

  it('a --date whose cycle would end after today is refused, naming the end and the latest date that fits', () => {
    // Today Sat 05 Dec: Thu 03 → Fri 04 → Mon 07, two days from now.
    expect(demoTradeDateProblem('2026-12-03', '2026-12-05', 2)).toBe(
      'the cycle of 2026-12-03 (T+2, TARGET) ends on 2026-12-07, after today 2026-12-05; the latest trade date that fits is 2026-12-02',
    );
    // The outside check's case: a cycle ending Wed 09 Dec while today is Sat 05 Dec.
    expect(demoTradeDateProblem('2026-12-07', '2026-12-05', 2)).toContain('ends on 2026-12-09, after today 2026-12-05');
    // An earlier date is accepted: Mon 30 Nov → Tue 01 → Wed 02 Dec.
    expect(demoTradeDateProblem('2026-11-30', '2026-12-05', 2)).toBeNull();
  });

  it('a --date on a closing day or not a date is refused', () => {
    expect(demoTradeDateProblem('2026-12-05', '2026-12-20', 2)).toBe('2026-12-05 is not a TARGET business day');
    expect(demoTradeDateProblem('2027-03-26', '2027-04-20', 2)).toBe('2027-03-26 is not a TARGET business day');
    expect(demoTradeDateProblem('5 Dec', '2026-12-20', 2)).toBe('5 Dec is not a date (YYYY-MM-DD)');
  });
});

describe('formatSummary: counts that add up', () => {
  // 400 records: 390 captured + 2 amended + 0 cancelled + 0 stale + 6 exceptions + 2 duplicates.
  // 392 live trades: 378 confirmed + 0 pending + 4 mismatched + 10 unconfirmed at close.
  const summary = {
    capture: {
      consumed: 400,
      captured: 390,
      amended: 2,
      cancelled: 0,
      stale: 0,
      exceptions: 6,
      duplicates: 2,
      confirmations: {
        trades: 392,
        confirmed: 378,
        pending: 0,
        mismatched: 4,
        unconfirmedAtClose: 10,
        validatedWithoutConfirmation: 0,
        receipts: { consumed: 392, matchedOnArrival: 190, pendingOnArrival: 198, exceptions: 4, duplicates: 0 },
      },
      confirmed: 378,
      validated: 378,
      unconfirmed: 14,
      openExceptions: { INPUT: 6, CONFIRMATION: 4 },
    },
    settlement: { instructed: 378, byStatus: {}, settled: 370, failing: 8, failsByReason: {} },
    accounting: { entries: 900, parkedSettlements: 0, balanced: true, perCurrency: [] },
    reporting: { captured: 390, instructed: 378, settled: 370, failing: 8, settlementEfficiency: '0.9788', journalEntries: 900 },
    notification: { sent: 800, pending: 0, failed: 0 },
  } as unknown as EodSummary;

  it('prints the identity of the executions and the confirmations block over trades, receipts apart', () => {
    const lines = formatSummary(summary, { published: 400, businessDate: '2026-12-04' }).split('\n');
    expect(lines).toContain('  executions consumed           400 = captured 390 + amended 2 + cancelled 0 + stale 0 + exceptions 6 + duplicates 2');
    expect(lines).toEqual(
      expect.arrayContaining([
        '  trades to confirm             392',
        '    confirmed by counterparty   378',
        '    pending (awaiting)          0',
        '    mismatched (to work)        4',
        '    unconfirmed at close        10',
        '  confirmation messages         392 (on arrival: matched 190, before their trade 198, exceptions 4, duplicates 0)',
      ]),
    );
    expect(lines.some((l) => l.includes('validated by hand'))).toBe(false);
  });
});

describe('demoPlan: the demo settles on a month’s last business day, up to today', () => {
  it.each([
    // Sat 5 Dec 2026: November's last business day is Mon 30 Nov (T+2 from Thu 26), then Tue 1 Dec has come.
    ['2026-12-05', { tradeDate: '2026-11-26', monthEnd: '2026-11-30', after: ['2026-12-01'] }],
    // Mon 30 Nov itself: the month ends today; the next business day has not come.
    ['2026-11-30', { tradeDate: '2026-11-26', monthEnd: '2026-11-30', after: [] }],
    // Sat 2 Jan 2027: 31 Dec is December's last TARGET day (T+2 from Tue 29); Fri 1 Jan is closed, Mon 4 Jan not come.
    ['2027-01-02', { tradeDate: '2026-12-29', monthEnd: '2026-12-31', after: [] }],
    // Tue 7 Apr 2026: Easter Monday (6 Apr) and Good Friday (3 Apr) closed; March ends Tue 31, T+2 from Fri 27; Wed 1 Apr follows.
    ['2026-04-07', { tradeDate: '2026-03-27', monthEnd: '2026-03-31', after: ['2026-04-01'] }],
  ])('today %s → %j', (today, plan) => {
    expect(demoPlan(today, 2)).toEqual(plan);
  });
});
