import { physicalTopic, Topics } from '@postera/contracts';
import { addBusinessDays, addDays, TARGET, type SettlementCalendar } from '@postera/kernel';
import { committedOffsets, endOffsets } from '@postera/testing';
import { PEOPLE } from './auth.js';
import { getJson, postJson, waitUntil } from './http.js';
import type { Stack } from './stack.js';
import { referentialImport } from './sample.js';

export interface EodSummary {
  businessDate: string | null;
  capture: {
    consumed: number;
    captured: number;
    amended: number;
    cancelled: number;
    stale: number;
    exceptions: number;
    duplicates: number;
    /** Where the trades (cancelled ones aside) stand with their counterparty's confirmation; the parts add up to `trades`. */
    confirmations: {
      trades: number;
      confirmed: number;
      pending: number;
      mismatched: number;
      unconfirmedAtClose: number;
      validatedWithoutConfirmation: number;
      /** The confirmation messages read, by their outcome on arrival (consumed = the rest added up). */
      receipts: { consumed: number; matchedOnArrival: number; pendingOnArrival: number; exceptions: number; duplicates: number };
    };
    confirmed: number;
    validated: number;
    unconfirmed: number;
    openExceptions: Record<string, number>;
  };
  settlement: { instructed: number; byStatus: Record<string, number>; settled: number; failing: number; failsByReason: Record<string, number> };
  accounting: {
    entries: number;
    parkedSettlements: number;
    balanced: boolean;
    perCurrency: Array<{ currency: string; debit: string; credit: string; balanced: boolean }>;
  };
  reporting: {
    captured: number;
    instructed: number;
    settled: number;
    failing: number;
    settlementEfficiency: string | null;
    journalEntries: number;
    declarations?: { runsFiled: Record<string, number>; mifirReports: Record<string, number> };
  };
  notification: {
    sent: number;
    pending: number;
    retrying?: number;
    failed: number;
    skipped?: number;
    byChannel?: Record<string, { sent: number; pending: number; retrying: number; failed: number }>;
  };
}

/**
 * Loads the sample referential; `webhookUrl` points its clients' webhook contacts at a local receiver
 * (the demo's). An import needs two people: the devstack signs as the gateway would for a proposal of
 * the demo operator approved by the demo supervisor (capture records both).
 */
export async function loadSampleReferential(stack: Stack, o: { webhookUrl?: string } = {}): Promise<void> {
  const referential = referentialImport() as { accounts?: Array<{ contacts?: Array<{ channel: string; address: string }> }> };
  if (o.webhookUrl) {
    for (const a of referential.accounts ?? []) for (const c of a.contacts ?? []) if (c.channel === 'WEBHOOK') c.address = o.webhookUrl;
  }
  const url = `${stack.url('capture')}/referential/import`;
  await postJson(url, referential, await stack.as(PEOPLE.supervisor, 'POST', url, { proposal: 'devstack-sample-referential', maker: PEOPLE.operator }));
}

export async function openDay(stack: Stack, businessDate: string) {
  return postJson(`${stack.url('gateway')}/api/business-day/open`, { businessDate }, await stack.auth(['supervisor']));
}

export async function closeDay(stack: Stack, businessDate: string) {
  return postJson(`${stack.url('gateway')}/api/business-day/close`, { businessDate }, await stack.auth(['supervisor']));
}

/**
 * Waits until reporting has taken the close of `lastClosed` (its end-of-day report exists) and has
 * filed the month's declarations (TTF and the two Banque de France reports) at the close of the
 * month's last business day; returns the versions filed (a version above 1 is a correction filed at
 * the next month's first close).
 */
