import { envelope, Topics, type ReconciliationBreakClosedV1, type ReconciliationBreakOpenedV1 } from '@postera/contracts';
import { addDays, deterministicId, type SettlementCalendar } from '@postera/kernel';
import { appendToOutbox, readCalendar, type OutgoingEvent } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import { ageInBusinessDays, breakKey, closingRun, type Comparison, type OpenBreak } from '../domain/compare.js';
import type { RowProblem } from '../domain/statements.js';

export interface RunReport {
  runId: string;
  kind: 'HOLDINGS' | 'CASH' | 'PNL';
  subject: string;
  asOf: string;
  basis?: string;
  rowsChecked: number;
  matched: number;
  breaks: Array<{ breakId: string; item: string; field: string; ours: string | null; theirs: string | null; difference: string | null; status: string }>;
  /** Breaks of earlier runs this one no longer finds, closed by it. */
  closed: Array<{ breakId: string; item: string; field: string; firstSeen: string }>;
  errors: Array<RowProblem | { row: 0; problem: string }>;
  /** What the reader made of the statement reconciled (an uploaded file's answer shows it); absent when it could not be read. */
  statement?: StatementRead;
}

/** A statement as read: whose it is, of when, and how much of it the run compared. */
export type StatementRead =
  | { kind: 'HOLDINGS'; statementId: string; safekeepingAccount: string; statementDate: string; basis: string; holdings: number }
  | {
      kind: 'CASH';
      statementId: string;
      cashAccount: string;
      currency: string;
      statementDate: string;
      openingBalance: string;
      closingBalance: string;
      entries: number;
      bookedOnStatementDate: number;
    };

/**
 * Records a run and its breaks. A break already open for the same item and field in the same
 * reconciliation (from an earlier run) is kept, not duplicated: its age counts from the day it was
 * first seen. One the run no longer finds is closed by it (compare.ts closingRun), unless the run
 * could not read everything it was given (a row in error proves nothing).
 */
