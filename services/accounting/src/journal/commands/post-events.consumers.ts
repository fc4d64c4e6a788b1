import { Injectable } from '@nestjs/common';
import { envelope, Topics, type AccountingEvent, type SettlementEvent, type TradeEventV1 } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { EnvelopeHandler, type BatchContext, type BusinessDayHooks, type InboundMessage } from '@postera/platform';
import { settlementPosting, tradeDateCommitment, type TradeForPosting } from '../domain/posting-rules.js';
import { appendJournal, journalEntry, type JournalEntry } from '../persistence/journal.repository.js';

interface StoredTrade extends TradeForPosting {
  tradeRef: string;
  book: string;
  tradeDate: string;
}

function announce(ctx: BatchContext, posted: JournalEntry[]): void {
  for (const e of posted) {
    const total = e.lines.reduce((s, l) => s.plus(l.debit), new Dec(0));
    const event: AccountingEvent = envelope({
      eventId: e.entryId,
      type: 'JournalEntryPosted',
      producer: 'accounting',
      correlationId: e.tradeRef,
      causationId: e.causeEventId,
      payload: {
        entryId: e.entryId,
        tradeRef: e.tradeRef,
        kind: e.kind,
        accountingDate: e.accountingDate,
        currency: e.currency,
        total: total.toFixed(),
        lines: e.lines.length,
      },
    });
    ctx.emit({ topic: Topics.accountingEvents, key: e.tradeRef, event });
  }
}

function settlementEntry(t: StoredTrade, ev: SettlementEvent): JournalEntry {
  return journalEntry({
    tradeRef: t.tradeRef,
    kind: 'SETTLEMENT',
    accountingDate: ev.payload.effectiveSettlementDate ?? ev.payload.intendedSettlementDate,
    causeEventId: ev.eventId,
    book: t.book,
    currency: t.currency,
    lines: settlementPosting(t),
  });
}

async function loadTrades(ctx: BatchContext, refs: string[]): Promise<Map<string, StoredTrade>> {
  const rows = (await ctx.tx.query(
    `SELECT trade_ref AS "tradeRef", side, currency, gross_amount::text AS "grossAmount", fees_amount::text AS "feesAmount",
            net_amount::text AS "netAmount", book, to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate"
     FROM accounting.trades WHERE trade_ref = ANY($1)`,
    [[...new Set(refs)]],
  )) as StoredTrade[];
  return new Map(rows.map((r) => [r.tradeRef, r]));
}

/**
 * Posts the settlements parked before their trade was known. Run after every batch of trades and
 * at each close: a settlement parked concurrently with its trade's arrival (two transactions that
 * could not see each other) is released by the next run, never lost.
 */
export async function releaseParkedSettlements(ctx: BatchContext): Promise<JournalEntry[]> {
  const parked = (await ctx.tx.query(
    // Through a CTE: TypeORM hands back [rows, count] for a bare DELETE … RETURNING.
    `WITH released AS (DELETE FROM accounting.parked_settlements p USING accounting.trades t WHERE p.trade_ref = t.trade_ref RETURNING p.event)
     SELECT event FROM released`,
  )) as Array<{ event: SettlementEvent }>;
  if (parked.length === 0) return [];
  const stored = await loadTrades(
    ctx,
    parked.map((p) => p.event.payload.tradeRef),
  );
  return parked.map(({ event }) => settlementEntry(stored.get(event.payload.tradeRef)!, event));
}

/** At the close of a business day: nothing parked stays behind its trade. */
@Injectable()
export class AccountingDayHooks implements BusinessDayHooks {
  async onDayClosed(ctx: BatchContext): Promise<void> {
    announce(ctx, await appendJournal(ctx.tx, await releaseParkedSettlements(ctx)));
  }
}

/** trade.events.v1 → the trade-date commitment, and any settlement that was waiting for this trade. */
@Injectable()
export class TradeEventsPostingConsumer extends EnvelopeHandler<TradeEventV1> {
  readonly consumerId = 'accounting.trade-events';
  readonly topics = [Topics.tradeEvents];

  async handle(ctx: BatchContext, messages: InboundMessage<TradeEventV1>[]): Promise<void> {
    const captured = messages.filter((m) => m.body.type === 'TradeCaptured').map((m) => m.body);
    if (captured.length === 0) return;
    const trades = captured.map((e) => e.payload.trade);
    await ctx.tx.query(
      `INSERT INTO accounting.trades (trade_ref, side, isin, currency, gross_amount, fees_amount, net_amount, book, trade_date, settlement_date)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[], $8::text[], $9::date[], $10::date[])
       ON CONFLICT (trade_ref) DO NOTHING`,
      [
        trades.map((t) => t.tradeRef),
        trades.map((t) => t.side),
        trades.map((t) => t.isin),
        trades.map((t) => t.currency),
        trades.map((t) => t.grossAmount),
        trades.map((t) => t.feesAmount),
        trades.map((t) => t.netAmount),
        trades.map((t) => t.book),
        trades.map((t) => t.tradeDate),
        trades.map((t) => t.settlementDate),
      ],
    );
    const entries = captured.map((e) =>
      journalEntry({
        tradeRef: e.payload.trade.tradeRef,
        kind: 'TRADE_DATE_COMMITMENT',
        accountingDate: e.payload.trade.tradeDate,
        causeEventId: e.eventId,
        book: e.payload.trade.book,
        currency: e.payload.trade.currency,
        lines: tradeDateCommitment(e.payload.trade),
      }),
    );
    entries.push(...(await releaseParkedSettlements(ctx)));
    announce(ctx, await appendJournal(ctx.tx, entries));
  }
}

/** settlement.events.v1 SETTLED → the settlement posting (or parked until the trade is known). */
@Injectable()
export class SettlementEventsPostingConsumer extends EnvelopeHandler<SettlementEvent> {
  readonly consumerId = 'accounting.settlement-events';
  readonly topics = [Topics.settlementEvents];

  async handle(ctx: BatchContext, messages: InboundMessage<SettlementEvent>[]): Promise<void> {
    const settled = messages.map((m) => m.body).filter((e) => e.type === 'InstructionStatusChanged' && e.payload.status === 'SETTLED');
    if (settled.length === 0) return;
    const trades = await loadTrades(
      ctx,
      settled.map((e) => e.payload.tradeRef),
    );
    const entries: JournalEntry[] = [];
    const waiting: SettlementEvent[] = [];
    for (const e of settled) {
      const t = trades.get(e.payload.tradeRef);
      if (t) entries.push(settlementEntry(t, e));
      else waiting.push(e);
    }
    if (waiting.length > 0) {
      await ctx.tx.query(
        `INSERT INTO accounting.parked_settlements (event_id, trade_ref, event) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
        [waiting.map((e) => e.eventId), waiting.map((e) => e.payload.tradeRef), waiting.map((e) => JSON.stringify(e))],
      );
    }
    announce(ctx, await appendJournal(ctx.tx, entries));
  }
}