export async function waitForDeclarations(
  stack: Stack,
  month: string,
  lastClosed: string,
  timeoutMs: number,
  progress: (detail: string) => void = () => undefined,
): Promise<Record<string, number>> {
  const versions: Record<string, number> = {};
  await waitUntil(
    async () => {
      progress(`waiting for reporting to take the close of ${lastClosed}`);
      return (await fetch(`${stack.url('gateway')}/api/eod-reports/${lastClosed}`, { headers: await stack.auth(['operator']) })).ok;
    },
    `reporting to take the close of ${lastClosed}`,
    timeoutMs,
  );
  await waitUntil(
    async () => {
      for (const kind of ['TTF', 'BDF_BOP', 'BDF_HOLDINGS']) {
        const runs = await getJson<Array<{ version: number }>>(
          `${stack.url('gateway')}/api/reports/runs?kind=${kind}&period=${month}-01`,
          await stack.auth(['operator']),
        );
        versions[kind] = Math.max(0, ...runs.map((r) => r.version));
      }
      progress(
        `filed ${Object.values(versions).filter((v) => v > 0).length}/3 (${Object.entries(versions)
          .map(([k, v]) => `${k} ${v > 0 ? `v${v}` : 'not yet'}`)
          .join(', ')})`,
      );
      return Object.values(versions).every((v) => v > 0);
    },
    `the declarations of ${month} filed at its last close`,
    timeoutMs,
  );
  return versions;
}

/** The business days the demo runs: the trade date rolled through settlement, then what follows it. */
export interface DemoPlan {
  tradeDate: string;
  /** The settlement date: the last business day of a month, so the month's declarations are filed at its close. */
  monthEnd: string;
  /** The next month's first business day when it has come: its close files the declarations' corrections. */
  after: string[];
}

/**
 * The demo's days, all up to today: the trade date is the one whose T+cycleDays settlement falls on
 * the last business day of the latest month ended by today, so the month's TTF and Banque de France
 * declarations are filed at that close, as in production; the next month's first business day is
 * then closed too (when it has come), so what the CSD settled at the month's last close reaches the
 * declarations as a correction. Saturday 2026-12-05 (TARGET, T+2): trade date Thursday 26 Nov,
 * settlement Monday 30 Nov, then Tuesday 1 Dec.
 */
export function demoPlan(today: string, cycleDays: number, calendar: SettlementCalendar = TARGET): DemoPlan {
  const last = businessDayOnOrBefore(today, calendar);
  const lastOfMonth = (d: string) => addBusinessDays(d, 1, calendar).slice(0, 7) !== d.slice(0, 7);
  const monthEnd = lastOfMonth(last) ? last : businessDayOnOrBefore(addDays(`${last.slice(0, 7)}-01`, -1), calendar);
  const next = addBusinessDays(monthEnd, 1, calendar);
  return { tradeDate: demoTradeDate(monthEnd, cycleDays, calendar), monthEnd, after: next <= today ? [next] : [] };
}

export async function eodSummary(stack: Stack, businessDate?: string): Promise<EodSummary> {
  return getJson<EodSummary>(`${stack.url('gateway')}/api/eod-summary${businessDate ? `?businessDate=${businessDate}` : ''}`, await stack.auth(['operator']));
}

/**
 * Waits until capture has accounted for every published execution and confirmation, and every
 * validated trade has been instructed and acknowledged by the simulated CSD.
 */
export async function waitForCapturedAndInstructed(
  stack: Stack,
  published: number,
  timeoutMs: number,
  confirmationsPublished = 0,
  progress: (detail: string) => void = () => undefined,
): Promise<EodSummary> {
  let last: EodSummary | null = null;
  await waitUntil(
    async () => {
      last = await eodSummary(stack);
      const c = last.capture;
      const s = last.settlement;
      const acknowledged =
        (s.byStatus.MATCHED ?? 0) + (s.byStatus.UNMATCHED ?? 0) + (s.byStatus.SETTLED ?? 0) + (s.byStatus.FAILING ?? 0) + (s.byStatus.REJECTED ?? 0);
      progress(
        `consumed ${c.consumed}/${published}, confirmations ${c.confirmations.receipts.consumed}/${confirmationsPublished}, ` +
          `instructed ${s.instructed}/${c.validated} validated, acknowledged by the CSD ${acknowledged}`,
      );
      return (
        c.consumed >= published && c.confirmations.receipts.consumed >= confirmationsPublished && s.instructed === c.validated && acknowledged === s.instructed
      );
    },
    `capture of ${published} messages and their instructions`,
    timeoutMs,
  );
  return last!;
}

/** Today's date in UTC (YYYY-MM-DD): the clock the services stamp their records with. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The closest business day on or before date. */
function businessDayOnOrBefore(date: string, calendar: SettlementCalendar): string {
  let d = date;
  for (let i = 0; i < 30 && !calendar.isBusinessDay(d); i++) d = addDays(d, -1);
  if (!calendar.isBusinessDay(d)) throw new Error(`no ${calendar.code} business day within 30 days before ${date}`);
  return d;
}

