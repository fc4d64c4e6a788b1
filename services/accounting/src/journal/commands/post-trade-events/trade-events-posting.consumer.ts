import { Inject, Injectable } from '@nestjs/common';
import { PARTITION_DAY_CLOSED, Topics, type PartitionDayClosedEvent, type TradeEventV1 } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { CONFIG, EnvelopeHandler, recordDayMarks, splitByDayMarks, type BatchContext, type InboundMessage } from '@postera/platform';
import type { AccountingConfig } from '../../../config.js';
import { correctLateFxLines } from '../../../fx/commands/revalue-positions/revaluation.js';
import { reversalOf, ruleSetOn, type RuleSet } from '../../../ledger/domain/rules-engine.js';
import { appendJournal, asJournalWriter, journalEntry, type JournalEntry } from '../../../ledger/persistence/journal.repository.js';
import { accountInfos, loadRuleSets, recognitionOf, securitiesAccountOf, type AccountInfo } from '../../../ledger/persistence/ledger.repository.js';
import { UNDO } from '../../../ledger/persistence/position-book.js';
import { stageOps, type StagedOp } from '../../../ledger/persistence/staged-ops.js';
import { consideration, opMeta, positionOf, postingContext, tradeDateOpPrefix } from '../../domain/position-operations.js';
import { tradeDatePosting, type CostEffect } from '../../domain/posting-rules.js';
import { amendmentDisposition, cancellationDisposition } from '../../domain/trade-lifecycle.js';
import {
  holdEvents,
  loadTrades,
  lockTradesAgainstParking,
  saveTrades,
  storedTrade,
  type HeldEvent,
  type StoredTrade,
} from '../../persistence/trade.repository.js';
import { announce } from '../announce.js';
import { costMarkedDays } from '../cost-day/cost-marked-days.js';
import { releaseParkedSettlements } from '../release-parked-settlements/release-parked-settlements.js';

/**
 * The trade-date entry of the version booked: a commitment, or, under trade-date recognition, the
 * securities at the consideration — the operation is staged, its cost posted when its day is costed
 * (cost-marked-days.ts).
 */
function tradeDateEntry(sets: RuleSet[], staged: StagedOp[], t: StoredTrade, causeEventId: string, markedThrough: string): JournalEntry {
  let cost: CostEffect | undefined;
  t.markedThrough = markedThrough;
  if (t.recognition === 'TRADE_DATE') {
    cost = consideration(t.side, new Dec(t.grossAmount));
    staged.push({
      action: 'INSERT',
      markedThrough,
      ...positionOf(t),
      key: tradeDateOpPrefix(t) + causeEventId,
      side: t.side,
      quantity: new Dec(t.quantity),
      gross: new Dec(t.grossAmount),
      posted: cost,
      meta: opMeta(t, 'TRADE_DATE', t.tradeDate),
    });
    // What the entry posted, which its reversal mirrors.
    t.tdSecurities = cost.securities.toFixed();
    t.tdRealized = cost.realized.toFixed();
  }
  return journalEntry({
    tradeRef: t.tradeRef,
    kind: 'TRADE_DATE_COMMITMENT',
    accountingDate: t.tradeDate,
    causeEventId,
    book: t.book,
    currency: t.currency,
    lines: tradeDatePosting(t, t.recognition, cost, ruleSetOn(sets, t.tradeDate), postingContext(t)),
  });
}

/**
 * The trade-date entry booked, mirrored line for line (re-derived from the rule set in force on its
 * date and the amounts it posted, so the same lines). Dated the trade date it corrects (the events
 * carry no business date of the correction), so a replay from offset 0 posts the same journal.
 * Under trade-date recognition the operation is staged to leave its position when the day is costed.
 */
function reversalEntry(sets: RuleSet[], staged: StagedOp[], t: StoredTrade, causeEventId: string, markedThrough: string): JournalEntry {
  let cost: CostEffect | undefined;
  if (t.recognition === 'TRADE_DATE') {
    cost = { securities: new Dec(t.tdSecurities), realized: new Dec(t.tdRealized) };
    staged.push({
      action: 'TAKE_OUT',
      markedThrough,
      ...positionOf(t),
      key: `${tradeDateOpPrefix(t)}${UNDO}${causeEventId}`,
      side: t.side,
      quantity: new Dec(t.quantity),
      gross: new Dec(t.grossAmount),
      posted: cost,
      meta: opMeta(t, 'TRADE_DATE', t.tradeDate),
    });
  }
  const lines = reversalOf(tradeDatePosting(t, t.recognition, cost, ruleSetOn(sets, t.tradeDate), postingContext(t)));
  return journalEntry({
    tradeRef: t.tradeRef,
    kind: 'TRADE_DATE_COMMITMENT_REVERSAL',
    accountingDate: t.tradeDate,
    causeEventId,
    book: t.book,
    currency: t.currency,
    lines,
  });
}

type Booked = Extract<TradeEventV1, { type: 'TradeCaptured' | 'TradeAmended' | 'TradeCancelled' }>;

const isBooked = (e: TradeEventV1): e is Booked => e.type === 'TradeCaptured' || e.type === 'TradeAmended' || e.type === 'TradeCancelled';

const tradeRefOf = (e: Booked): string => (e.type === 'TradeAmended' ? e.payload.after.tradeRef : e.payload.trade.tradeRef);
const economicsOf = (e: Booked) => (e.type === 'TradeAmended' ? e.payload.after : e.payload.trade);

