import { Injectable } from '@nestjs/common';
import {
  envelope,
  Topics,
  type AccountingEvent,
  type BusinessDayV1,
  type EventEnvelope,
  type ExecutionsReceivedEvent,
  type IntakeExceptionRaisedEvent,
  type ReconciliationBreakClosedEvent,
  type ReconciliationBreakOpenedEvent,
  type NotificationSentEvent,
  type SettlementEvent,
  type TradeEventV1,
  type UnconfirmedTradesAtCloseV1,
} from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { currentBusinessDay, type BatchContext, type BusinessDayHooks } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import { instructionStatusDate, intakeDate, recordingDay, tradeEventDate } from './domain/activity-dates.js';
import { batchCounts, executionsReceivedProblem } from './domain/executions-received.js';
import { foldTradeEvents, tradeRefOf } from './domain/trade-activity.js';

export interface ActivitySummary {
  businessDate: string | null;
  captured: number;
  /** Trades whose counterparty's confirmation matched, validated (may go to settlement), amended at least once, cancelled. */
  confirmed: number;
  validated: number;
  amended: number;
  cancelled: number;
  /** Capture's list of the trades still unconfirmed at the close of businessDate; null until it arrives (or without a date). */
  unconfirmedAtClose: { total: number; trades: UnconfirmedTradesAtCloseV1['trades'] } | null;
  instructed: number;
  settled: number;
  failing: number;
  failsByReason: Record<string, number>;
  settledOnIntendedDate: number;
  settlementEfficiency: string | null;
  journalEntries: number;
}

/**
 * The activity figures to date (counts over every trade received so far), and settlement
 * efficiency for the trades due by the business date: settled on their intended date / due.
 */
export async function activitySummary(tx: EntityManager, businessDate: string | null): Promise<ActivitySummary> {
  const [row] = (await tx.query(
    // A cancelled trade is not due, and its cancelled instruction is not instructed.
    `SELECT count(*) FILTER (WHERE captured_at IS NOT NULL)::int AS captured,
            count(*) FILTER (WHERE confirmed_at IS NOT NULL)::int AS confirmed,
            count(*) FILTER (WHERE validated_at IS NOT NULL)::int AS validated,
            count(*) FILTER (WHERE amendments > 0)::int AS amended,
            count(*) FILTER (WHERE trade_status = 'CANCELLED')::int AS cancelled,
            count(*) FILTER (WHERE instruction_status IS NOT NULL AND instruction_status <> 'CANCELLED')::int AS instructed,
            count(*) FILTER (WHERE instruction_status = 'SETTLED')::int AS settled,
            count(*) FILTER (WHERE instruction_status = 'FAILING')::int AS failing,
            count(*) FILTER (WHERE intended_settlement_date <= $1::date AND instruction_status = 'SETTLED'
                               AND effective_settlement_date <= intended_settlement_date)::int AS on_time,
            count(*) FILTER (WHERE intended_settlement_date <= $1::date AND trade_status IS DISTINCT FROM 'CANCELLED')::int AS due,
            coalesce(sum(journal_entries), 0)::int AS entries
     FROM reporting.trade_activity`,
    [businessDate ?? '9999-12-31'],
  )) as Array<{
    captured: number;
    confirmed: number;
    validated: number;
    amended: number;
    cancelled: number;
    instructed: number;
    settled: number;
    failing: number;
    on_time: number;
    due: number;
    entries: number;
  }>;
  const fails = (await tx.query(
    `SELECT fail_reason AS reason, count(*)::int AS n FROM reporting.trade_activity WHERE instruction_status = 'FAILING' GROUP BY fail_reason ORDER BY 1`,
  )) as Array<{ reason: string; n: number }>;
  const [unconfirmed] = businessDate
    ? ((await tx.query(`SELECT total, trades FROM reporting.unconfirmed_at_close WHERE business_date = $1`, [businessDate])) as Array<
        NonNullable<ActivitySummary['unconfirmedAtClose']>
      >)
    : [];
  const r = row!;
  return {
    businessDate,
    captured: r.captured,
    confirmed: r.confirmed,
    validated: r.validated,
    amended: r.amended,
    cancelled: r.cancelled,
    unconfirmedAtClose: unconfirmed ?? null,
    instructed: r.instructed,
    settled: r.settled,
    failing: r.failing,
    failsByReason: Object.fromEntries(fails.map((f) => [f.reason ?? 'UNKNOWN', f.n])),
    settledOnIntendedDate: r.on_time,
    // Settlement efficiency = settled on the intended date / due (DOMAIN.md §6), as a decimal string.
    settlementEfficiency: r.due > 0 ? (r.on_time / r.due).toFixed(4) : null,
    journalEntries: r.entries,
  };
}

