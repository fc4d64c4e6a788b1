import { Inject, Injectable } from '@nestjs/common';
import {
  PARTITION_DAY_CLOSED,
  Topics,
  type PartitionDayClosedEvent,
  type PenaltyAccruedEvent,
  type PenaltyWaivedEvent,
  type SettlementEvent,
  type SettlementTopicEvent,
} from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { CONFIG, EnvelopeHandler, recordDayMarks, splitByDayMarks, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import type { AccountingConfig } from '../../../config.js';
import { correctLateFxLines } from '../../../fx/commands/revalue-positions/revaluation.js';
import { applyRules, reversalOf, ruleSetOn, type RuleSet } from '../../../ledger/domain/rules-engine.js';
import { appendJournal, asJournalWriter, entryLines, journalEntry, type JournalEntry } from '../../../ledger/persistence/journal.repository.js';
import { loadRuleSets } from '../../../ledger/persistence/ledger.repository.js';
import { loadTrades, lockTradesAgainstParking } from '../../persistence/trade.repository.js';
import { announce } from '../announce.js';
import { costMarkedDays } from '../cost-day/cost-marked-days.js';
import { applySettlements, park, writeSettlements } from './settlement-steps.js';

/** The instruction statuses that post a settlement step; the others are skipped. */
const STEP_STATUSES: ReadonlySet<string> = new Set(['SETTLED', 'PARTIALLY_SETTLED']);

/** Settlement events posted without a position: a CSDR penalty and its waiver. */
const POSTED_AS_IS = new Set(['PenaltyAccrued', 'PenaltyWaived']);

const isStep = (e: SettlementTopicEvent): e is SettlementEvent => e.type === 'InstructionStatusChanged' && STEP_STATUSES.has(e.payload.status);

/** A CSDR cash penalty (receivable or payable) for one business day, dated that day. */
function penaltyEntry(sets: RuleSet[], e: PenaltyAccruedEvent): JournalEntry {
  const p = e.payload;
  return journalEntry({
    tradeRef: p.tradeRef,
    kind: 'PENALTY',
    accountingDate: p.penaltyDate,
    causeEventId: e.eventId,
    book: p.book,
    currency: p.currency,
    lines: applyRules(
      ruleSetOn(sets, p.penaltyDate),
      { event: 'PENALTY', recognition: 'SETTLEMENT_DATE', variant: p.direction },
      { amount: new Dec(p.amount) },
      { securitiesAccount: '', aux: { COUNTERPARTY: p.counterparty } },
    ),
  });
}

/**
 * A penalty waived: its accrual mirrored line for line (re-read from the journal, so the reversal is
 * exactly what was booked), dated the day of the waiver — a correction is a new entry, never a change.
 */
async function penaltyWaiverEntries(ctx: BatchContext, waived: PenaltyWaivedEvent[]): Promise<JournalEntry[]> {
  const accrualId = (penaltyId: string) =>
    journalEntry({ tradeRef: '', kind: 'PENALTY', accountingDate: '', causeEventId: penaltyId, book: '', currency: '', lines: [] }).entryId;
  const booked = await entryLines(
    ctx.tx,
    waived.map((e) => accrualId(e.payload.penaltyId)),
  );
  return waived.flatMap((e) => {
    const p = e.payload;
    const lines = booked.get(accrualId(p.penaltyId));
    if (!lines) {
      ctx.log.warn({ eventId: e.eventId, penaltyId: p.penaltyId }, 'waived penalty not booked here; nothing to reverse');
      return [];
    }
    return [
      journalEntry({
        tradeRef: p.tradeRef,
        kind: 'PENALTY_WAIVER',
        accountingDate: e.occurredAt.slice(0, 10),
        causeEventId: e.eventId,
        book: p.book,
        currency: p.currency,
        lines: reversalOf(lines),
      }),
    ];
  });
}

/**
 * settlement.events.v1: SETTLED and PARTIALLY_SETTLED → a settlement step posted (parked until the
 * trade is known, or held when it must not be posted); PenaltyAccrued → the penalty receivable or
 * payable. Other statuses are ignored.
 */
@Injectable()
export class SettlementEventsPostingConsumer extends EnvelopeHandler<SettlementTopicEvent | PartitionDayClosedEvent> {
  readonly consumerId = 'accounting.settlement-events';
  readonly topics = [Topics.settlementEvents];
  override readonly types = ['InstructionStatusChanged', 'PenaltyAccrued', 'PenaltyWaived', PARTITION_DAY_CLOSED];

  /** A status change other than a settled step is skipped by its `status` header, without a transaction (a record without the header is taken). */
  override accepts(record: InboundRecord): boolean {
    if (!super.accepts(record)) return false;
    const status = record.headers.status;
    return record.headers.type !== 'InstructionStatusChanged' || status === undefined || STEP_STATUSES.has(status);
  }

  constructor(@Inject(CONFIG) private readonly config: AccountingConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<SettlementTopicEvent | PartitionDayClosedEvent>[]): Promise<void> {
    const acting = messages.filter((m) => m.body.type === PARTITION_DAY_CLOSED || isStep(m.body as SettlementTopicEvent) || POSTED_AS_IS.has(m.body.type));
    if (acting.length === 0) return;
    await asJournalWriter(ctx, this.config.JOURNAL_WRITER_ROLE);
    const { marks, others } = await splitByDayMarks(ctx.tx, ctx.schema, acting, () => Topics.settlementEvents);
    const events = others.map((o) => o.message.body as SettlementTopicEvent);
    const settled = others.flatMap(({ message, markedThrough }) =>
      isStep(message.body as SettlementTopicEvent) ? [{ event: message.body as SettlementEvent, markedThrough }] : [],
    );
    const penalties = events.filter((e): e is PenaltyAccruedEvent => e.type === 'PenaltyAccrued');
    const waived = events.filter((e): e is PenaltyWaivedEvent => e.type === 'PenaltyWaived');
    const posted: JournalEntry[] = [];
    if (settled.length > 0) {
      await lockTradesAgainstParking(
        ctx.tx,
        settled.map(({ event: e }) => e.payload.tradeRef),
      );
      const trades = await loadTrades(
        ctx.tx,
        settled.map(({ event: e }) => e.payload.tradeRef),
      );
      const applied = await applySettlements(ctx, trades, settled);
      await park(ctx, applied.waiting);
      posted.push(...(await writeSettlements(ctx, applied)));
    }
    if (penalties.length > 0) {
      const sets = await loadRuleSets(ctx.tx);
      posted.push(
        ...(await appendJournal(
          ctx.tx,
          penalties.map((e) => penaltyEntry(sets, e)),
        )),
      );
    }
    // After the accruals of the same batch, so a waiver finds its accrual even when both came together.
    if (waived.length > 0) posted.push(...(await appendJournal(ctx.tx, await penaltyWaiverEntries(ctx, waived))));
    posted.push(...(await costMarkedDays(ctx, await recordDayMarks(ctx.tx, ctx.schema, marks), this.config.PNL_TOLERANCE)));
    announce(ctx, [...posted, ...(await correctLateFxLines(ctx, posted))]);
  }
}
