import { describe, expect, it } from '@jest/globals';
import { TARGET } from '@postera/kernel';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activityPdf } from '../pdf/activity-pdf.js';
import { activityCsv, activityReport, avisDeadline, failAgeBusinessDays, reportWindow, type ActivityFigures } from './activity-report.js';
import { formatDecimal, formatRate } from './number-format.js';

// A Monday with known figures: D = 7 Dec 2026, the previous business day Friday 4 Dec, the month from 1 Dec.
const D = '2026-12-07';
const zeroTrades = { cancelled: 0, amended: 0, confirmed: 0 };
const KNOWN_DAY: ActivityFigures = {
  businessDate: D,
  trades: [
    { date: '2026-11-30', captured: 12, ...zeroTrades, validated: 12, straightThrough: 12 },
    { date: '2026-12-01', captured: 10, cancelled: 0, amended: 0, confirmed: 8, validated: 9, straightThrough: 8 },
    { date: '2026-12-04', captured: 20, cancelled: 1, amended: 1, confirmed: 18, validated: 19, straightThrough: 17 },
    { date: D, captured: 25, cancelled: 2, amended: 3, confirmed: 22, validated: 24, straightThrough: 21 },
  ],
  instructions: [
    { date: '2026-12-01', instructed: 9, matched: 9, settled: 7, partiallySettled: 0, failing: 2 },
    { date: '2026-12-04', instructed: 19, matched: 15, settled: 14, partiallySettled: 1, failing: 3 },
    { date: D, instructed: 24, matched: 20, settled: 18, partiallySettled: 2, failing: 5 },
  ],
  settledValues: [
    { date: '2026-12-04', currency: 'EUR', amount: '1000000.00' },
    { date: D, currency: 'EUR', amount: '31832303.34' },
    { date: D, currency: 'USD', amount: '2500.50' },
  ],
  due: [
    { date: '2026-12-04', currency: 'EUR', due: 16, settledOnTime: 14, dueAmount: '2000000.00', settledOnTimeAmount: '1500000.00' },
    { date: D, currency: 'EUR', due: 20, settledOnTime: 18, dueAmount: '35000000.00', settledOnTimeAmount: '31832303.34' },
  ],
  penalties: [
    { date: '2026-12-02', direction: 'PAYABLE', currency: 'EUR', count: 1, amount: '99.00' },
    { date: D, direction: 'PAYABLE', currency: 'EUR', count: 2, amount: '13.00' },
    { date: D, direction: 'RECEIVABLE', currency: 'EUR', count: 1, amount: '5.85' },
  ],
  // Avis d'opéré first sent per day, by trade date; the deadline is the first TARGET business day after the trade date.
  avis: [
    { date: '2026-11-30', tradeDate: '2026-11-27', sent: 12 }, // before the month: deadline Mon 30 Nov, on time
    { date: '2026-12-02', tradeDate: '2026-11-27', sent: 1 }, // deadline Mon 30 Nov: late
    { date: '2026-12-04', tradeDate: '2026-12-03', sent: 15 }, // deadline Fri 4 Dec: on time
    { date: D, tradeDate: '2026-12-03', sent: 2 }, // deadline Fri 4 Dec: late
    { date: D, tradeDate: '2026-12-04', sent: 20 }, // deadline Mon 7 Dec (over the weekend): on time
    { date: D, tradeDate: null, sent: 1 }, // a trade reporting does not hold: sent, never late
  ],
  // The FX revaluations' signed result per close: on D a loss of 150.25 on one book, a gain of 400.00 on another.
  fxResults: [
    { date: '2026-11-30', currency: 'EUR', amount: '50.00' },
    { date: '2026-12-04', currency: 'EUR', amount: '-1000.00' },
    { date: D, currency: 'EUR', amount: '249.75' },
  ],
  // Ages in TARGET business days after the intended date: 0, 1, 4, 0, 11.
  fails: [
    { tradeRef: 'FO-EQ:F1', reason: 'LACK', intendedSettlementDate: D, currency: 'EUR', amount: '1000.00' },
    { tradeRef: 'FO-EQ:F2', reason: 'LACK', intendedSettlementDate: '2026-12-04', currency: 'EUR', amount: '2500.50' },
    { tradeRef: 'FO-EQ:F3', reason: 'CLAC', intendedSettlementDate: '2026-12-01', currency: 'EUR', amount: '300.00' },
    { tradeRef: 'FO-EQ:F4', reason: 'NONE', intendedSettlementDate: D, currency: 'EUR', amount: '700.00' },
    { tradeRef: 'FO-EQ:F5', reason: 'LACK', intendedSettlementDate: '2026-11-20', currency: 'EUR', amount: '1200.00' },
  ],
  // The records of trades.executed.v1 capture receipted, its batches' counts summed by its business day and outcome: 25 on 4 Dec, 36 on D.
  executions: [
    { date: '2026-11-30', outcome: 'CAPTURED', count: 12 },
    { date: '2026-12-04', outcome: 'CAPTURED', count: 20 },
    { date: '2026-12-04', outcome: 'AMENDED', count: 1 },
    { date: '2026-12-04', outcome: 'CANCELLED', count: 1 },
    { date: '2026-12-04', outcome: 'EXCEPTION', count: 2 },
    { date: '2026-12-04', outcome: 'DUPLICATE', count: 1 },
    { date: D, outcome: 'CAPTURED', count: 25 },
    { date: D, outcome: 'AMENDED', count: 3 },
    { date: D, outcome: 'CANCELLED', count: 2 },
    { date: D, outcome: 'STALE', count: 1 },
    { date: D, outcome: 'EXCEPTION', count: 3 },
    { date: D, outcome: 'DUPLICATE', count: 2 },
  ],
  // Exceptions held, every input: on D the 3 executions' (2 INPUT, 1 LIFECYCLE) and 2 confirmations'.
  exceptions: [
    { date: '2026-12-04', kind: 'CONFIRMATION', count: 1 },
    { date: '2026-12-04', kind: 'INPUT', count: 2 },
    { date: D, kind: 'CONFIRMATION', count: 2 },
    { date: D, kind: 'INPUT', count: 2 },
    { date: D, kind: 'LIFECYCLE', count: 1 },
  ],
  // Their reasons: on D one INPUT exception gives two (ISIN and account), the other one (account).
  exceptionReasons: [
    { date: '2026-12-04', kind: 'CONFIRMATION', field: 'price', rule: 'confirmation mismatch: price beyond tolerance', count: 1 },
    { date: '2026-12-04', kind: 'INPUT', field: 'isin', rule: 'ISIN (ISO 6166) with a valid check digit', count: 2 },
    { date: D, kind: 'CONFIRMATION', field: 'price', rule: 'confirmation mismatch: price beyond tolerance', count: 2 },
    { date: D, kind: 'INPUT', field: 'account', rule: 'unknown account', count: 2 },
    { date: D, kind: 'INPUT', field: 'isin', rule: 'ISIN (ISO 6166) with a valid check digit', count: 1 },
    { date: D, kind: 'LIFECYCLE', field: 'version', rule: 'version already received with another content', count: 1 },
  ],
  deadLetters: [
    { date: '2026-12-04', topic: 'trade.events.v1', count: 1 },
    { date: D, topic: 'settlement.events.v1', count: 2 },
    { date: D, topic: 'trades.executed.v1', count: 1 },
  ],
  // Breaks opened by D (closedOn null: still open on D). Ages on D: 11 (20 Nov), 1 (4 Dec), 0 (D).
  breaks: [
    { kind: 'CASH', openedOn: '2026-12-04', closedOn: D, count: 1 },
    { kind: 'CASH', openedOn: D, closedOn: null, count: 2 },
    { kind: 'HOLDINGS', openedOn: '2026-11-20', closedOn: null, count: 1 },
    { kind: 'HOLDINGS', openedOn: '2026-12-04', closedOn: null, count: 1 },
    { kind: 'PNL', openedOn: '2026-12-01', closedOn: '2026-12-04', count: 1 },
  ],
  volumes: [
    {
      dimension: 'instrument',
      key: 'FR0000120271',
      name: 'TotalEnergies SE',
      currency: 'EUR',
      dayTrades: 20,
      dayGrossAmount: '31832303.34',
      monthTrades: 40,
      monthGrossAmount: '32832303.34',
    },
    {
      dimension: 'instrument',
      key: 'FR0000121014',
      name: 'LVMH Moët Hennessy Louis Vuitton',
      currency: 'EUR',
      dayTrades: 3,
      dayGrossAmount: '1800.00',
      monthTrades: 9,
      monthGrossAmount: '5400',
    },
    {
      dimension: 'venue',
      key: 'XPAR',
      name: null,
      currency: 'EUR',
      dayTrades: 23,
      dayGrossAmount: '31834103.34',
      monthTrades: 49,
      monthGrossAmount: '32837703.34',
    },
    {
      dimension: 'counterparty',
      key: '5299000DEUTSCHECP047',
      name: 'Deutsche Broker AG',
      currency: 'EUR',
      dayTrades: 23,
      dayGrossAmount: '31834103.34',
      monthTrades: 49,
      monthGrossAmount: '32837703.34',
    },
  ],
};

