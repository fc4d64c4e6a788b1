import { Injectable } from '@nestjs/common';
import { envelope, Topics, type CustodianStatementEvent, type ReconciliationBreakClosedV1, type ReconciliationBreakOpenedV1 } from '@postera/contracts';
import { addDays, Dec, deterministicId, newId, TARGET } from '@postera/kernel';
import { appendToOutbox, EnvelopeHandler, type BatchContext, type InboundMessage, type OutgoingEvent } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import { ageInBusinessDays, breakKey, closingRun, compareCash, compareHoldings, comparePnl, type Comparison, type OpenBreak } from '../domain/compare.js';
import { readCamt053, readSemt002, type RowProblem, type StatementXml } from '../domain/statements.js';

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
}

/**
 * Records a run and its breaks. A break already open for the same item and field in the same
 * reconciliation (from an earlier run) is kept, not duplicated: its age counts from the day it was
 * first seen. One the run no longer finds is closed by it (compare.ts closingRun), unless the run
 * could not read everything it was given (a row in error proves nothing).
 */
async function recordRun(
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

async function storeStatement(
  tx: EntityManager,
  s: { statementId: string; kind: 'HOLDINGS' | 'CASH'; account: string; date: string; xml: string; source: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO accounting.statements (statement_id, kind, account, statement_date, xml, source) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [s.statementId, s.kind, s.account, s.date, s.xml, s.source],
  );
}

/** Our holdings of an account on a date in the view the statement's basis names: SETT settled, CONT contractual settlement date, TRAD trade date. */
export async function holdingsView(tx: EntityManager, account: string, asOf: string, basis: 'CONT' | 'SETT' | 'TRAD'): Promise<Map<string, string>> {
  const rows = (
    basis === 'SETT'
      ? await tx.query(
          `SELECT isin, sum(quantity)::text AS q FROM accounting.settlement_steps WHERE account = $1 AND settlement_date <= $2 GROUP BY isin HAVING sum(quantity) <> 0`,
          [account, asOf],
        )
      : await tx.query(
          `SELECT isin, sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END)::text AS q FROM accounting.trades
           WHERE account = $1 AND status <> 'CANCELLED' AND ${basis === 'TRAD' ? 'trade_date' : 'settlement_date'} <= $2 GROUP BY isin
           HAVING sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END) <> 0`,
          [account, asOf],
        )
  ) as Array<{ isin: string; q: string }>;
  return new Map(rows.map((r) => [r.isin, r.q]));
}

/** semt.002 against our holdings; a document that cannot be read is a run with its error and no rows, never a crash. */
export async function reconcileHoldings(tx: EntityManager, account: string, statement: StatementXml, source: string, statementId?: string): Promise<RunReport> {
  const runId = newId();
  const xml = typeof statement === 'string' ? statement : statement.xml;
  let st;
  try {
    st = readSemt002(statement);
  } catch (e) {
    return recordRun(tx, { runId, kind: 'HOLDINGS', subject: account, asOf: new Date().toISOString().slice(0, 10) }, { checked: 0, matched: 0, breaks: [] }, [
      { row: 0, problem: `statement refused: ${(e as Error).message}` },
    ]);
  }
  await storeStatement(tx, { statementId: statementId ?? st.statementId, kind: 'HOLDINGS', account, date: st.statementDate, xml, source });
  const ours = await holdingsView(tx, account, st.statementDate, st.basis);
  const theirs = new Map(st.holdings.map((h) => [h.isin, h.quantity]));
  return recordRun(tx, { runId, kind: 'HOLDINGS', subject: account, asOf: st.statementDate, basis: st.basis }, compareHoldings(ours, theirs), st.problems);
}

/** Our cash of an account in a currency: its nostro (512000) lines up to the date, and each trade's movement on the date. */
export async function cashView(
  tx: EntityManager,
  account: string,
  currency: string,
  asOf: string,
): Promise<{ closingBalance: string; movements: Map<string, string> }> {
  const [closing] = (await tx.query(
    `SELECT coalesce(sum(l.debit - l.credit), 0)::text AS b FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     JOIN accounting.trades t ON t.trade_ref = e.trade_ref WHERE t.account = $1 AND l.currency = $2 AND l.account_code = '512000' AND e.accounting_date <= $3`,
    [account, currency, asOf],
  )) as Array<{ b: string }>;
  const moves = (await tx.query(
    `SELECT e.trade_ref AS ref, sum(l.debit - l.credit)::text AS m FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     JOIN accounting.trades t ON t.trade_ref = e.trade_ref WHERE t.account = $1 AND l.currency = $2 AND l.account_code = '512000' AND e.accounting_date = $3
     GROUP BY e.trade_ref HAVING sum(l.debit - l.credit) <> 0`,
    [account, currency, asOf],
  )) as Array<{ ref: string; m: string }>;
  return { closingBalance: closing?.b ?? '0', movements: new Map(moves.map((m) => [m.ref, m.m])) };
}

/**
 * camt.053 against our nostro, statement by statement (a bank may send several accounts or
 * currencies in one file): closing balance, then each booked movement of the statement date by
 * trade reference (a batch split by its transactions when they give their amounts; movements
 * without a reference summed under `(no reference)`). One run per statement; a file that cannot be
 * read is one run with its error and no rows, never a crash.
 */
export async function reconcileCash(tx: EntityManager, account: string, statement: StatementXml, source: string, statementId?: string): Promise<RunReport[]> {
  const xml = typeof statement === 'string' ? statement : statement.xml;
  let statements;
  try {
    statements = readCamt053(statement);
  } catch (e) {
    return [
      await recordRun(
        tx,
        { runId: newId(), kind: 'CASH', subject: account, asOf: new Date().toISOString().slice(0, 10) },
        { checked: 0, matched: 0, breaks: [] },
        [{ row: 0, problem: `statement refused: ${(e as Error).message}` }],
      ),
    ];
  }
  const runs: RunReport[] = [];
  for (const st of statements) {
    // The id the producer gave applies to a file of one statement; several are stored under their own.
    const id = statementId !== undefined && statements.length === 1 ? statementId : st.statementId;
    await storeStatement(tx, { statementId: id, kind: 'CASH', account, date: st.statementDate, xml, source });
    const ours = await cashView(tx, account, st.currency, st.statementDate);
    const theirs = new Map<string, string>();
    for (const e of st.entries) {
      if (!e.booked || e.valueDate !== st.statementDate) continue;
      for (const m of e.movements) {
        const key = m.ref ?? '(no reference)';
        theirs.set(key, new Dec(theirs.get(key) ?? 0).plus(m.amount).toFixed());
      }
    }
    runs.push(
      await recordRun(
        tx,
        { runId: newId(), kind: 'CASH', subject: `${account}:${st.currency}`, asOf: st.statementDate },
        compareCash(ours, { closingBalance: st.closingBalance, movements: theirs }),
        st.problems,
      ),
    );
  }
  return runs;
}

/** The accounting P&L of each book and currency on a day: income minus expense of the day's entries (PNL accounts). */
export async function accountingPnl(tx: EntityManager, date: string): Promise<Map<string, string>> {
  const rows = (await tx.query(
    `SELECT l.book, l.currency, sum(l.credit - l.debit)::text AS pnl FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     JOIN accounting.ledger_accounts a ON a.code = l.account_code WHERE a.kind = 'PNL' AND e.accounting_date = $1 GROUP BY l.book, l.currency`,
    [date],
  )) as Array<{ book: string; currency: string; pnl: string }>;
  return new Map(rows.map((r) => [`${r.book}|${r.currency}`, r.pnl]));
}

/** Accounting P&L vs the desk's management P&L of the day, per book and currency, with a tolerance. */
export async function reconcilePnl(tx: EntityManager, date: string, tolerance: string): Promise<RunReport> {
  const ours = await accountingPnl(tx, date);
  const desk = (await tx.query(`SELECT book, currency, amount::text AS amount FROM accounting.desk_pnl WHERE pnl_date = $1`, [date])) as Array<{
    book: string;
    currency: string;
    amount: string;
  }>;
  const theirs = new Map(desk.map((d) => [`${d.book}|${d.currency}`, d.amount]));
  return recordRun(tx, { runId: newId(), kind: 'PNL', subject: `PNL`, asOf: date }, comparePnl(ours, theirs, tolerance), []);
}

/** At a close: the P&L reconciliation of the day when the desk has sent its figures. */
export async function reconcilePnlAtClose(ctx: BatchContext, date: string, tolerance: string): Promise<void> {
  const [n] = (await ctx.tx.query(`SELECT count(*)::int AS n FROM accounting.desk_pnl WHERE pnl_date = $1`, [date])) as Array<{ n: number }>;
  if ((n?.n ?? 0) > 0) await reconcilePnl(ctx.tx, date, tolerance);
}

export function breakAge(asOf: string, today: string): number {
  return ageInBusinessDays(asOf, today, (d) => TARGET.isBusinessDay(d), addDays);
}

/** custodian.statements.v1 → each statement reconciled from its XML (the payload's data is not trusted for it). */
@Injectable()
export class CustodianStatementsConsumer extends EnvelopeHandler<CustodianStatementEvent> {
  readonly consumerId = 'accounting.custodian-statements';
  readonly topics = [Topics.custodianStatements];

  async handle(ctx: BatchContext, messages: InboundMessage<CustodianStatementEvent>[]): Promise<void> {
    for (const { body } of messages) {
      const p = body.payload;
      const reports =
        body.type === 'HoldingsStatement'
          ? [await reconcileHoldings(ctx.tx, p.account, p.xml, `topic:${body.eventId}`, p.statementId)]
          : await reconcileCash(ctx.tx, p.account, p.xml, `topic:${body.eventId}`, p.statementId);
      for (const report of reports)
        ctx.log.info(
          { runId: report.runId, kind: report.kind, subject: report.subject, breaks: report.breaks.length, errors: report.errors.length },
          'reconciliation run',
        );
    }
  }
}