/**
 * The demo's trade date: the latest one whose whole cycle — the trade date and each of the
 * `cycleDays` business days rolled after it — falls on or before today, so that no day is opened,
 * booked or validated before it has come (a journal line validated on 2026-12-05 cannot carry an
 * entry date of 2026-12-09). The cycle ends on the last business day up to today. Saturday
 * 2026-12-05 → settlement Friday 04 Dec, trade date Wednesday 02 Dec (TARGET, T+2).
 */
export function demoTradeDate(today: string, cycleDays: number, calendar: SettlementCalendar = TARGET): string {
  let day = businessDayOnOrBefore(today, calendar);
  for (let i = 0; i < cycleDays; i++) day = businessDayOnOrBefore(addDays(day, -1), calendar);
  return day;
}

/**
 * Why a trade date asked for cannot run the demo's cycle today, or null when it can: it must be a
 * business day, and its last rolled day (trade date + cycleDays business days) must not be after today.
 */
export function demoTradeDateProblem(tradeDate: string, today: string, cycleDays: number, calendar: SettlementCalendar = TARGET): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(tradeDate)) return `${tradeDate} is not a date (YYYY-MM-DD)`;
  if (!calendar.isBusinessDay(tradeDate)) return `${tradeDate} is not a ${calendar.code} business day`;
  const end = addBusinessDays(tradeDate, cycleDays, calendar);
  if (end > today)
    return `the cycle of ${tradeDate} (T+${cycleDays}, ${calendar.code}) ends on ${end}, after today ${today}; the latest trade date that fits is ${demoTradeDate(today, cycleDays, calendar)}`;
  return null;
}

/**
 * Closes the trade date and every business day up to the last intended settlement date, so the
 * simulated CSD settles (or fails) everything due; returns the settlement date reached. Refuses a
 * cycle that would open a day after `today`.
 */
export async function runDaysThroughSettlement(
  stack: Stack,
  tradeDate: string,
  cycleDays: number,
  timeoutMs: number,
  o: { today?: string; progress?: (detail: string) => void } = {},
): Promise<string> {
  const today = o.today ?? todayUtc();
  const progress = o.progress ?? (() => undefined);
  const problem = demoTradeDateProblem(tradeDate, today, cycleDays);
  if (problem) throw new Error(`cannot run the days through settlement: ${problem}`);
  let day = tradeDate;
  progress(`closing ${day}`);
  await closeDay(stack, day);
  for (let i = 0; i < cycleDays; i++) {
    day = addBusinessDays(day, 1, TARGET);
    progress(`opening and closing ${day}`);
    await openDay(stack, day);
    await closeDay(stack, day);
  }
  await waitUntil(
    async () => {
      const s = await eodSummary(stack, day);
      progress(
        `settled ${s.settlement.settled} + failing ${s.settlement.failing} + unmatched ${s.settlement.byStatus.UNMATCHED ?? 0} of ${s.settlement.instructed} instructed; ` +
          `reporting ${s.reporting.settled} settled, accounting ${s.accounting.parkedSettlements} parked`,
      );
      return (
        s.settlement.settled + s.settlement.failing + (s.settlement.byStatus.UNMATCHED ?? 0) === s.settlement.instructed &&
        s.reporting.settled === s.settlement.settled &&
        s.accounting.parkedSettlements === 0
      );
    },
    `settlement of every instruction due by ${day}`,
    timeoutMs,
  );
  return day;
}

/**
 * Waits until notification has read every trade and settlement event published so far and every
 * email owed has gone out (webhooks to an unreachable client keep retrying on their own schedule).
 */
