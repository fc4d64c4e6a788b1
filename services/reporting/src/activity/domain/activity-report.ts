import type { ExecutionOutcome } from '@postera/contracts';
import { addBusinessDays, addDays, Dec, type SettlementCalendar } from '@postera/kernel';

/**
 * The activity report of one business date D (DOMAIN.md §6), as of D: every figure comes from facts
 * dated on or before D (src/activity/domain/activity-dates.ts), so the report of D is the same each
 * time it is filed unless a fact dated on or before D reached reporting in between.
 *
 * Per day (D) and per month (the 1st of D's month to D):
 * - captured: trades whose trade date is in the period (the version in force on D, cancelled ones
 *   included); cancelled, amended: trades cancelled, amended in the period;
 * - confirmed: counterparty confirmations matched in the period; validated, of which straight through
 *   (no person touched them); STP rate = straight through / validated;
 * - instructed: instructions first seen in the period; matched: matched at the CSD in the period;
 *   settled, partially settled: instructions settled (whole), settlement steps short of the whole;
 *   settled value per currency (each step's cash);
 * - settlement efficiency: instructions due in the period (intended settlement date in it, not
 *   cancelled by D) settled on or before their intended date / due, by count and by value per currency;
 * - penalties (CSDR) for days in the period, payable and receivable, per currency;
 * - avis d'opéré sent: trades whose avis was first accepted by a channel (notification.events.v1) in
 *   the period, the day reporting recorded it; late: of those, sent after the avis deadline, the end
 *   of the first TARGET business day after the trade date (the rule notification watches). A trade
 *   whose trade date reporting does not hold counts as sent, never as late;
 * - FX result: the FX revaluation entries accounting announced dated in the period (their accounting
 *   date, the close revalued to), signed (a gain positive), per currency (EUR); a revaluation booked
 *   when an ECB rate arrives late for a close is not announced, so not counted;
 * - failing on D: instructions due by D, not settled and not cancelled or rejected by D, by reason (the
 *   CSD's last reason dated by D; NONE when it gave none) and by age in TARGET business days after
 *   the intended date (0, 1, 2–5, 6–10, over 10), with the cash still to settle per currency.
 * - executions received: the records of trades.executed.v1 capture receipted in the period (capture's
 *   business day when it received them), summed over capture's batches (one ExecutionsReceived per
 *   batch on capture.intake.v1, its records counted by outcome), each record exactly one of: a trade
 *   version recorded (captured, amended, cancelled, or stale: older than the version held), an
 *   exception, a duplicate ignored. So, per day and per period, summed over the batches:
 *     received = captured + amended + cancelled + stale + exceptions + duplicates;
 * - exceptions raised in the period (executions and counterparty confirmations) by kind (INPUT,
 *   LIFECYCLE, CONFIRMATION) and by reason (kind, field, rule: an exception with three reasons counts
 *   once in its kind and once under each reason);
 * - dead letters: records parked on a `.dlq` topic in the period (reporting's business day when it
 *   read them), by the topic they were read from;
 * - reconciliation breaks (accounting.events.v1): opened and closed in the period (the day their run
 *   reconciled; a break resolved by two people, the day it was resolved), open at the end of the period; on D the open ones by reconciliation and by age in
 *   TARGET business days since they opened (the fails' buckets).
 * Volumes of the day and of the month (trades not cancelled by D) by instrument, venue, account and
 * counterparty with the referential's names; trends over the last 20 TARGET business days to D.
 * Rates: 4 decimals, rounded HALF_EVEN (Dec's default); null when nothing is counted.
 * TARGET is the calendar as the referential publishes it (refdata.calendars.v1), which the caller
 * reads and passes in: a holiday the referential adds moves every count above.
 */
export interface DayTradeCounts {
  date: string;
  captured: number;
  cancelled: number;
  amended: number;
  confirmed: number;
  validated: number;
  straightThrough: number;
}

export interface DayInstructionCounts {
  date: string;
  instructed: number;
  matched: number;
  settled: number;
  partiallySettled: number;
  /** Failing at the end of that date (as known on D). */
  failing: number;
}

export interface AmountRow {
  date: string;
  currency: string;
  amount: string;
}