/**
 * trade.events.v1 → the journal: TradeCaptured books the trade-date entry (a commitment, or the
 * securities at cost for a book recognized at trade date); TradeAmended reverses the entry booked
 * and books the amended one; TradeCancelled reverses it. Events of one trade are applied in
 * partition order; what cannot be posted (the trade unknown, or already settled) is held and
 * logged. Then any settlement waiting for these trades is posted.
 */
@Injectable()
export class TradeEventsPostingConsumer extends EnvelopeHandler<TradeEventV1 | PartitionDayClosedEvent> {
  readonly consumerId = 'accounting.trade-events';
  readonly topics = [Topics.tradeEvents];
  // Only the events that book, and capture's day markers (the costing): a settlement parked before
  // its trade is released by the batch that books the trade (lockTradesAgainstParking), not by
  // whichever batch comes next.
  override readonly types = ['TradeCaptured', 'TradeAmended', 'TradeCancelled', PARTITION_DAY_CLOSED];

  constructor(@Inject(CONFIG) private readonly config: AccountingConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<TradeEventV1 | PartitionDayClosedEvent>[]): Promise<void> {
    await asJournalWriter(ctx, this.config.JOURNAL_WRITER_ROLE);
    const { marks, others } = await splitByDayMarks(ctx.tx, ctx.schema, messages, () => Topics.tradeEvents);
    const arrivals = others.flatMap(({ message, markedThrough }) =>
      isBooked(message.body as TradeEventV1) ? [{ e: message.body as Booked, markedThrough }] : [],
    );
    const posted = await this.book(ctx, arrivals);
    posted.push(...(await costMarkedDays(ctx, await recordDayMarks(ctx.tx, ctx.schema, marks), this.config.PNL_TOLERANCE)));
    announce(ctx, [...posted, ...(await correctLateFxLines(ctx, posted))]);
  }

  /** Books the trade events, in partition order; returns what it posted (and the settlements it released). */
  private async book(ctx: BatchContext, arrivals: Array<{ e: Booked; markedThrough: string }>): Promise<JournalEntry[]> {
    if (arrivals.length === 0) return [];
    const booked = arrivals.map((a) => a.e);
    await lockTradesAgainstParking(ctx.tx, booked.map(tradeRefOf));
    const trades = await loadTrades(ctx.tx, booked.map(tradeRefOf));
    const sets = await loadRuleSets(ctx.tx);
    const economics = booked.map(economicsOf);
    const recognition = await recognitionOf(
      ctx.tx,
      economics.map((t) => ({ book: t.book, date: t.tradeDate })),
    );
    const unstated = economics.filter((t) => t.accountingCategory === undefined || t.costMethod === undefined).map((t) => t.account);
    const infos = unstated.length > 0 ? await accountInfos(ctx.tx, unstated) : new Map<string, AccountInfo>();
    // The account's category and cost method as capture saw them, carried by the event: the books
    // then do not depend on whether accounts_ref (another topic) was read before the trade. Events
    // from before they were carried fall back on accounts_ref.
    const book = (e: Booked) => {
      const x = economicsOf(e);
      const info = infos.get(x.account);
      return storedTrade(x, {
        recognition: recognition(x.book, x.tradeDate),
        securitiesAccount: securitiesAccountOf(x.accountingCategory ?? info?.accountingCategory),
        costMethod: x.costMethod ?? info?.costMethod ?? 'CMP',
      });
    };
    // Each event's trade as it would be booked, built once.
    const bookedTrades = booked.map(book);
    const staged: StagedOp[] = [];
    const changed = new Map<string, StoredTrade>();
    const entries: JournalEntry[] = [];
    const held: HeldEvent[] = [];
    const hold = (e: Booked, reason: HeldEvent['reason']) => {
      held.push({ tradeRef: tradeRefOf(e), reason, event: e });
      ctx.log.warn({ correlationId: tradeRefOf(e), eventId: e.eventId, event: e.type, reason }, 'trade event held, nothing posted');
    };
    for (const [i, { e, markedThrough }] of arrivals.entries()) {
      const ref = tradeRefOf(e);
      const current = trades.get(ref) ?? null;
      switch (e.type) {
        case 'TradeCaptured': {
          if (current) {
            ctx.log.debug({ correlationId: ref, eventId: e.eventId }, 'trade already booked; capture ignored');
            break;
          }
          const t = bookedTrades[i]!;
          entries.push(tradeDateEntry(sets, staged, t, e.eventId, markedThrough));
          trades.set(ref, t);
          changed.set(ref, t);
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
            entries.push(reversalEntry(sets, staged, current!, e.eventId, markedThrough));
            // The amended version keeps the recognition the trade was booked with.
            const amended = storedTrade(e.payload.after, {
              recognition: current!.recognition,
              securitiesAccount: current!.securitiesAccount,
              costMethod: current!.costMethod,
            });
            entries.push(tradeDateEntry(sets, staged, amended, e.eventId, markedThrough));
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
            entries.push(reversalEntry(sets, staged, current!, e.eventId, markedThrough));
            current!.status = 'CANCELLED';
            changed.set(ref, current!);
          }
          break;
        }
      }
    }
    await saveTrades(ctx.tx, [...changed.values()]);
    await stageOps(ctx.tx, staged);
    await holdEvents(ctx.tx, held);
    return [...(await appendJournal(ctx.tx, entries)), ...(await releaseParkedSettlements(ctx))];
  }
}