export async function waitForNotifications(stack: Stack, timeoutMs: number, progress: (detail: string) => void = () => undefined): Promise<void> {
  const caughtUp = async (consumer: string, topic: string) => {
    const physical = physicalTopic(stack.o.topicPrefix, topic);
    const [committed, end] = await Promise.all([committedOffsets(`${stack.o.groupPrefix}.notification.${consumer}`, physical), endOffsets(physical)]);
    return [...end].every(([p, high]) => high === '0' || committed.get(p) === high);
  };
  await waitUntil(
    async () => {
      if (!(await caughtUp('trade-events', Topics.tradeEvents)) || !(await caughtUp('settlement-events', Topics.settlementEvents))) {
        progress('reading the trade and settlement events');
        return false;
      }
      const email = (await eodSummary(stack)).notification.byChannel?.EMAIL;
      progress(email ? `emails pending ${email.pending}, retrying ${email.retrying}` : 'no email owed');
      return !email || email.pending + email.retrying === 0;
    },
    'client notices to be sent',
    timeoutMs,
  );
}

export function formatSummary(s: EodSummary, extra: { published: number; businessDate: string }): string {
  const pad = (label: string) => `  ${label.padEnd(30, ' ')}`;
  const lines = [
    `Postera — end of day ${extra.businessDate}`,
    `${pad('messages received')}${extra.published}`,
    // Every record read is counted once: the parts add up to what capture consumed.
    `${pad('executions consumed')}${s.capture.consumed} = captured ${s.capture.captured} + amended ${s.capture.amended} + cancelled ${s.capture.cancelled} + stale ${s.capture.stale} + exceptions ${s.capture.exceptions} + duplicates ${s.capture.duplicates}`,
    `${pad('captured')}${s.capture.captured}`,
    `${pad('exceptions (to work)')}${s.capture.exceptions}`,
    `${pad('duplicates ignored')}${s.capture.duplicates}`,
    // Where the trades stand now, counted over trades (not over the confirmation messages).
    `${pad('trades to confirm')}${s.capture.confirmations.trades}`,
    `${pad('  confirmed by counterparty')}${s.capture.confirmations.confirmed}`,
    `${pad('  pending (awaiting)')}${s.capture.confirmations.pending}`,
    `${pad('  mismatched (to work)')}${s.capture.confirmations.mismatched}`,
    `${pad('  unconfirmed at close')}${s.capture.confirmations.unconfirmedAtClose}`,
    ...(s.capture.confirmations.validatedWithoutConfirmation
      ? [`${pad('  validated by hand, unconfirmed')}${s.capture.confirmations.validatedWithoutConfirmation}`]
      : []),
    `${pad('confirmation messages')}${s.capture.confirmations.receipts.consumed} (on arrival: matched ${s.capture.confirmations.receipts.matchedOnArrival}, before their trade ${s.capture.confirmations.receipts.pendingOnArrival}, exceptions ${s.capture.confirmations.receipts.exceptions}, duplicates ${s.capture.confirmations.receipts.duplicates})`,
    `${pad('validated (straight through)')}${s.capture.validated}`,
    `${pad('instructed')}${s.settlement.instructed}`,
    `${pad('settled')}${s.settlement.settled}`,
    `${pad('failed')}${s.settlement.failing}${
      Object.keys(s.settlement.failsByReason).length
        ? ` (${Object.entries(s.settlement.failsByReason)
            .map(([r, n]) => `${r} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `${pad('settlement efficiency')}${s.reporting.settlementEfficiency ?? 'n/a'}`,
    `${pad('journal entries')}${s.accounting.entries}`,
    ...s.accounting.perCurrency.map(
      (c) => `${pad(`journal ${c.currency}`)}debit ${c.debit} = credit ${c.credit} → ${c.balanced ? 'balanced' : 'NOT BALANCED'}`,
    ),
    `${pad('declarations produced')}${
      s.reporting.declarations
        ? Object.entries(s.reporting.declarations.runsFiled)
            .map(([kind, n]) => `${kind} ${n}`)
            .join(', ')
        : 'n/a'
    }${s.reporting.declarations ? ` (MiFIR reports filed: ${s.reporting.declarations.mifirReports.FILED ?? 0})` : ''}`,
    `${pad('client notices sent')}${s.notification.sent}${s.notification.failed ? ` (${s.notification.failed} failed)` : ''}${s.notification.pending ? ` (${s.notification.pending} pending)` : ''}${
      s.notification.byChannel?.WEBHOOK?.retrying ? ` (${s.notification.byChannel.WEBHOOK.retrying} webhooks retrying: client endpoint unreachable)` : ''
    }`,
  ];
  return lines.join('\n');
}
