import { Injectable } from '@nestjs/common';
import { envelope, Topics, type AccountingEvent, type BusinessDayV1, type EventEnvelope, type SettlementEvent, type TradeEventV1 } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { EnvelopeHandler, type BatchContext, type BusinessDayHooks, type InboundMessage } from '@postera/platform';
import type { EntityManager } from 'typeorm';

type ActivityEvent = TradeEventV1 | SettlementEvent | AccountingEvent;

export interface ActivitySummary {
  businessDate: string | null;
  captured: number;
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
    `SELECT count(*) FILTER (WHERE captured_at IS NOT NULL)::int AS captured,
            count(*) FILTER (WHERE instruction_status IS NOT NULL)::int AS instructed,
            count(*) FILTER (WHERE instruction_status = 'SETTLED')::int AS settled,
            count(*) FILTER (WHERE instruction_status = 'FAILING')::int AS failing,
            count(*) FILTER (WHERE intended_settlement_date <= $1::date AND instruction_status = 'SETTLED'
                               AND effective_settlement_date <= intended_settlement_date)::int AS on_time,
            count(*) FILTER (WHERE intended_settlement_date <= $1::date)::int AS due,
            coalesce(sum(journal_entries), 0)::int AS entries
     FROM reporting.trade_activity`,
    [businessDate ?? '9999-12-31'],
  )) as Array<{ captured: number; instructed: number; settled: number; failing: number; on_time: number; due: number; entries: number }>;
  const fails = (await tx.query(
    `SELECT fail_reason AS reason, count(*)::int AS n FROM reporting.trade_activity WHERE instruction_status = 'FAILING' GROUP BY fail_reason ORDER BY 1`,
  )) as Array<{ reason: string; n: number }>;
  const r = row!;
  return {
    businessDate,
    captured: r.captured,
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

/**
 * The activity read model: one row per trade, from capture, settlement and accounting events.
 * At each close, the day's figures are kept in eod_reports and announced on reporting.events.v1.
 */
@Injectable()
export class ActivityConsumer extends EnvelopeHandler<ActivityEvent> implements BusinessDayHooks {
  readonly consumerId = 'reporting.activity';
  readonly topics = [Topics.tradeEvents, Topics.settlementEvents, Topics.accountingEvents];

  async handle(ctx: BatchContext, messages: InboundMessage<ActivityEvent>[]): Promise<void> {
    const events = messages.map((m) => m.body as EventEnvelope);
    const captured = events.filter((e): e is TradeEventV1 => e.type === 'TradeCaptured').map((e) => e.payload.trade);
    if (captured.length > 0) {
      await ctx.tx.query(
        `INSERT INTO reporting.trade_activity (trade_ref, trade_date, intended_settlement_date, isin, side, account, venue, currency, gross_amount, captured_at)
         SELECT *, now() FROM unnest($1::text[], $2::date[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[])
         ON CONFLICT (trade_ref) DO UPDATE SET trade_date = EXCLUDED.trade_date, intended_settlement_date = EXCLUDED.intended_settlement_date,
           isin = EXCLUDED.isin, side = EXCLUDED.side, account = EXCLUDED.account, venue = EXCLUDED.venue, currency = EXCLUDED.currency,
           gross_amount = EXCLUDED.gross_amount, captured_at = EXCLUDED.captured_at`,
        [
          captured.map((t) => t.tradeRef),
          captured.map((t) => t.tradeDate),
          captured.map((t) => t.settlementDate),
          captured.map((t) => t.isin),
          captured.map((t) => t.side),
          captured.map((t) => t.account),
          captured.map((t) => t.venue),
          captured.map((t) => t.currency),
          captured.map((t) => t.grossAmount),
        ],
      );
    }
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
      if (e.type === 'JournalEntryPosted')
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