export interface DueRow {
  /** The intended settlement date. */
  date: string;
  currency: string;
  due: number;
  settledOnTime: number;
  dueAmount: string;
  settledOnTimeAmount: string;
}

export interface PenaltyRow {
  date: string;
  direction: 'PAYABLE' | 'RECEIVABLE';
  currency: string;
  count: number;
  amount: string;
}

/** Trades whose avis d'opéré was first sent on `date`, by trade date (null: the trade is not held by reporting). */
export interface AvisRow {
  date: string;
  tradeDate: string | null;
  sent: number;
}

export interface FailRow {
  tradeRef: string;
  reason: string;
  intendedSettlementDate: string;
  currency: string;
  /** Cash still to settle. */
  amount: string;
}

export type VolumeDimension = 'instrument' | 'venue' | 'account' | 'counterparty';

export interface VolumeFigure {
  dimension: VolumeDimension;
  key: string;
  name: string | null;
  currency: string;
  dayTrades: number;
  dayGrossAmount: string;
  monthTrades: number;
  monthGrossAmount: string;
}

export interface ExecutionRow {
  date: string;
  outcome: ExecutionOutcome;
  count: number;
}

export interface ExceptionRow {
  date: string;
  kind: string;
  count: number;
}

export interface ExceptionReasonRow extends ExceptionRow {
  field: string;
  rule: string;
}

export interface DeadLetterRow {
  date: string;
  topic: string;
  count: number;
}

/** Breaks opened on or before D, by reconciliation and the days they opened and closed (null: still open on D). */
export interface BreakRow {
  kind: string;
  openedOn: string;
  closedOn: string | null;
  count: number;
}

/** What the database counted for the report of `businessDate`: per date over the window, and the fails on D. */
export interface ActivityFigures {
  businessDate: string;
  trades: DayTradeCounts[];
  instructions: DayInstructionCounts[];
  settledValues: AmountRow[];
  due: DueRow[];
  penalties: PenaltyRow[];
  avis: AvisRow[];
  /** Per accounting date and currency, the FX revaluations' signed result. */
  fxResults: AmountRow[];
  fails: FailRow[];
  volumes: VolumeFigure[];
  executions: ExecutionRow[];
  exceptions: ExceptionRow[];
  exceptionReasons: ExceptionReasonRow[];
  deadLetters: DeadLetterRow[];
  breaks: BreakRow[];
}

export interface CurrencyAmount {
  currency: string;
  amount: string;
}

export interface PeriodFigures extends Omit<DayTradeCounts, 'date'> {
  from: string;
  to: string;
  stpRate: string | null;
  instructed: number;
  matched: number;
  settled: number;
  partiallySettled: number;
  settledValue: CurrencyAmount[];
  settlementEfficiency: {
    due: number;
    settledOnTime: number;
    rate: string | null;
    byValue: Array<{ currency: string; due: string; settledOnTime: string; rate: string | null }>;
  };
  penalties: { payable: Array<CurrencyAmount & { count: number }>; receivable: Array<CurrencyAmount & { count: number }> };
  /** Avis d'opéré first sent in the period, and of those the ones sent after their deadline. */
  avisSent: number;
  avisLate: number;
  /** The FX revaluations' result in the period, signed (a gain positive). */
  fxResult: CurrencyAmount[];
  /** Failing at the end of `to`. */
  failing: number;
  /** received = captured + amended + cancelled + stale + exceptions + duplicates. */
  executions: { received: number; captured: number; amended: number; cancelled: number; stale: number; exceptions: number; duplicates: number };
  exceptions: { total: number; byKind: KindCount[]; byReason: Array<KindCount & { field: string; rule: string }> };
  deadLetters: { total: number; byTopic: Array<{ topic: string; count: number }> };
  /** Opened, closed in the period; open at the end of `to`. */
  breaks: { opened: number; closed: number; open: number };
}

export interface KindCount {
  kind: string;
  count: number;
}

export interface VolumeLine {
  key: string;
  name: string | null;
  currency: string;
  day: { trades: number; grossAmount: string };
  month: { trades: number; grossAmount: string };
}