export async function recordRun(
  tx: EntityManager,
  r: { runId: string; kind: RunReport['kind']; subject: string; asOf: string; basis?: string },
  c: Comparison,
  errors: RunReport['errors'],
): Promise<RunReport> {
  const report: RunReport = { ...r, rowsChecked: c.checked, matched: c.matched, breaks: [], closed: [], errors };
  const open = (await tx.query(
    `SELECT break_id AS "breakId", kind, subject, to_char(as_of, 'YYYY-MM-DD') AS "asOf", item, field, status
       FROM accounting.recon_breaks WHERE kind = $1 AND subject = $2 AND status IN ('OPEN', 'INVESTIGATING') FOR UPDATE`,
    [r.kind, r.subject],
  )) as OpenBreak[];
  const { kept, closed } = closingRun(open, r, c.breaks);
  const fresh: Array<RunReport['breaks'][number]> = [];
  for (const b of c.breaks) {
    const existing = kept.get(breakKey(b));
    const row = { breakId: existing?.breakId ?? deterministicId('break', r.runId, b.item, b.field), ...b, status: existing?.status ?? 'OPEN' };
    report.breaks.push(row);
    if (!existing) fresh.push(row);
  }
  if (errors.length === 0) report.closed = closed.map((b) => ({ breakId: b.breakId, item: b.item, field: b.field, firstSeen: b.asOf }));
  await tx.query(
    `INSERT INTO accounting.recon_runs (run_id, kind, subject, as_of, rows_checked, matched, breaks, errors, report) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [r.runId, r.kind, r.subject, r.asOf, c.checked, c.matched, c.breaks.length, JSON.stringify(errors), JSON.stringify(report)],
  );
  if (fresh.length > 0) {
    await tx.query(
      `INSERT INTO accounting.recon_breaks (break_id, run_id, kind, subject, item, field, ours, theirs, difference, as_of)
       SELECT b, $1, $2, $3, i, f, o, t, d, $4 FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS x(b, i, f, o, t, d)`,
      [
        r.runId,
        r.kind,
        r.subject,
        r.asOf,
        fresh.map((b) => b.breakId),
        fresh.map((b) => b.item),
        fresh.map((b) => b.field),
        fresh.map((b) => b.ours),
        fresh.map((b) => b.theirs),
        fresh.map((b) => b.difference),
      ],
    );
  }
  await announceBreaks(tx, r, fresh, report.closed);
  if (report.closed.length > 0) {
    const ids = report.closed.map((b) => b.breakId);
    await tx.query(`UPDATE accounting.recon_breaks SET status = 'CLOSED', closed_by_run = $2, closed_on = $3 WHERE break_id = ANY($1::uuid[])`, [
      ids,
      r.runId,
      r.asOf,
    ]);
    await tx.query(
      `INSERT INTO accounting.break_actions (break_id, by_user, from_status, to_status, comment)
       SELECT b.break_id, 'reconciliation', b.from_status, 'CLOSED', $2 FROM unnest($1::uuid[], $3::text[]) AS b(break_id, from_status)`,
      [ids, `not found by the ${r.kind} run ${r.runId} as of ${r.asOf}`, report.closed.map((b) => open.find((o) => o.breakId === b.breakId)!.status)],
    );
  }
  return report;
}

/**
 * The breaks' life on accounting.events.v1, in the run's transaction (the outbox): each break the run
 * opened and each it closed, dated by the day the run reconciled, so that reporting counts the open
 * breaks, their age and those closed per day. Keyed by the reconciliation (`RECON:<kind>:<subject>`):
 * one break's opening comes before its closing on one partition. A break two people resolve is
 * announced closed by announceBreakResolved.
 */
async function announceBreaks(
  tx: EntityManager,
  r: { runId: string; kind: RunReport['kind']; subject: string; asOf: string },
  opened: Array<{ breakId: string; item: string; field: string }>,
  closed: RunReport['closed'],
): Promise<void> {
  const key = `RECON:${r.kind}:${r.subject}`;
  const events: OutgoingEvent[] = [
    ...opened.map((b) => {
      const payload: ReconciliationBreakOpenedV1 = {
        breakId: b.breakId,
        runId: r.runId,
        kind: r.kind,
        subject: r.subject,
        item: b.item,
        field: b.field,
        openedOn: r.asOf,
      };
      return envelope({
        eventId: deterministicId('ReconciliationBreakOpened', b.breakId),
        type: 'ReconciliationBreakOpened',
        producer: 'accounting',
        correlationId: key,
        causationId: r.runId,
        payload,
      });
    }),
    ...closed.map((b) => {
      const payload: ReconciliationBreakClosedV1 = {
        breakId: b.breakId,
        closedBy: 'RUN',
        runId: r.runId,
        kind: r.kind,
        subject: r.subject,
        item: b.item,
        field: b.field,
        openedOn: b.firstSeen,
        closedOn: r.asOf,
      };
      return envelope({
        eventId: deterministicId('ReconciliationBreakClosed', b.breakId),
        type: 'ReconciliationBreakClosed',
        producer: 'accounting',
        correlationId: key,
        causationId: r.runId,
        payload,
      });
    }),
  ].map((event) => ({ topic: Topics.accountingEvents, key, event }));
  await appendToOutbox(tx, 'accounting', events);
}

/**
 * A break resolved by two people (maker and checker), announced as closed on `closedOn` (accounting's
 * business day), in the transaction that resolves it: a resolved break is never reopened, so the
 * reconciliation screen's "closed today" and reporting's count the same breaks.
 */
export async function announceBreakResolved(tx: EntityManager, breakId: string, closedOn: string): Promise<void> {
  const [b] = (await tx.query(
    `SELECT break_id::text AS "breakId", kind, subject, item, field, to_char(as_of, 'YYYY-MM-DD') AS "openedOn" FROM accounting.recon_breaks WHERE break_id::text = $1`,
    [breakId],
  )) as Array<Pick<ReconciliationBreakClosedV1, 'breakId' | 'kind' | 'subject' | 'item' | 'field' | 'openedOn'>>;
  if (!b) return;
  const key = `RECON:${b.kind}:${b.subject}`;
  const payload: ReconciliationBreakClosedV1 = { ...b, closedBy: 'RESOLVED', runId: null, closedOn };
  await appendToOutbox(tx, 'accounting', [
    {
      topic: Topics.accountingEvents,
      key,
      event: envelope({
        eventId: deterministicId('ReconciliationBreakClosed', b.breakId),
        type: 'ReconciliationBreakClosed',
        producer: 'accounting',
        correlationId: key,
        causationId: null,
        payload,
      }),
    },
  ]);
}

export async function storeStatement(
  tx: EntityManager,
  s: { statementId: string; kind: 'HOLDINGS' | 'CASH'; account: string; date: string; xml: string; source: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO accounting.statements (statement_id, kind, account, statement_date, xml, source) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [s.statementId, s.kind, s.account, s.date, s.xml, s.source],
  );
}

/**
 * The TARGET calendar breaks age on, as the referential last published it (refdata.calendars.v1,
 * kept in accounting.calendars): read once per request, every age of it counted on it.
 */
export const breakCalendar = (q: Pick<EntityManager, 'query'>): Promise<SettlementCalendar> => readCalendar(q, 'accounting', 'TARGET');

/** A break's age: business days of `calendar` from the day first seen to `today`. */
export function breakAge(asOf: string, today: string, calendar: SettlementCalendar): number {
  return ageInBusinessDays(asOf, today, (d) => calendar.isBusinessDay(d), addDays);
}
