import { Injectable } from '@nestjs/common';
import { envelope, Topics, type AccountingEvent, type SettlementEvent, type TradeEventV1 } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { EnvelopeHandler, type BatchContext, type BusinessDayHooks, type InboundMessage, type Log } from '@postera/platform';
import { reversalOf, settlementPosting, tradeDateCommitment } from '../domain/posting-rules.js';
import { amendmentDisposition, cancellationDisposition, settlementDisposition } from '../domain/trade-lifecycle.js';
import { appendJournal, journalEntry, type JournalEntry } from '../persistence/journal.repository.js';
import { holdEvents, loadTrades, saveTrades, storedTrade, type HeldEvent, type StoredTrade } from '../persistence/trade.repository.js';

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

/** The off-balance commitment of the version booked, dated its trade date. */
function commitmentEntry(t: StoredTrade, causeEventId: string): JournalEntry {
  return journalEntry({
    tradeRef: t.tradeRef,
    kind: 'TRADE_DATE_COMMITMENT',
    accountingDate: t.tradeDate,
    causeEventId,
    book: t.book,
    currency: t.currency,
    lines: tradeDateCommitment(t),
  });
}

/**
 * The commitment booked, mirrored line for line. Dated the trade date it corrects (the events
 * carry no business date of the correction), so a replay from offset 0 posts the same journal.
 */