/** The trade.events.v1 types that move a trade's activity row. */
const TRADE_LIFECYCLE = new Set<string>(['TradeCaptured', 'TradeAmended', 'TradeCancelled', 'TradeConfirmed', 'TradeValidated']);

/**
 * One upsert for the batch's trade events, folded per trade in partition order: the economics
 * (captured, or amended), the version, the status (CANCELLED is never left), the amendment count
 * and when the trade was first seen captured, confirmed, validated, cancelled.
 */
async function applyTradeEvents(tx: EntityManager, events: TradeEventV1[]): Promise<void> {
  if (events.length === 0) return;
  const patches = [...foldTradeEvents(events).values()];
  const col = <T>(f: (p: (typeof patches)[number]) => T) => patches.map(f);
  await tx.query(
    `INSERT INTO reporting.trade_activity AS a (trade_ref, trade_date, intended_settlement_date, isin, side, account, venue, currency, gross_amount,
       trade_version, trade_status, amendments, captured_at, confirmed_at, validated_at, cancelled_at)
     SELECT u.ref, u.td, u.isd, u.isin, u.side, u.account, u.venue, u.currency, u.gross, u.version, u.status, u.amendments,
            CASE WHEN u.captured THEN now() END, CASE WHEN u.confirmed THEN now() END, CASE WHEN u.validated THEN now() END, CASE WHEN u.cancelled THEN now() END
     FROM unnest($1::text[], $2::date[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::int[], $11::text[],
       $12::int[], $13::bool[], $14::bool[], $15::bool[], $16::bool[])
       AS u(ref, td, isd, isin, side, account, venue, currency, gross, version, status, amendments, captured, confirmed, validated, cancelled)
     ON CONFLICT (trade_ref) DO UPDATE SET trade_date = coalesce(EXCLUDED.trade_date, a.trade_date),
       intended_settlement_date = coalesce(EXCLUDED.intended_settlement_date, a.intended_settlement_date), isin = coalesce(EXCLUDED.isin, a.isin),
       side = coalesce(EXCLUDED.side, a.side), account = coalesce(EXCLUDED.account, a.account), venue = coalesce(EXCLUDED.venue, a.venue),
       currency = coalesce(EXCLUDED.currency, a.currency), gross_amount = coalesce(EXCLUDED.gross_amount, a.gross_amount),
       trade_version = coalesce(EXCLUDED.trade_version, a.trade_version),
       trade_status = CASE WHEN a.trade_status = 'CANCELLED' THEN a.trade_status ELSE coalesce(EXCLUDED.trade_status, a.trade_status) END,
       amendments = a.amendments + EXCLUDED.amendments, captured_at = coalesce(EXCLUDED.captured_at, a.captured_at),
       confirmed_at = coalesce(a.confirmed_at, EXCLUDED.confirmed_at), validated_at = coalesce(a.validated_at, EXCLUDED.validated_at),
       cancelled_at = coalesce(a.cancelled_at, EXCLUDED.cancelled_at)`,
    [
      col((p) => p.tradeRef),
      col((p) => p.economics?.tradeDate ?? null),
      col((p) => p.economics?.settlementDate ?? null),
      col((p) => p.economics?.isin ?? null),
      col((p) => p.economics?.side ?? null),
      col((p) => p.economics?.account ?? null),
      col((p) => p.economics?.venue ?? null),
      col((p) => p.economics?.currency ?? null),
      col((p) => p.economics?.grossAmount ?? null),
      col((p) => p.version),
      col((p) => p.status),
      col((p) => p.amendments),
      col((p) => p.captured),
      col((p) => p.confirmed),
      col((p) => p.validated),
      col((p) => p.cancelled),
    ],
  );
}

/**
 * Capture's list of the trades unconfirmed at a close. The two topics have no order between them:
 * when the day's report is already stored, the list is added to it (the announced event keeps
 * what it had).
 */