export interface TrendPoint {
  date: string;
  captured: number;
  validated: number;
  stpRate: string | null;
  settled: number;
  failing: number;
  settlementEfficiency: string | null;
}

export interface ActivityReport {
  businessDate: string;
  previousBusinessDate: string;
  monthStart: string;
  day: PeriodFigures;
  previousDay: PeriodFigures;
  month: PeriodFigures;
  fails: {
    asOf: string;
    total: number;
    value: CurrencyAmount[];
    byReason: Array<{ reason: string; count: number }>;
    byAge: Array<{ bucket: AgeBucket; count: number }>;
  };
  volumes: { byInstrument: VolumeLine[]; byVenue: VolumeLine[]; byAccount: VolumeLine[]; byCounterparty: VolumeLine[] };
  /** The reconciliation breaks open at the close of D, by reconciliation and by age. */
  breaks: {
    asOf: string;
    open: number;
    byKind: KindCount[];
    byAge: Array<{ bucket: AgeBucket; count: number }>;
  };
  trend: TrendPoint[];
}

export const TREND_BUSINESS_DAYS = 20;
export const AGE_BUCKETS = ['0', '1', '2-5', '6-10', '>10'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export function ageBucket(days: number): AgeBucket {
  if (days <= 0) return '0';
  if (days === 1) return '1';
  if (days <= 5) return '2-5';
  if (days <= 10) return '6-10';
  return '>10';
}

/** Business days of `calendar` after the intended date up to `asOf` (0 on the intended date itself). */
export function failAgeBusinessDays(intended: string, asOf: string, calendar: SettlementCalendar): number {
  let n = 0;
  for (let d = addDays(intended, 1), i = 0; d <= asOf && i < 3660; d = addDays(d, 1), i++) if (calendar.isBusinessDay(d)) n++;
  return n;
}

/** The first date of the window the database counts over: the month's start or the first trend day, whichever is earlier. */
export function reportWindow(businessDate: string, calendar: SettlementCalendar): { monthStart: string; trendDates: string[]; from: string } {
  const monthStart = `${businessDate.slice(0, 7)}-01`;
  // D, then the business days before it: one more than the trend, for the first day's change.
  const trendDates: string[] = [businessDate];
  for (let i = 0, cur = businessDate; trendDates.length < TREND_BUSINESS_DAYS + 1 && i < 200; i++) {
    cur = addDays(cur, -1);
    if (calendar.isBusinessDay(cur)) trendDates.push(cur);
  }
  trendDates.reverse();
  const from = trendDates[0]! < monthStart ? trendDates[0]! : monthStart;
  return { monthStart, trendDates, from };
}

/** The avis deadline of a trade (Delegated Regulation (EU) 2017/565 art. 59(4)): the first business day of `calendar` (TARGET) after the trade date. */
export const avisDeadline = (tradeDate: string, calendar: SettlementCalendar): string => addBusinessDays(tradeDate, 1, calendar);

const rate = (num: Dec | number, den: Dec | number): string | null => (new Dec(den).gt(0) ? new Dec(num).div(den).toFixed(4) : null);
const within = (date: string, from: string, to: string) => date >= from && date <= to;
const countBy = <T>(rows: T[], key: (r: T) => string, n: (r: T) => number): Array<[string, number]> => {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + n(r));
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
};
const sumBy = <T>(rows: T[], key: (r: T) => string, value: (r: T) => string): CurrencyAmount[] => {
  const m = new Map<string, Dec>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? new Dec(0)).plus(value(r)));
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, amount]) => ({ currency, amount: amount.toFixed(2) }));
};

