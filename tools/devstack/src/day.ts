import { physicalTopic, Topics } from '@postera/contracts';
import { addBusinessDays, TARGET } from '@postera/kernel';
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
    confirmations: { consumed: number; matched: number; pending: number; exceptions: number };
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

/** Files the month's declarations now (TTF, Banque de France), as a supervisor would through the gateway. */
export async function fileMonthlyDeclarations(stack: Stack, month: string): Promise<void> {
  for (const kind of ['TTF', 'BDF_BOP']) {
    await postJson(`${stack.url('gateway')}/api/reports/runs`, { kind, period: month }, await stack.auth(['supervisor'], 'demo-supervisor'));
  }
}

export async function eodSummary(stack: Stack, businessDate?: string): Promise<EodSummary> {
  return getJson<EodSummary>(`${stack.url('gateway')}/api/eod-summary${businessDate ? `?businessDate=${businessDate}` : ''}`, await stack.auth(['operator']));
}

/**
 * Waits until capture has accounted for every published execution and confirmation, and every
 * validated trade has been instructed and acknowledged by the simulated CSD.
 */
export async function waitForCapturedAndInstructed(stack: Stack, published: number, timeoutMs: number, confirmationsPublished = 0): Promise<EodSummary> {
  let last: EodSummary | null = null;
  await waitUntil(
    async () => {
      last = await eodSummary(stack);
      const c = last.capture;
      const s = last.settlement;
      const acknowledged =
        (s.byStatus.MATCHED ?? 0) + (s.byStatus.UNMATCHED ?? 0) + (s.byStatus.SETTLED ?? 0) + (s.byStatus.FAILING ?? 0) + (s.byStatus.REJECTED ?? 0);
      return c.consumed >= published && c.confirmations.consumed >= confirmationsPublished && s.instructed === c.validated && acknowledged === s.instructed;
    },
    `capture of ${published} messages and their instructions`,
    timeoutMs,
  );
  return last!;
}

/**
 * Closes the trade date and every business day up to the last intended settlement date, so the
 * simulated CSD settles (or fails) everything due; returns the settlement date reached.
 */
export async function runDaysThroughSettlement(stack: Stack, tradeDate: string, cycleDays: number, timeoutMs: number): Promise<string> {
  let day = tradeDate;
  await closeDay(stack, day);
  for (let i = 0; i < cycleDays; i++) {
    day = addBusinessDays(day, 1, TARGET);
    await openDay(stack, day);
    await closeDay(stack, day);
  }
  await waitUntil(
    async () => {
      const s = await eodSummary(stack, day);
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
export async function waitForNotifications(stack: Stack, timeoutMs: number): Promise<void> {
  const caughtUp = async (consumer: string, topic: string) => {
    const physical = physicalTopic(stack.o.topicPrefix, topic);
    const [committed, end] = await Promise.all([committedOffsets(`${stack.o.groupPrefix}.notification.${consumer}`, physical), endOffsets(physical)]);
    return [...end].every(([p, high]) => high === '0' || committed.get(p) === high);
  };
  await waitUntil(
    async () => {
      if (!(await caughtUp('trade-events', Topics.tradeEvents)) || !(await caughtUp('settlement-events', Topics.settlementEvents))) return false;
      const email = (await eodSummary(stack)).notification.byChannel?.EMAIL;
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
    `${pad('captured')}${s.capture.captured}`,
    `${pad('exceptions (to work)')}${s.capture.exceptions}`,
    `${pad('duplicates ignored')}${s.capture.duplicates}`,
    `${pad('confirmed by counterparty')}${s.capture.confirmed}`,
    `${pad('validated (straight through)')}${s.capture.validated}`,
    `${pad('unconfirmed at close')}${s.capture.unconfirmed}`,
    // From the exceptions queue, not the receipts: a confirmation that came before its trade was PENDING on receipt.
    `${pad('confirmation exceptions')}${s.capture.openExceptions.CONFIRMATION ?? 0}`,
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