async function recordUnconfirmed(tx: EntityManager, p: UnconfirmedTradesAtCloseV1): Promise<void> {
  const value = { total: p.total, trades: p.trades };
  await tx.query(
    `INSERT INTO reporting.unconfirmed_at_close (business_date, total, trades) VALUES ($1, $2, $3)
     ON CONFLICT (business_date) DO UPDATE SET total = EXCLUDED.total, trades = EXCLUDED.trades, received_at = now()`,
    [p.businessDate, p.total, JSON.stringify(p.trades)],
  );
  await tx.query(`UPDATE reporting.eod_reports SET summary = jsonb_set(summary, '{unconfirmedAtClose}', $2::jsonb) WHERE business_date = $1`, [
    p.businessDate,
    JSON.stringify(value),
  ]);
}

type TradeEventKind = 'CAPTURED' | 'AMENDED' | 'CONFIRMED' | 'VALIDATED' | 'CANCELLED';
const KIND_OF: Record<string, TradeEventKind> = {
  TradeCaptured: 'CAPTURED',
  TradeAmended: 'AMENDED',
  TradeConfirmed: 'CONFIRMED',
  TradeValidated: 'VALIDATED',
  TradeCancelled: 'CANCELLED',
};

/**
 * The dated history the activity report is computed from (activity_trade_events,
 * activity_instruction_events), one row per event id: a redelivered event changes nothing. Dates
 * follow src/activity/domain/activity-dates.ts; reporting's business day is read once a batch.
 */
async function recordHistory(ctx: BatchContext, events: EventEnvelope[]): Promise<void> {
  const trades = events.filter((e) => KIND_OF[e.type] !== undefined) as TradeEventV1[];
  const instructions = events.filter((e) => e.type === 'InstructionStatusChanged') as SettlementEvent[];
  if (trades.length === 0 && instructions.length === 0) return;
  const businessDay = (await currentBusinessDay(ctx.tx, ctx.schema))?.businessDate ?? null;

  const t = trades.flatMap((e) => {
    const ref = tradeRefOf(e);
    if (ref === null) return [];
    const kind = KIND_OF[e.type]!;
    const economics = e.type === 'TradeCaptured' ? e.payload.trade : e.type === 'TradeAmended' ? e.payload.after : null;
    const tradeDate = economics?.tradeDate ?? (e.type === 'TradeValidated' || e.type === 'TradeCancelled' ? e.payload.trade.tradeDate : null);
    const dated = tradeEventDate(kind, tradeDate, recordingDay(businessDay, e.occurredAt));
    return [{ id: e.eventId, ref, kind, dated, how: e.type === 'TradeValidated' ? e.payload.how : null, economics }];
  });
  if (t.length > 0) {
    const col = <T>(f: (x: (typeof t)[number]) => T) => t.map(f);
    await ctx.tx.query(
      `INSERT INTO reporting.activity_trade_events (event_id, trade_ref, kind, event_date, date_source, validated_how, trade_date, isin, venue, account,
         counterparty, currency, gross_amount)
       SELECT a, b, c, d, e, f, g, h, i, j, k, l, m FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::date[],
         $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::numeric[]) WITH ORDINALITY AS x(a, b, c, d, e, f, g, h, i, j, k, l, m, n)
       ORDER BY n
       ON CONFLICT (event_id) DO NOTHING`,
      [
        col((x) => x.id),
        col((x) => x.ref),
        col((x) => x.kind),
        col((x) => x.dated.date),
        col((x) => x.dated.source),
        col((x) => x.how),
        col((x) => x.economics?.tradeDate ?? null),
        col((x) => x.economics?.isin ?? null),
        col((x) => x.economics?.venue ?? null),
        col((x) => x.economics?.account ?? null),
        col((x) => x.economics?.counterparty ?? null),
        col((x) => x.economics?.currency ?? null),
        col((x) => x.economics?.grossAmount ?? null),
      ],
    );
  }
  if (instructions.length > 0) {
    const rows = instructions.map((e) => ({ id: e.eventId, p: e.payload, dated: instructionStatusDate(e.payload, recordingDay(businessDay, e.occurredAt)) }));
    const col = <T>(f: (x: (typeof rows)[number]) => T) => rows.map(f);
    const settledStep = (p: SettlementEvent['payload']) =>
      p.status === 'SETTLED' || p.status === 'PARTIALLY_SETTLED' ? (p.stepAmount ?? p.settledAmount ?? p.settlementAmount) : null;
    await ctx.tx.query(
      `INSERT INTO reporting.activity_instruction_events (event_id, trade_ref, instruction_id, status, reason, status_date, date_source,
         intended_settlement_date, effective_settlement_date, currency, settlement_amount, settled_amount, step_amount)
       SELECT a, b, c, d, e, f, g, h, i, j, k, l, m FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[],
         $8::date[], $9::date[], $10::text[], $11::numeric[], $12::numeric[], $13::numeric[]) WITH ORDINALITY AS x(a, b, c, d, e, f, g, h, i, j, k, l, m, n)
       ORDER BY n
       ON CONFLICT (event_id) DO NOTHING`,
      [
        col((x) => x.id),
        col((x) => x.p.tradeRef),
        col((x) => x.p.instructionId),
        col((x) => x.p.status),
        col((x) => x.p.reason),
        col((x) => x.dated.date),
        col((x) => x.dated.source),
        col((x) => x.p.intendedSettlementDate),
        col((x) => x.p.effectiveSettlementDate),
        col((x) => x.p.currency),
        col((x) => x.p.settlementAmount),
        col((x) => x.p.settledAmount),
        col((x) => settledStep(x.p)),
      ],
    );
  }
}