function period(f: ActivityFigures, from: string, to: string, calendar: SettlementCalendar): PeriodFigures {
  const t = f.trades.filter((r) => within(r.date, from, to));
  const i = f.instructions.filter((r) => within(r.date, from, to));
  const due = f.due.filter((r) => within(r.date, from, to));
  const pen = f.penalties.filter((r) => within(r.date, from, to));
  const avis = f.avis.filter((r) => within(r.date, from, to));
  const n = <T>(rows: T[], k: (r: T) => number) => rows.reduce((a, r) => a + k(r), 0);
  const executions = f.executions.filter((r) => within(r.date, from, to));
  const outcome = (o: ExecutionOutcome) =>
    n(
      executions.filter((r) => r.outcome === o),
      (r) => r.count,
    );
  const exceptions = f.exceptions.filter((r) => within(r.date, from, to));
  const reasons = f.exceptionReasons.filter((r) => within(r.date, from, to));
  const deadLetters = f.deadLetters.filter((r) => within(r.date, from, to));
  const validated = n(t, (r) => r.validated);
  const straightThrough = n(t, (r) => r.straightThrough);
  const dueCount = n(due, (r) => r.due);
  const onTime = n(due, (r) => r.settledOnTime);
  const byCurrency = new Map<string, { due: Dec; onTime: Dec }>();
  for (const r of due) {
    const c = byCurrency.get(r.currency) ?? { due: new Dec(0), onTime: new Dec(0) };
    byCurrency.set(r.currency, { due: c.due.plus(r.dueAmount), onTime: c.onTime.plus(r.settledOnTimeAmount) });
  }
  const penalties = (direction: PenaltyRow['direction']) => {
    const rows = pen.filter((p) => p.direction === direction);
    return sumBy(
      rows,
      (p) => p.currency,
      (p) => p.amount,
    ).map((a) => ({
      ...a,
      count: n(
        rows.filter((p) => p.currency === a.currency),
        (p) => p.count,
      ),
    }));
  };
  return {
    from,
    to,
    captured: n(t, (r) => r.captured),
    cancelled: n(t, (r) => r.cancelled),
    amended: n(t, (r) => r.amended),
    confirmed: n(t, (r) => r.confirmed),
    validated,
    straightThrough,
    stpRate: rate(straightThrough, validated),
    instructed: n(i, (r) => r.instructed),
    matched: n(i, (r) => r.matched),
    settled: n(i, (r) => r.settled),
    partiallySettled: n(i, (r) => r.partiallySettled),
    settledValue: sumBy(
      f.settledValues.filter((r) => within(r.date, from, to)),
      (r) => r.currency,
      (r) => r.amount,
    ),
    settlementEfficiency: {
      due: dueCount,
      settledOnTime: onTime,
      rate: rate(onTime, dueCount),
      byValue: [...byCurrency.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, v]) => ({ currency, due: v.due.toFixed(2), settledOnTime: v.onTime.toFixed(2), rate: rate(v.onTime, v.due) })),
    },
    penalties: { payable: penalties('PAYABLE'), receivable: penalties('RECEIVABLE') },
    avisSent: n(avis, (r) => r.sent),
    avisLate: n(
      avis.filter((r) => r.tradeDate !== null && r.date > avisDeadline(r.tradeDate, calendar)),
      (r) => r.sent,
    ),
    fxResult: sumBy(
      f.fxResults.filter((r) => within(r.date, from, to)),
      (r) => r.currency,
      (r) => r.amount,
    ),
    failing: f.instructions.find((r) => r.date === to)?.failing ?? 0,
    executions: {
      // Each record received is exactly one of the six outcomes: their sum is what was received.
      received: n(executions, (r) => r.count),
      captured: outcome('CAPTURED'),
      amended: outcome('AMENDED'),
      cancelled: outcome('CANCELLED'),
      stale: outcome('STALE'),
      exceptions: outcome('EXCEPTION'),
      duplicates: outcome('DUPLICATE'),
    },
    exceptions: {
      total: n(exceptions, (r) => r.count),
      byKind: countBy(
        exceptions,
        (r) => r.kind,
        (r) => r.count,
      ).map(([kind, count]) => ({ kind, count })),
      byReason: countBy(
        reasons,
        (r) => JSON.stringify([r.kind, r.field, r.rule]),
        (r) => r.count,
      ).map(([k, count]) => {
        const [kind, field, rule] = JSON.parse(k) as [string, string, string];
        return { kind, field, rule, count };
      }),
    },
    deadLetters: {
      total: n(deadLetters, (r) => r.count),
      byTopic: countBy(
        deadLetters,
        (r) => r.topic,
        (r) => r.count,
      ).map(([topic, count]) => ({ topic, count })),
    },
    breaks: {
      opened: n(
        f.breaks.filter((b) => within(b.openedOn, from, to)),
        (b) => b.count,
      ),
      closed: n(
        f.breaks.filter((b) => b.closedOn !== null && within(b.closedOn, from, to)),
        (b) => b.count,
      ),
      open: n(openBreaks(f.breaks, to), (b) => b.count),
    },
  };
}