describe('the activity report of a day with known figures (7 Dec 2026)', () => {
  const r = activityReport(KNOWN_DAY, TARGET);

  it('takes the day, the previous business day and the month from 1 Dec', () => {
    expect(r.previousBusinessDate).toBe('2026-12-04');
    expect(r.monthStart).toBe('2026-12-01');
    expect(reportWindow(D, TARGET).trendDates).toHaveLength(21);
    expect(reportWindow(D, TARGET).from).toBe('2026-11-09'); // 20 TARGET business days before 7 Dec
  });

  it('counts the day: STP 21 / 24 = 0.8750, efficiency 18 / 20 = 0.9000 and by value 31,832,303.34 / 35,000,000.00 = 0.9095', () => {
    expect(r.day).toEqual({
      from: D,
      to: D,
      captured: 25,
      cancelled: 2,
      amended: 3,
      confirmed: 22,
      validated: 24,
      straightThrough: 21,
      stpRate: '0.8750',
      instructed: 24,
      matched: 20,
      settled: 18,
      partiallySettled: 2,
      settledValue: [
        { currency: 'EUR', amount: '31832303.34' },
        { currency: 'USD', amount: '2500.50' },
      ],
      settlementEfficiency: {
        due: 20,
        settledOnTime: 18,
        rate: '0.9000',
        byValue: [{ currency: 'EUR', due: '35000000.00', settledOnTime: '31832303.34', rate: '0.9095' }],
      },
      penalties: { payable: [{ currency: 'EUR', amount: '13.00', count: 2 }], receivable: [{ currency: 'EUR', amount: '5.85', count: 1 }] },
      avisSent: 23, // 2 + 20 + 1
      avisLate: 2,
      fxResult: [{ currency: 'EUR', amount: '249.75' }],
      failing: 5,
      // 36 received = 25 captured + 3 amended + 2 cancelled + 1 stale + 3 exceptions + 2 duplicates.
      executions: { received: 36, captured: 25, amended: 3, cancelled: 2, stale: 1, exceptions: 3, duplicates: 2 },
      exceptions: {
        total: 5,
        byKind: [
          { kind: 'CONFIRMATION', count: 2 },
          { kind: 'INPUT', count: 2 },
          { kind: 'LIFECYCLE', count: 1 },
        ],
        byReason: [
          { kind: 'CONFIRMATION', field: 'price', rule: 'confirmation mismatch: price beyond tolerance', count: 2 },
          { kind: 'INPUT', field: 'account', rule: 'unknown account', count: 2 },
          { kind: 'INPUT', field: 'isin', rule: 'ISIN (ISO 6166) with a valid check digit', count: 1 },
          { kind: 'LIFECYCLE', field: 'version', rule: 'version already received with another content', count: 1 },
        ],
      },
      deadLetters: {
        total: 3,
        byTopic: [
          { topic: 'settlement.events.v1', count: 2 },
          { topic: 'trades.executed.v1', count: 1 },
        ],
      },
      // Opened on D: the 2 CASH breaks; closed on D: the CASH break of 4 Dec; open at the close: 20 Nov, 4 Dec (HOLDINGS) and D's 2.
      breaks: { opened: 2, closed: 1, open: 4 },
    });
  });

  it('counts every execution received once: received = versions recorded + exceptions + duplicates, each day and over the month', () => {
    for (const p of [r.day, r.previousDay, r.month]) {
      const e = p.executions;
      expect(e.received).toBe(e.captured + e.amended + e.cancelled + e.stale + e.exceptions + e.duplicates);
    }
    expect(r.previousDay.executions).toEqual({ received: 25, captured: 20, amended: 1, cancelled: 1, stale: 0, exceptions: 2, duplicates: 1 });
    // 1 to 7 Dec (30 Nov left out): 25 + 36 = 61 = 45 + 4 + 3 + 1 + 5 + 3.
    expect(r.month.executions).toEqual({ received: 61, captured: 45, amended: 4, cancelled: 3, stale: 1, exceptions: 5, duplicates: 3 });
  });

  it('counts the exceptions by kind and by reason, and the dead letters by topic, over the month', () => {
    expect(r.month.exceptions).toEqual({
      total: 8, // 3 on 4 Dec, 5 on D
      byKind: [
        { kind: 'CONFIRMATION', count: 3 },
        { kind: 'INPUT', count: 4 },
        { kind: 'LIFECYCLE', count: 1 },
      ],
      byReason: [
        { kind: 'CONFIRMATION', field: 'price', rule: 'confirmation mismatch: price beyond tolerance', count: 3 },
        { kind: 'INPUT', field: 'account', rule: 'unknown account', count: 2 },
        { kind: 'INPUT', field: 'isin', rule: 'ISIN (ISO 6166) with a valid check digit', count: 3 },
        { kind: 'LIFECYCLE', field: 'version', rule: 'version already received with another content', count: 1 },
      ],
    });
    expect(r.month.deadLetters).toEqual({
      total: 4,
      byTopic: [
        { topic: 'settlement.events.v1', count: 2 },
        { topic: 'trade.events.v1', count: 1 },
        { topic: 'trades.executed.v1', count: 1 },
      ],
    });
  });

  it('follows the reconciliation breaks: opened, closed, open at each close, and the open ones of D by age', () => {
    // 4 Dec: opened CASH and HOLDINGS, closed the PNL break of 1 Dec; open at its close: 20 Nov, and the two of the day.
    expect(r.previousDay.breaks).toEqual({ opened: 2, closed: 1, open: 3 });
    // 1 Dec to D: opened 1 (PNL) + 2 (4 Dec) + 2 (D) = 5; closed 2.
    expect(r.month.breaks).toEqual({ opened: 5, closed: 2, open: 4 });
    expect(r.breaks).toEqual({
      asOf: D,
      open: 4,
      byKind: [
        { kind: 'CASH', count: 2 },
        { kind: 'HOLDINGS', count: 2 },
      ],
      byAge: [
        { bucket: '0', count: 2 },
        { bucket: '1', count: 1 },
        { bucket: '2-5', count: 0 },
        { bucket: '6-10', count: 0 },
        { bucket: '>10', count: 1 },
      ],
    });
  });

  it('counts the avis d’opéré sent and late: the deadline is the next TARGET business day after the trade date', () => {
    expect(avisDeadline('2026-12-03', TARGET)).toBe('2026-12-04');
    expect(avisDeadline('2026-12-04', TARGET)).toBe('2026-12-07'); // Friday's trades: Monday
    expect(avisDeadline('2026-12-24', TARGET)).toBe('2026-12-28'); // 25 and 26 Dec are TARGET holidays
    expect(r.previousDay).toMatchObject({ avisSent: 15, avisLate: 0 });
    expect(r.month).toMatchObject({ avisSent: 39, avisLate: 3 }); // 1 + 15 + 23 sent; 1 + 2 late (30 Nov left out)
  });

  it('sums the FX result, signed: the month is -1,000.00 + 249.75 = -750.25 (30 Nov left out)', () => {
    expect(r.previousDay.fxResult).toEqual([{ currency: 'EUR', amount: '-1000.00' }]);
    expect(r.month.fxResult).toEqual([{ currency: 'EUR', amount: '-750.25' }]);
  });

  it('sums the month: 1 to 7 Dec (30 Nov left out)', () => {
    expect(r.month).toMatchObject({
      from: '2026-12-01',
      captured: 55, // 10 + 20 + 25
      cancelled: 3,
      amended: 4,
      confirmed: 48,
      validated: 52,
      straightThrough: 46,
      stpRate: '0.8846', // 46 / 52 = 0.884615…
      instructed: 52,
      matched: 44,
      settled: 39,
      partiallySettled: 3,
      settledValue: [
        { currency: 'EUR', amount: '32832303.34' },
        { currency: 'USD', amount: '2500.50' },
      ],
      settlementEfficiency: { due: 36, settledOnTime: 32, rate: '0.8889' }, // 32 / 36 = 0.8888…
      penalties: { payable: [{ currency: 'EUR', amount: '112.00', count: 3 }], receivable: [{ currency: 'EUR', amount: '5.85', count: 1 }] },
      failing: 5,
    });
    expect(r.previousDay).toMatchObject({ captured: 20, stpRate: '0.8947', failing: 3, settlementEfficiency: { rate: '0.8750' } });
  });

  it('sorts the fails by reason and by age in business days', () => {
    expect(failAgeBusinessDays('2026-11-20', D, TARGET)).toBe(11);
    expect(failAgeBusinessDays('2026-12-04', D, TARGET)).toBe(1); // the weekend does not count
    expect(r.fails).toEqual({
      asOf: D,
      total: 5,
      value: [{ currency: 'EUR', amount: '5700.50' }],
      byReason: [
        { reason: 'CLAC', count: 1 },
        { reason: 'LACK', count: 3 },
        { reason: 'NONE', count: 1 },
      ],
      byAge: [
        { bucket: '0', count: 2 },
        { bucket: '1', count: 1 },
        { bucket: '2-5', count: 1 },
        { bucket: '6-10', count: 0 },
        { bucket: '>10', count: 1 },
      ],
    });
  });

  it('keeps the volumes with their names, and 20 business days of trend', () => {
    expect(r.volumes.byInstrument[1]).toEqual({
      key: 'FR0000121014',
      name: 'LVMH Moët Hennessy Louis Vuitton',
      currency: 'EUR',
      day: { trades: 3, grossAmount: '1800.00' },
      month: { trades: 9, grossAmount: '5400.00' },
    });
    expect(r.volumes.byAccount).toEqual([]);
    expect(r.trend).toHaveLength(20);
    expect(r.trend[0]!.date).toBe('2026-11-10');
    expect(r.trend.at(-1)).toEqual({ date: D, captured: 25, validated: 24, stpRate: '0.8750', settled: 18, failing: 5, settlementEfficiency: '0.9000' });
    expect(r.trend.find((t) => t.date === '2026-11-30')).toEqual({
      date: '2026-11-30',
      captured: 12,
      validated: 12,
      stpRate: '1.0000',
      settled: 0,
      failing: 0,
      settlementEfficiency: null,
    });
  });

  it('has every figure the requirement lists: nothing said to be not available, never an internal message', () => {
    expect(Object.keys(r)).not.toContain('notAvailable');
    expect(JSON.stringify(r)).not.toMatch(/ yet|not available/);
  });

  it('writes one CSV row per figure', () => {
    const rows = activityCsv(r).split('\r\n');
    expect(rows[0]).toBe('section;period;key;name;currency;count;value');
    expect(rows).toEqual(
      expect.arrayContaining([
        'counts;day;captured;;;25;',
        'counts;month;captured;;;55;',
        'counts;previous_day;failing;;;3;',
        'counts;day;avisSent;;;23;',
        'counts;day;avisLate;;;2;',
        'counts;month;avisLate;;;3;',
        'fx_result;day;revaluation;;EUR;;249.75',
        'fx_result;month;revaluation;;EUR;;-750.25',
        'stp_rate;day;straight_through/validated;;;21/24;0.8750',
        'settlement_efficiency;day;settled_on_time/due;;;18/20;0.9000',
        'settlement_efficiency_value;day;31832303.34/35000000.00;;EUR;;0.9095',
        'settled_value;day;settled;;USD;;2500.50',
        'penalties;month;PAYABLE;;EUR;3;112.00',
        'fails_by_reason;2026-12-07;LACK;;;3;',
        'fails_by_age_business_days;2026-12-07;>10;;;1;',
        'fails_value;2026-12-07;to_settle;;EUR;;5700.50',
        'volume_by_instrument;day;FR0000120271;TotalEnergies SE;EUR;20;31832303.34',
        'trend;2026-11-30;validated;;;12;1.0000',
        'executions;day;received;;;36;',
        'executions;month;duplicates;;;3;',
        'exceptions;day;total;;;5;',
        'exceptions_by_kind;month;INPUT;;;4;',
        'exceptions_by_reason;day;INPUT/account;unknown account;;2;',
        'dead_letters;day;total;;;3;',
        'dead_letters_by_topic;month;trade.events.v1;;;1;',
        'breaks;day;opened;;;2;',
        'breaks;previous_day;open;;;3;',
        'breaks_open_by_kind;2026-12-07;CASH;;;2;',
        'breaks_open_by_age_business_days;2026-12-07;>10;;;1;',
      ]),
    );
    expect(rows.some((row) => row.startsWith('not_available'))).toBe(false);
  });
});