/**
 * The notifications sent, one row per event id (a redelivered event changes nothing), dated on
 * reporting's business day when recorded (recordingDay): whether an avis d'opéré was late is
 * decided when the report is built, from the trade date (src/activity/domain/activity-report.ts).
 */
async function recordNotificationsSent(ctx: BatchContext, events: EventEnvelope[]): Promise<void> {
  const sent = events.filter((e) => e.type === 'NotificationSent') as NotificationSentEvent[];
  if (sent.length === 0) return;
  const businessDay = (await currentBusinessDay(ctx.tx, ctx.schema))?.businessDate ?? null;
  const rows = sent.map((e) => ({ e, dated: recordingDay(businessDay, e.occurredAt) }));
  const col = <T>(f: (x: (typeof rows)[number]) => T) => rows.map(f);
  await ctx.tx.query(
    `INSERT INTO reporting.activity_notifications_sent (event_id, notification_id, kind, trade_ref, account, channel, sent_at, sent_date, date_source)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::date[], $9::text[])
     ON CONFLICT (event_id) DO NOTHING`,
    [
      col((x) => x.e.eventId),
      col((x) => x.e.payload.notificationId),
      col((x) => x.e.payload.kind),
      col((x) => x.e.payload.tradeRef),
      col((x) => x.e.payload.account),
      col((x) => x.e.payload.channel),
      col((x) => x.e.occurredAt),
      col((x) => x.dated.date),
      col((x) => x.dated.source),
    ],
  );
}

/** The accounting.events.v1 kinds that are not a trade's: no journal_entries count for them. */
const NOT_A_TRADE = new Set<string>(['FX_REVALUATION', 'TTF_ACCRUAL', 'RECOSTING']);

/**
 * The FX revaluations, one row per event id, dated by their accounting date (the close revalued to):
 * the signed EUR result they book. An event without `result` (a producer that does not send it) is
 * refused rather than counted as zero.
 */
async function recordFxResults(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const fx = (events.filter((e) => e.type === 'JournalEntryPosted') as AccountingEvent[]).filter((e) => e.payload.kind === 'FX_REVALUATION');
  if (fx.length === 0) return;
  const missing = fx.find((e) => e.payload.result === undefined);
  if (missing) throw new Error(`FX_REVALUATION entry ${missing.payload.entryId} without its result`);
  const col = <T>(f: (e: AccountingEvent) => T) => fx.map(f);
  await tx.query(
    `INSERT INTO reporting.activity_fx_results (event_id, entry_id, position_ref, accounting_date, currency, result)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::numeric[]) ON CONFLICT (event_id) DO NOTHING`,
    [
      col((e) => e.eventId),
      col((e) => e.payload.entryId),
      col((e) => e.payload.tradeRef),
      col((e) => e.payload.accountingDate),
      col((e) => e.payload.currency),
      col((e) => e.payload.result!),
    ],
  );
}

/**
 * Capture's intake (capture.intake.v1), one row per event id (a redelivered event changes nothing),
 * dated by capture's business day when it received the records: the executions received, one row per
 * capture batch with its records counted by outcome, and the exceptions held with their kind and every reason.
 */