/** The breaks open at the end of `asOf`: opened by then, not closed by then. */
const openBreaks = (rows: BreakRow[], asOf: string) => rows.filter((b) => b.openedOn <= asOf && (b.closedOn === null || b.closedOn > asOf));

function volumeLines(f: ActivityFigures, dimension: VolumeDimension): VolumeLine[] {
  return f.volumes
    .filter((v) => v.dimension === dimension)
    .sort((a, b) => (a.key === b.key ? (a.currency < b.currency ? -1 : 1) : a.key < b.key ? -1 : 1))
    .map((v) => ({
      key: v.key,
      name: v.name,
      currency: v.currency,
      day: { trades: v.dayTrades, grossAmount: new Dec(v.dayGrossAmount).toFixed(2) },
      month: { trades: v.monthTrades, grossAmount: new Dec(v.monthGrossAmount).toFixed(2) },
    }));
}

export function activityReport(f: ActivityFigures, calendar: SettlementCalendar): ActivityReport {
  const D = f.businessDate;
  const { monthStart, trendDates } = reportWindow(D, calendar);
  const previous = trendDates[trendDates.length - 2]!;
  const byReason = new Map<string, number>();
  const byAge = new Map<AgeBucket, number>(AGE_BUCKETS.map((b) => [b, 0]));
  for (const x of f.fails) {
    byReason.set(x.reason, (byReason.get(x.reason) ?? 0) + 1);
    const b = ageBucket(failAgeBusinessDays(x.intendedSettlementDate, D, calendar));
    byAge.set(b, byAge.get(b)! + 1);
  }
  const open = openBreaks(f.breaks, D);
  const breaksByAge = new Map<AgeBucket, number>(AGE_BUCKETS.map((b) => [b, 0]));
  for (const b of open) {
    const bucket = ageBucket(failAgeBusinessDays(b.openedOn, D, calendar));
    breaksByAge.set(bucket, breaksByAge.get(bucket)! + b.count);
  }
  const trend = trendDates.slice(-TREND_BUSINESS_DAYS).map((date): TrendPoint => {
    const p = period(f, date, date, calendar);
    return {
      date,
      captured: p.captured,
      validated: p.validated,
      stpRate: p.stpRate,
      settled: p.settled,
      failing: p.failing,
      settlementEfficiency: p.settlementEfficiency.rate,
    };
  });
  return {
    businessDate: D,
    previousBusinessDate: previous,
    monthStart,
    day: period(f, D, D, calendar),
    previousDay: period(f, previous, previous, calendar),
    month: period(f, monthStart, D, calendar),
    fails: {
      asOf: D,
      total: f.fails.length,
      value: sumBy(
        f.fails,
        (x) => x.currency,
        (x) => x.amount,
      ),
      byReason: [...byReason.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, count]) => ({ reason, count })),
      byAge: [...byAge.entries()].map(([bucket, count]) => ({ bucket, count })),
    },
    volumes: {
      byInstrument: volumeLines(f, 'instrument'),
      byVenue: volumeLines(f, 'venue'),
      byAccount: volumeLines(f, 'account'),
      byCounterparty: volumeLines(f, 'counterparty'),
    },
    breaks: {
      asOf: D,
      open: open.reduce((a, b) => a + b.count, 0),
      byKind: countBy(
        open,
        (b) => b.kind,
        (b) => b.count,
      ).map(([kind, count]) => ({ kind, count })),
      byAge: [...breaksByAge.entries()].map(([bucket, count]) => ({ bucket, count })),
    },
    trend,
  };
}

const csvCell = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * One CSV (`;`, CRLF, `.` decimals): `section;period;key;name;currency;count;value` — every figure of
 * the report on its own row; period is `day`, `previous_day`, `month`, a trend date, or the fail date.
 */