describe('figures as a reader reads them', () => {
  it('groups digits and uses the decimal mark of the language', () => {
    expect(formatDecimal('31832303.34', 'fr')).toBe('31\u202f832\u202f303,34');
    expect(formatDecimal('31832303.34', 'en')).toBe('31,832,303.34');
    expect(formatDecimal('-1234.5', 'en')).toBe('-1,234.50');
    expect(formatDecimal('999.995', 'en')).toBe('1,000.00'); // HALF_UP for display
    expect(formatRate('0.9095', 'fr')).toBe('90,95\u202f%');
    expect(formatRate('0.9095', 'en')).toBe('90.95 %');
    expect(formatRate(null, 'en')).toBe('n/a');
  });
});

/** The text of pages first..last as poppler's pdftotext lays it out (-layout keeps a table's row on one line). */
function pdfText(pdf: Buffer, first: number, last: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'activity-pdf-'));
  writeFileSync(join(dir, 'r.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', String(first), '-l', String(last), join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
}
/** One space for any run of spaces (pdftotext pads columns with them). */
const squeeze = (s: string) => s.replace(/[ ]+/g, ' ');

describe('the PDF of the known day, rendered', () => {
  const r = activityReport(KNOWN_DAY, TARGET);

  it('in English: the key figures on page 1 with the change from 4 Dec and the month, amounts with separators', async () => {
    const pdf = await activityPdf(r, { firmName: 'Postera', language: 'en' });
    const page1 = squeeze(pdfText(pdf, 1, 1));
    for (const line of [
      'Postera — Activity report 2026-12-07',
      'Trades captured 25 +5 55',
      'Trades validated 24 +5 52',
      'STP rate 87.50 % -1.97 pt 88.46 %',
      'Settled 18 +4 39',
      'Value settled 31,832,303.34 EUR 32,832,303.34 EUR',
      '2,500.50 USD 2,500.50 USD',
      'Settlement efficiency (count) 90.00 % +2.50 pt 88.89 %',
      'Failing at the close 5 +2',
      'Penalties payable 13.00 EUR 112.00 EUR',
      'Trade confirmations (avis) sent 23 +8 39',
      'of which late 2 +2 3',
      'FX result (revaluation) 249.75 EUR -750.25 EUR',
      'Fails at the close of 2026-12-07: 5',
      'CLAC 1 ; LACK 3 ; no reason from the CSD 1',
      'Executions received 36 +11 61',
      'of which exceptions 3 +1 5',
      'of which duplicates ignored 2 +1 3',
      'Exceptions raised (all inputs) 5 +2 8',
      'Dead letters 3 +2 4',
      'Reconciliation breaks opened 2 0 5',
      'Reconciliation breaks closed 1 0 2',
      'Breaks open at the close 4 +1',
    ])
      expect(page1).toContain(line);
    expect(page1).not.toMatch(/publishes no FX result| yet|31832303|not available/);
    const details = squeeze(pdfText(pdf, 2, 3));
    expect(details).toContain('FR0000121014 LVMH Moët Hennessy Louis Vuitton EUR 3 1,800.00 9 5,400.00');
    expect(details).toContain('5299000DEUTSCHECP047 Deutsche Broker AG EUR 23 31,834,103.34 49 32,837,703.34');
    expect(details).toContain('>10 1');
    expect(details).toContain('2026-11-30 12 12 100.00 % 0 n/a 0');
    expect(details).toContain('stale (older version) 1 1');
    expect(details).toContain('INPUT account unknown account 2 2');
    expect(details).toContain('settlement.events.v1 2 2');
    expect(details).toContain('Reconciliation breaks open at the close of 2026-12-07: 4');
    expect(details).toContain('HOLDINGS 2');
  });

  it('in French: the same figures with the French decimal mark and digit groups', async () => {
    const pdf = await activityPdf(r, { firmName: 'Postera', language: 'fr' });
    // The standard fonts draw the French digit-group space as a no-break space (U+00A0).
    const page1 = squeeze(pdfText(pdf, 1, 1).replaceAll('\u00a0', ' '));
    for (const line of [
      'Postera — Rapport d’activité 2026-12-07',
      'Opérations saisies 25 +5 55',
      'Taux STP 87,50 % -1,97 pt 88,46 %',
      'Montant dénoué 31 832 303,34 EUR 32 832 303,34 EUR',
      'Exécutions reçues 36 +11 61',
      'Messages en lettres mortes 3 +2 4',
      'Écarts ouverts à la clôture 4 +1',
      'Efficacité du dénouement (nombre) 90,00 % +2,50 pt 88,89 %',
      'Suspens à la clôture du 2026-12-07 : 5',
      'Avis d’opéré envoyés 23 +8 39',
      'dont en retard 2 +2 3',
      'Résultat de change (réévaluation) 249,75 EUR -750,25 EUR',
    ])
      expect(page1).toContain(line);
  });

  it('gives the same bytes for the same report', async () => {
    const a = await activityPdf(r, { firmName: 'Postera', language: 'en' });
    const b = await activityPdf(r, { firmName: 'Postera', language: 'en' });
    expect(a.equals(b)).toBe(true);
  });
});