async function recordIntake(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const received = events.filter((e) => e.type === 'ExecutionsReceived') as ExecutionsReceivedEvent[];
  if (received.length > 0) {
    for (const e of received) {
      const problem = executionsReceivedProblem(e.payload);
      if (problem) throw new Error(`ExecutionsReceived ${e.eventId} refused: ${problem}`);
    }
    const rows = received.map((e) => ({ e, p: e.payload, n: batchCounts(e.payload), dated: intakeDate(e.payload) }));
    const col = <T>(f: (x: (typeof rows)[number]) => T) => rows.map(f);
    await tx.query(
      `INSERT INTO reporting.activity_executions_received
         (event_id, first_position, last_position, records, captured, amended, cancelled, stale, exceptions, duplicates, received_date, date_source, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::date[],
                            $12::text[], $13::timestamptz[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        col((x) => x.e.eventId),
        col((x) => x.p.first),
        col((x) => x.p.last),
        col((x) => x.p.records),
        col((x) => x.n.CAPTURED),
        col((x) => x.n.AMENDED),
        col((x) => x.n.CANCELLED),
        col((x) => x.n.STALE),
        col((x) => x.n.EXCEPTION),
        col((x) => x.n.DUPLICATE),
        col((x) => x.dated.date),
        col((x) => x.dated.source),
        col((x) => x.p.receivedAt),
      ],
    );
  }
  const raised = events.filter((e) => e.type === 'IntakeExceptionRaised') as IntakeExceptionRaisedEvent[];
  if (raised.length > 0) {
    const rows = raised.map((e) => ({ e, p: e.payload, dated: intakeDate(e.payload) }));
    const col = <T>(f: (x: (typeof rows)[number]) => T) => rows.map(f);
    await tx.query(
      `INSERT INTO reporting.activity_exceptions (event_id, exception_id, message_id, source_topic, kind, reasons, trade_ref, raised_date, date_source, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::date[], $9::text[], $10::timestamptz[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        col((x) => x.e.eventId),
        col((x) => x.p.exceptionId),
        col((x) => x.p.messageId),
        col((x) => x.p.sourceTopic),
        col((x) => x.p.kind),
        col((x) => JSON.stringify(x.p.reasons)),
        col((x) => x.p.tradeRef),
        col((x) => x.dated.date),
        col((x) => x.dated.source),
        col((x) => x.p.receivedAt),
      ],
    );
  }
}

/**
 * The reconciliation breaks accounting announces, one row per break: its opening (the day its run
 * reconciled), and its closing (the closing run's day, or the day two people resolved it). A closing that comes without its opening (an
 * opening announced before reporting read the topic) makes the row from what the closing carries.
 */
async function recordBreaks(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const opened = events.filter((e) => e.type === 'ReconciliationBreakOpened') as ReconciliationBreakOpenedEvent[];
  const closed = events.filter((e) => e.type === 'ReconciliationBreakClosed') as ReconciliationBreakClosedEvent[];
  if (opened.length > 0) {
    const p = opened.map((e) => e.payload);
    await tx.query(
      `INSERT INTO reporting.activity_breaks (break_id, kind, subject, item, field, opened_on, opened_by_run)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[])
       ON CONFLICT (break_id) DO UPDATE SET opened_by_run = coalesce(reporting.activity_breaks.opened_by_run, EXCLUDED.opened_by_run)`,
      [
        p.map((b) => b.breakId),
        p.map((b) => b.kind),
        p.map((b) => b.subject),
        p.map((b) => b.item),
        p.map((b) => b.field),
        p.map((b) => b.openedOn),
        p.map((b) => b.runId),
      ],
    );
  }
  if (closed.length > 0) {
    const p = closed.map((e) => e.payload);
    await tx.query(
      `INSERT INTO reporting.activity_breaks (break_id, kind, subject, item, field, opened_on, closed_on, closed_by, closed_by_run)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[], $9::text[])
       ON CONFLICT (break_id) DO UPDATE SET closed_on = EXCLUDED.closed_on, closed_by = EXCLUDED.closed_by, closed_by_run = EXCLUDED.closed_by_run`,
      [
        p.map((b) => b.breakId),
        p.map((b) => b.kind),
        p.map((b) => b.subject),
        p.map((b) => b.item),
        p.map((b) => b.field),
        p.map((b) => b.openedOn),
        p.map((b) => b.closedOn),
        p.map((b) => b.closedBy),
        p.map((b) => b.runId),
      ],
    );
  }
}

/** What the activity projection reads of its topics; the rest (counterparty confirmations, penalties, day markers) is not its. */
export const ACTIVITY_TYPES: readonly string[] = [
  ...TRADE_LIFECYCLE,
  'UnconfirmedTradesAtClose',
  'InstructionStatusChanged',
  'JournalEntryPosted',
  'NotificationSent',
  'ExecutionsReceived',
  'IntakeExceptionRaised',
  'ReconciliationBreakOpened',
  'ReconciliationBreakClosed',
];

/**
 * The activity read model: one row per trade, from capture, settlement and accounting events, and
 * the notifications sent (notification.events.v1); the dated facts of capture's intake
 * (capture.intake.v1) and of the reconciliation breaks (accounting.events.v1). At each close, the day's figures are kept in
 * eod_reports and announced on reporting.events.v1. Not a consumer of its own: the trade lifecycle
 * consumer (src/lifecycle) applies it, in the same transaction as the records projection, so that
 * reporting reads each of these topics once.
 */
@Injectable()
export class ActivityProjection implements BusinessDayHooks {
  /** Applies a chunk of events of one partition, in partition order; types outside ACTIVITY_TYPES must not be passed. */
  async apply(ctx: BatchContext, events: EventEnvelope[]): Promise<void> {
    await recordHistory(ctx, events);
    await recordNotificationsSent(ctx, events);
    await recordFxResults(ctx.tx, events);
    await recordIntake(ctx.tx, events);
    await recordBreaks(ctx.tx, events);
    await applyTradeEvents(
      ctx.tx,
      events.filter((e): e is TradeEventV1 => TRADE_LIFECYCLE.has(e.type)),
    );
    for (const e of events) if (e.type === 'UnconfirmedTradesAtClose') await recordUnconfirmed(ctx.tx, e.payload as UnconfirmedTradesAtCloseV1);
    // Within a trade's partition settlement events arrive in order: the last one of the batch is its state.
    const lastStatus = new Map<string, SettlementEvent['payload']>();
    for (const e of events) if (e.type === 'InstructionStatusChanged') lastStatus.set((e as SettlementEvent).payload.tradeRef, (e as SettlementEvent).payload);
    if (lastStatus.size > 0) {
      const s = [...lastStatus.values()];
      await ctx.tx.query(
        `INSERT INTO reporting.trade_activity (trade_ref, instruction_status, fail_reason, effective_settlement_date)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[])
         ON CONFLICT (trade_ref) DO UPDATE SET instruction_status = EXCLUDED.instruction_status, fail_reason = EXCLUDED.fail_reason,
           effective_settlement_date = EXCLUDED.effective_settlement_date`,
        [s.map((p) => p.tradeRef), s.map((p) => p.status), s.map((p) => (p.status === 'FAILING' ? p.reason : null)), s.map((p) => p.effectiveSettlementDate)],
      );
    }
    const entries = new Map<string, number>();
    for (const e of events)
      if (e.type === 'JournalEntryPosted' && !NOT_A_TRADE.has((e as AccountingEvent).payload.kind))
        entries.set((e as AccountingEvent).payload.tradeRef, (entries.get((e as AccountingEvent).payload.tradeRef) ?? 0) + 1);
    if (entries.size > 0) {
      await ctx.tx.query(
        `INSERT INTO reporting.trade_activity (trade_ref, journal_entries) SELECT * FROM unnest($1::text[], $2::int[])
         ON CONFLICT (trade_ref) DO UPDATE SET journal_entries = reporting.trade_activity.journal_entries + EXCLUDED.journal_entries`,
        [[...entries.keys()], [...entries.values()]],
      );
    }
  }

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    const summary = await activitySummary(ctx.tx, day.businessDate);
    await ctx.tx.query(
      `INSERT INTO reporting.eod_reports (business_date, summary) VALUES ($1, $2) ON CONFLICT (business_date) DO UPDATE SET summary = EXCLUDED.summary, produced_at = now()`,
      [day.businessDate, JSON.stringify(summary)],
    );
    ctx.emit({
      topic: Topics.reportingEvents,
      key: `eod:${day.businessDate}`,
      event: envelope({
        eventId: deterministicId('eod', day.businessDate),
        type: 'EndOfDayReportProduced',
        producer: 'reporting',
        correlationId: `eod:${day.businessDate}`,
        causationId: causeEventId,
        payload: summary,
      }),
    });
  }
}