export function activityCsv(r: ActivityReport): string {
  const rows: string[][] = [['section', 'period', 'key', 'name', 'currency', 'count', 'value']];
  const add = (section: string, periodName: string, key: string, count: number | string, value = '', currency = '', name = '') =>
    rows.push([section, periodName, key, name, currency, String(count), value]);
  for (const [name, p] of [
    ['day', r.day],
    ['previous_day', r.previousDay],
    ['month', r.month],
  ] as const) {
    for (const k of [
      'captured',
      'cancelled',
      'amended',
      'confirmed',
      'validated',
      'straightThrough',
      'instructed',
      'matched',
      'settled',
      'partiallySettled',
      'failing',
      'avisSent',
      'avisLate',
    ] as const)
      add('counts', name, k, p[k]);
    add('stp_rate', name, 'straight_through/validated', `${p.straightThrough}/${p.validated}`, p.stpRate ?? '');
    add(
      'settlement_efficiency',
      name,
      'settled_on_time/due',
      `${p.settlementEfficiency.settledOnTime}/${p.settlementEfficiency.due}`,
      p.settlementEfficiency.rate ?? '',
    );
    for (const v of p.settlementEfficiency.byValue) add('settlement_efficiency_value', name, `${v.settledOnTime}/${v.due}`, '', v.rate ?? '', v.currency);
    for (const v of p.settledValue) add('settled_value', name, 'settled', '', v.amount, v.currency);
    for (const v of p.fxResult) add('fx_result', name, 'revaluation', '', v.amount, v.currency);
    for (const v of p.penalties.payable) add('penalties', name, 'PAYABLE', v.count, v.amount, v.currency);
    for (const v of p.penalties.receivable) add('penalties', name, 'RECEIVABLE', v.count, v.amount, v.currency);
    for (const k of ['received', 'captured', 'amended', 'cancelled', 'stale', 'exceptions', 'duplicates'] as const) add('executions', name, k, p.executions[k]);
    add('exceptions', name, 'total', p.exceptions.total);
    for (const x of p.exceptions.byKind) add('exceptions_by_kind', name, x.kind, x.count);
    for (const x of p.exceptions.byReason) add('exceptions_by_reason', name, `${x.kind}/${x.field}`, x.count, '', '', x.rule);
    add('dead_letters', name, 'total', p.deadLetters.total);
    for (const x of p.deadLetters.byTopic) add('dead_letters_by_topic', name, x.topic, x.count);
    for (const k of ['opened', 'closed', 'open'] as const) add('breaks', name, k, p.breaks[k]);
  }
  for (const x of r.fails.byReason) add('fails_by_reason', r.fails.asOf, x.reason, x.count);
  for (const x of r.fails.byAge) add('fails_by_age_business_days', r.fails.asOf, x.bucket, x.count);
  for (const v of r.fails.value) add('fails_value', r.fails.asOf, 'to_settle', '', v.amount, v.currency);
  for (const x of r.breaks.byKind) add('breaks_open_by_kind', r.breaks.asOf, x.kind, x.count);
  for (const x of r.breaks.byAge) add('breaks_open_by_age_business_days', r.breaks.asOf, x.bucket, x.count);
  for (const [section, list] of [
    ['volume_by_instrument', r.volumes.byInstrument],
    ['volume_by_venue', r.volumes.byVenue],
    ['volume_by_account', r.volumes.byAccount],
    ['volume_by_counterparty', r.volumes.byCounterparty],
  ] as const)
    for (const v of list) {
      add(section, 'day', v.key, v.day.trades, v.day.grossAmount, v.currency, v.name ?? '');
      add(section, 'month', v.key, v.month.trades, v.month.grossAmount, v.currency, v.name ?? '');
    }
  for (const t of r.trend) {
    add('trend', t.date, 'captured', t.captured);
    add('trend', t.date, 'validated', t.validated, t.stpRate ?? '');
    add('trend', t.date, 'settled', t.settled, t.settlementEfficiency ?? '');
    add('trend', t.date, 'failing', t.failing);
  }
  return rows.map((row) => row.map(csvCell).join(';')).join('\r\n') + '\r\n';
}