function reversalEntry(t: StoredTrade, causeEventId: string): JournalEntry {
  return journalEntry({
    tradeRef: t.tradeRef,
    kind: 'TRADE_DATE_COMMITMENT_REVERSAL',
    accountingDate: t.tradeDate,
    causeEventId,
    book: t.book,
    currency: t.currency,
    lines: reversalOf(tradeDateCommitment(t)),
  });
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

interface SettlementsApplied {
  entries: JournalEntry[];
  /** Parked until the trade, or the version settled, arrives. */
  waiting: SettlementEvent[];
  held: HeldEvent[];
  changed: Map<string, StoredTrade>;
}

/** SETTLED events against the trades loaded, in order: posted, parked, held (never posted) or dropped as duplicates. */
function applySettlements(log: Log, trades: Map<string, StoredTrade>, settled: SettlementEvent[]): SettlementsApplied {
  const out: SettlementsApplied = { entries: [], waiting: [], held: [], changed: new Map() };
  for (const e of settled) {
    const t = trades.get(e.payload.tradeRef) ?? null;
    const d = settlementDisposition(t, { eventId: e.eventId, tradeVersion: e.payload.tradeVersion });
    switch (d.kind) {
      case 'post':
        out.entries.push(settlementEntry(t!, e));
        Object.assign(t!, { status: 'SETTLED', settlementEventId: e.eventId });
        out.changed.set(t!.tradeRef, t!);
        break;
      case 'wait':
        out.waiting.push(e);
        break;
      case 'duplicate':
        break;
      case 'hold':
        out.held.push({ tradeRef: e.payload.tradeRef, reason: d.reason, event: e });
        log.warn(
          { correlationId: e.payload.tradeRef, eventId: e.eventId, reason: d.reason, tradeVersion: e.payload.tradeVersion, booked: t?.version },
          'settlement held, not posted',
        );
        break;
    }
  }
  return out;
}

async function park(ctx: BatchContext, waiting: SettlementEvent[]): Promise<void> {
  if (waiting.length === 0) return;
  await ctx.tx.query(
    `INSERT INTO accounting.parked_settlements (event_id, trade_ref, event) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
    [waiting.map((e) => e.eventId), waiting.map((e) => e.payload.tradeRef), waiting.map((e) => JSON.stringify(e))],
  );
}

/**
 * Settles what was parked before its trade (or the amended version it settles) was known. Run
 * after every batch of trade events and at each close: a settlement parked concurrently with its
 * trade's arrival (two transactions that could not see each other) is released by the next run,
 * never lost. A parked settlement whose trade has since been cancelled or superseded is held.
 */
export async function releaseParkedSettlements(ctx: BatchContext): Promise<JournalEntry[]> {
  const parked = (await ctx.tx.query(
    `SELECT p.event FROM accounting.parked_settlements p WHERE EXISTS (SELECT 1 FROM accounting.trades t WHERE t.trade_ref = p.trade_ref)
     ORDER BY p.parked_at, p.event_id FOR UPDATE OF p`,
  )) as Array<{ event: SettlementEvent }>;
  if (parked.length === 0) return [];
  const events = parked.map((p) => p.event);
  const trades = await loadTrades(
    ctx.tx,
    events.map((e) => e.payload.tradeRef),
  );
  const applied = applySettlements(ctx.log, trades, events);
  const stillWaiting = new Set(applied.waiting.map((e) => e.eventId));
  await ctx.tx.query(`DELETE FROM accounting.parked_settlements WHERE event_id = ANY($1::text[])`, [
    events.filter((e) => !stillWaiting.has(e.eventId)).map((e) => e.eventId),
  ]);
  await holdEvents(ctx.tx, applied.held);
  await saveTrades(ctx.tx, [...applied.changed.values()]);
  return appendJournal(ctx.tx, applied.entries);
}

/** At the close of a business day: nothing parked stays behind its trade. */
@Injectable()
export class AccountingDayHooks implements BusinessDayHooks {
  async onDayClosed(ctx: BatchContext): Promise<void> {
    announce(ctx, await releaseParkedSettlements(ctx));
  }
}

type Booked = Extract<TradeEventV1, { type: 'TradeCaptured' | 'TradeAmended' | 'TradeCancelled' }>;

const isBooked = (e: TradeEventV1): e is Booked => e.type === 'TradeCaptured' || e.type === 'TradeAmended' || e.type === 'TradeCancelled';

const tradeRefOf = (e: Booked): string => (e.type === 'TradeAmended' ? e.payload.after.tradeRef : e.payload.trade.tradeRef);

/**
 * trade.events.v1 → the journal: TradeCaptured books the trade-date commitment; TradeAmended
 * reverses the commitment booked and books the amended one; TradeCancelled reverses it. Events
 * of one trade are applied in partition order; what cannot be posted (the trade unknown, or
 * already settled) is held and logged. Then any settlement waiting for these trades is posted.
 */
@Injectable()
export class TradeEventsPostingConsumer extends EnvelopeHandler<TradeEventV1> {
  readonly consumerId = 'accounting.trade-events';
  readonly topics = [Topics.tradeEvents];

  async handle(ctx: BatchContext, messages: InboundMessage<TradeEventV1>[]): Promise<void> {
    const booked = messages.map((m) => m.body).filter(isBooked);
    if (booked.length === 0) return;
    const trades = await loadTrades(ctx.tx, booked.map(tradeRefOf));
    const changed = new Map<string, StoredTrade>();
    const entries: JournalEntry[] = [];
    const held: HeldEvent[] = [];
    const hold = (e: Booked, reason: HeldEvent['reason']) => {
      held.push({ tradeRef: tradeRefOf(e), reason, event: e });
      ctx.log.warn({ correlationId: tradeRefOf(e), eventId: e.eventId, event: e.type, reason }, 'trade event held, nothing posted');
    };
    for (const e of booked) {
      const ref = tradeRefOf(e);
      const current = trades.get(ref) ?? null;
      switch (e.type) {
        case 'TradeCaptured': {
          if (current) {
            ctx.log.debug({ correlationId: ref, eventId: e.eventId }, 'trade already booked; capture ignored');
            break;
          }
          const t = storedTrade(e.payload.trade);
          trades.set(ref, t);
          changed.set(ref, t);
          entries.push(commitmentEntry(t, e.eventId));
          break;
        }
        case 'TradeAmended': {
          const d = amendmentDisposition(current, e.payload.after.version);
          if (d.kind === 'hold') hold(e, d.reason);
          else if (d.kind === 'ignore') ctx.log.info({ correlationId: ref, eventId: e.eventId, why: d.why }, 'amendment changes nothing');
          else {
            if (current!.version !== e.payload.before.version) {
              ctx.log.warn(
                { correlationId: ref, booked: current!.version, before: e.payload.before.version },
                'amendment from another version than booked; the booked one is reversed',
              );
            }
            const amended = storedTrade(e.payload.after);
            entries.push(reversalEntry(current!, e.eventId), commitmentEntry(amended, e.eventId));
            trades.set(ref, amended);
            changed.set(ref, amended);
          }
          break;
        }
        case 'TradeCancelled': {
          const d = cancellationDisposition(current);
          if (d.kind === 'hold') hold(e, d.reason);
          else if (d.kind === 'ignore') ctx.log.info({ correlationId: ref, eventId: e.eventId, why: d.why }, 'cancellation changes nothing');
          else {
            entries.push(reversalEntry(current!, e.eventId));
            current!.status = 'CANCELLED';
            changed.set(ref, current!);
          }
          break;
        }
      }
    }
    await saveTrades(ctx.tx, [...changed.values()]);
    await holdEvents(ctx.tx, held);
    const posted = await appendJournal(ctx.tx, entries);
    announce(ctx, [...posted, ...(await releaseParkedSettlements(ctx))]);
  }
}

/** settlement.events.v1 SETTLED → the settlement posting, parked until the trade is known, or held when it must not be posted. */
@Injectable()
export class SettlementEventsPostingConsumer extends EnvelopeHandler<SettlementEvent> {
  readonly consumerId = 'accounting.settlement-events';
  readonly topics = [Topics.settlementEvents];

  async handle(ctx: BatchContext, messages: InboundMessage<SettlementEvent>[]): Promise<void> {
    const settled = messages.map((m) => m.body).filter((e) => e.type === 'InstructionStatusChanged' && e.payload.status === 'SETTLED');
    if (settled.length === 0) return;
    const trades = await loadTrades(
      ctx.tx,
      settled.map((e) => e.payload.tradeRef),
    );
    const applied = applySettlements(ctx.log, trades, settled);
    await park(ctx, applied.waiting);
    await holdEvents(ctx.tx, applied.held);
    await saveTrades(ctx.tx, [...applied.changed.values()]);
    announce(ctx, await appendJournal(ctx.tx, applied.entries));
  }
}
