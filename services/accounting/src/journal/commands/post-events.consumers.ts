import { Inject, Injectable } from '@nestjs/common';
import {
  envelope,
  Topics,
  type AccountingEvent,
  type AccountRefEvent,
  type BusinessDayV1,
  type PenaltyAccruedEvent,
  type PenaltyWaivedEvent,
  type ReportingEvent,
  type SettlementEvent,
  type SettlementTopicEvent,
  type PartitionDayClosedEvent,
  type TradeEventV1,
  PARTITION_DAY_CLOSED,
} from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { CONFIG, EnvelopeHandler, recordDayMarks, splitByDayMarks, type BatchContext, type BusinessDayHooks, type InboundMessage } from '@postera/platform';
import type { AccountingConfig } from '../../config.js';
import { settlementStep } from '../../ledger/domain/amounts.js';
import { applyRules, reversalOf, ruleSetOn, type PostingContext, type RuleSet } from '../../ledger/domain/rules-engine.js';
import type { CostOpMeta } from '../../ledger/domain/cost-history.js';
import { accountInfos, loadRuleSets, recognitionOf, securitiesAccountOf, upsertAccounts } from '../../ledger/persistence/ledger.repository.js';
import { UNDO } from '../../ledger/persistence/position-book.js';
import { stageOps, type StagedOp } from '../../ledger/persistence/staged-ops.js';
import { pgArray } from '../../database/pg-array.js';
import { correctLateFxLines, revalueAtClose } from '../../fx/commands/fx.service.js';
import { settlementStepPosting, tradeDatePosting, type CostEffect } from '../domain/posting-rules.js';
import { costMarkedDays } from './cost-marked-days.js';
import { amendmentDisposition, cancellationDisposition, settlementDisposition } from '../domain/trade-lifecycle.js';
import { appendJournal, asJournalWriter, entryLines, journalEntry, postedCauses, type JournalEntry } from '../persistence/journal.repository.js';
import {
  holdEvents,
  loadTrades,
  lockTradesAgainstParking,
  saveSettledTrades,
  saveTrades,
  storedTrade,
  type HeldEvent,
  type StoredTrade,
} from '../persistence/trade.repository.js';

/**
 * Kinds announced on accounting.events.v1: a trade's entries, keyed by its reference, and the FX
 * revaluations, keyed `FX:<book>:<currency>`, with the result they book (reporting's activity report).
 * TTF accruals and recostings are not announced.
 */
const ANNOUNCED = new Set<JournalEntry['kind']>([
  'TRADE_DATE_COMMITMENT',
  'TRADE_DATE_COMMITMENT_REVERSAL',
  'SETTLEMENT',
  'PENALTY',
  'PENALTY_WAIVER',
  'FX_REVALUATION',
]);

/** Credits less debits on the P&L accounts (PCG classes 6 and 7): a gain positive, a loss negative. */
const pnlResult = (lines: JournalEntry['lines']): Dec =>
  lines.filter((l) => /^[67]/.test(l.accountCode)).reduce((s, l) => s.plus(l.credit).minus(l.debit), new Dec(0));

export function announce(ctx: BatchContext, posted: JournalEntry[]): void {
  for (const e of posted) {
    if (!ANNOUNCED.has(e.kind)) continue;
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
        ...(e.kind === 'FX_REVALUATION' ? { result: pnlResult(e.lines).toFixed() } : {}),
      },
    });
    ctx.emit({ topic: Topics.accountingEvents, key: e.tradeRef, event });
  }
}

const positionOf = (t: StoredTrade) => ({ account: t.account, isin: t.isin, costMethod: t.costMethod });

/** The consideration of an operation: the securities move at the gross, no P&L until its day is costed. */
const consideration = (side: 'BUY' | 'SELL', gross: Dec): CostEffect => ({ securities: side === 'BUY' ? gross : gross.negated(), realized: new Dec(0) });

/** The later of two days marked ('' before any). */
const laterMark = (a: string, b: string): string => (a > b ? a : b);

const postingContext = (t: StoredTrade): PostingContext => ({
  securitiesAccount: t.securitiesAccount,
  aux: { CUSTODIAN: t.placeOfSettlement || null, COUNTERPARTY: t.counterparty || null, CLIENT: t.clientId || null },
});

/**
 * Where an operation sits in its position's economic order (ledger/domain/cost-history.ts):
 * recognition date | trade date | trade reference | event. A trade-date operation's key starts with
 * tradeDateOpPrefix, by which its amendment or cancellation finds it.
 */
const tradeDateOpPrefix = (t: StoredTrade) => `${t.tradeDate}|${t.tradeDate}|${t.tradeRef}|`;
const settlementOpKey = (t: StoredTrade, date: string, eventId: string) => `${date}|${t.tradeDate}|${t.tradeRef}|${eventId}`;

const opMeta = (t: StoredTrade, event: CostOpMeta['event'], accountingDate: string): CostOpMeta => ({
  tradeRef: t.tradeRef,
  event,
  recognition: t.recognition,
  accountingDate,
  securitiesAccount: t.securitiesAccount,
  book: t.book,
  currency: t.currency,
});

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

interface Step {
  eventId: string;
  tradeRef: string;
  account: string;
  isin: string;
  book: string;
  quantity: string;
  date: string;
}

/**
 * One settlement step (the whole, or a partial settlement) of the trade, in proportion
 * (ledger/domain/amounts.ts): its figures and the trade's new state. Needs no position: the cost
 * released is computed later (settlementLines), under the positions' lock.
 */
function settlementStepOf(t: StoredTrade, ev: SettlementEvent, markedThrough: string): PendingStep {
  const p = ev.payload;
  const date = p.effectiveSettlementDate ?? p.intendedSettlementDate;
  const s = settlementStep(t, { stepQuantity: p.stepQuantity, stepAmount: p.stepAmount, settledQuantity: p.settledQuantity });
  Object.assign(t, {
    settledQuantity: new Dec(t.settledQuantity).plus(s.quantity).toFixed(),
    settledCommitment: new Dec(t.settledCommitment).plus(s.commitment).toFixed(),
    settledAccrued: new Dec(t.settledAccrued).plus(s.accrued).toFixed(),
    settledFees: new Dec(t.settledFees).plus(s.fees).toFixed(),
    settledNet: new Dec(t.settledNet).plus(s.net).toFixed(),
    status: s.final ? 'SETTLED' : 'PARTIALLY_SETTLED',
    settlementEventId: ev.eventId,
  });
  const signed = t.side === 'BUY' ? s.quantity : s.quantity.negated();
  return {
    trade: t,
    event: ev,
    figures: s,
    markedThrough: laterMark(markedThrough, t.markedThrough),
    entry: journalEntry({
      tradeRef: t.tradeRef,
      kind: 'SETTLEMENT',
      accountingDate: date,
      causeEventId: ev.eventId,
      book: t.book,
      currency: t.currency,
      lines: [],
    }),
    step: { eventId: ev.eventId, tradeRef: t.tradeRef, account: t.account, isin: t.isin, book: t.book, quantity: signed.toFixed(), date },
  };
}

/**
 * The step's lines: under settlement-date recognition the securities at the step's consideration —
 * the step is staged, its cost posted when its day is costed — then the rule set in force on its date.
 */
function settlementLines(sets: RuleSet[], staged: StagedOp[], x: PendingStep): void {
  const t = x.trade;
  const date = x.step.date;
  let cost: CostEffect = { securities: new Dec(0), realized: new Dec(0) };
  if (t.recognition === 'SETTLEMENT_DATE') {
    cost = consideration(t.side, x.figures.gross);
    staged.push({
      action: 'INSERT',
      markedThrough: x.markedThrough,
      ...positionOf(t),
      key: settlementOpKey(t, date, x.event.eventId),
      side: t.side,
      quantity: x.figures.quantity,
      gross: x.figures.gross,
      posted: cost,
      meta: opMeta(t, 'SETTLEMENT', date),
    });
  }
  x.entry.lines = settlementStepPosting(t.side, x.figures, cost, t.recognition, ruleSetOn(sets, date), postingContext(t));
}

interface PendingStep {
  trade: StoredTrade;
  event: SettlementEvent;
  figures: ReturnType<typeof settlementStep>;
  /** The later of the last days marked before the step and before its trade's version (cost-marked-days.ts). */
  markedThrough: string;
  /** Its lines are filled in by settlementLines. */
  entry: JournalEntry;
  step: Step;
}

interface SettlementsApplied {
  /** In event order; their lines still to compute (under the positions' lock). */
  pending: PendingStep[];
  /** Parked until the trade, or the version settled, arrives. */
  waiting: Array<{ event: SettlementEvent; markedThrough: string }>;
  held: HeldEvent[];
  changed: Map<string, StoredTrade>;
}

/** Settlement events posted without a position: a CSDR penalty and its waiver. */
const POSTED_AS_IS = new Set(['PenaltyAccrued', 'PenaltyWaived']);

const isStep = (e: SettlementTopicEvent): e is SettlementEvent =>
  e.type === 'InstructionStatusChanged' && (e.payload.status === 'SETTLED' || e.payload.status === 'PARTIALLY_SETTLED');

/**
 * Settlement steps against the trades loaded, in order: to post, parked, held (never posted) or
 * dropped as duplicates. Nothing here needs a position: the positions are locked only in
 * writeSettlements, after every write that does not depend on them, so the batches of other
 * partitions that wait for the same positions wait for the journal lines only.
 */
async function applySettlements(
  ctx: BatchContext,
  trades: Map<string, StoredTrade>,
  settled: Array<{ event: SettlementEvent; markedThrough: string }>,
): Promise<SettlementsApplied> {
  const out: SettlementsApplied = { pending: [], waiting: [], held: [], changed: new Map() };
  // A step can only have been posted against a stored trade (trades are never deleted): the
  // settlements about to be parked for a trade not yet known need no look-up.
  const already = await postedCauses(
    ctx.tx,
    settled.filter(({ event: e }) => trades.has(e.payload.tradeRef)).map(({ event: e }) => e.eventId),
    'SETTLEMENT',
  );
  for (const { event: e, markedThrough } of settled) {
    if (already.has(e.eventId)) continue;
    const t = trades.get(e.payload.tradeRef) ?? null;
    const d = settlementDisposition(t, { eventId: e.eventId, tradeVersion: e.payload.tradeVersion });
    switch (d.kind) {
      case 'post': {
        out.pending.push(settlementStepOf(t!, e, markedThrough));
        out.changed.set(t!.tradeRef, t!);
        break;
      }
      case 'wait':
        out.waiting.push({ event: e, markedThrough });
        break;
      case 'duplicate':
        break;
      case 'hold':
        out.held.push({ tradeRef: e.payload.tradeRef, reason: d.reason, event: e });
        ctx.log.warn(
          { correlationId: e.payload.tradeRef, eventId: e.eventId, reason: d.reason, tradeVersion: e.payload.tradeVersion, booked: t?.version },
          'settlement held, not posted',
        );
        break;
    }
  }
  return out;
}

async function saveSteps(ctx: BatchContext, steps: Step[]): Promise<void> {
  if (steps.length === 0) return;
  await ctx.tx.query(
    `INSERT INTO accounting.settlement_steps (event_id, trade_ref, account, isin, book, quantity, settlement_date)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::date[]) ON CONFLICT DO NOTHING`,
    [
      steps.map((s) => s.eventId),
      steps.map((s) => s.tradeRef),
      steps.map((s) => s.account),
      steps.map((s) => s.isin),
      steps.map((s) => s.book),
      steps.map((s) => s.quantity),
      steps.map((s) => s.date),
    ].map(pgArray),
  );
}

async function park(ctx: BatchContext, waiting: SettlementsApplied['waiting']): Promise<void> {
  if (waiting.length === 0) return;
  await ctx.tx.query(
    `INSERT INTO accounting.parked_settlements (event_id, trade_ref, event, marked_through)
     SELECT e, r, v, m FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[]) WITH ORDINALITY AS x(e, r, v, m, n) ORDER BY n ON CONFLICT DO NOTHING`,
    [
      waiting.map((w) => w.event.eventId),
      waiting.map((w) => w.event.payload.tradeRef),
      waiting.map((w) => JSON.stringify(w.event)),
      waiting.map((w) => w.markedThrough),
    ],
  );
}

async function writeSettlements(ctx: BatchContext, applied: SettlementsApplied): Promise<JournalEntry[]> {
  await holdEvents(ctx.tx, applied.held);
  await saveSettledTrades(ctx.tx, [...applied.changed.values()]);
  await saveSteps(
    ctx,
    applied.pending.map((x) => x.step),
  );
  if (applied.pending.length === 0) return [];
  const sets = await loadRuleSets(ctx.tx);
  const staged: StagedOp[] = [];
  for (const x of applied.pending) settlementLines(sets, staged, x);
  await stageOps(ctx.tx, staged);
  return appendJournal(
    ctx.tx,
    applied.pending.map((x) => x.entry),
  );
}

/**
 * Settles what was parked before its trade (or the amended version it settles) was known. Run
 * after every batch that books trades and at each close; a settlement and its trade arriving
 * together are serialized (lockTradesAgainstParking), so the trade's batch sees what was parked. A parked settlement whose trade has since been cancelled or superseded is held.
 * Rows another batch is releasing are skipped (SKIP LOCKED), not waited for: that batch deletes
 * them when it commits, or leaves them to the next run if it rolls back.
 */
export async function releaseParkedSettlements(ctx: BatchContext): Promise<JournalEntry[]> {
  const parked = (await ctx.tx.query(
    `SELECT p.event, p.marked_through AS "markedThrough" FROM accounting.parked_settlements p
     WHERE EXISTS (SELECT 1 FROM accounting.trades t WHERE t.trade_ref = p.trade_ref)
     ORDER BY p.parked_seq FOR UPDATE OF p SKIP LOCKED`,
  )) as Array<{ event: SettlementEvent; markedThrough: string }>;
  if (parked.length === 0) return [];
  const events = parked.map((p) => p.event);
  const trades = await loadTrades(
    ctx.tx,
    events.map((e) => e.payload.tradeRef),
  );
  const applied = await applySettlements(ctx, trades, parked);
  const stillWaiting = new Set(applied.waiting.map((w) => w.event.eventId));
  await ctx.tx.query(`DELETE FROM accounting.parked_settlements WHERE event_id = ANY($1::text[])`, [
    events.filter((e) => !stillWaiting.has(e.eventId)).map((e) => e.eventId),
  ]);
  return writeSettlements(ctx, applied);
}

/** At the close of a business day: nothing parked stays behind its trade; FX revaluation. (The P&L reconciliation runs when the day is costed.) */
@Injectable()
export class AccountingDayHooks implements BusinessDayHooks {
  constructor(@Inject(CONFIG) private readonly config: AccountingConfig) {}

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    await asJournalWriter(ctx, this.config.JOURNAL_WRITER_ROLE);
    const released = await releaseParkedSettlements(ctx);
    announce(ctx, released);
    announce(ctx, await revalueAtClose(ctx, day.businessDate, causeEventId));
    // After the close, which revalued what it holds: a released line of a currency without a rate today may be late for an earlier close.
    announce(ctx, await correctLateFxLines(ctx, released));
  }
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
    const infos = await accountInfos(
      ctx.tx,
      economics.map((t) => t.account),
    );
    const book = (e: Booked) => {
      const x = economicsOf(e);
      const info = infos.get(x.account);
      return storedTrade(x, {
        recognition: recognition(x.book, x.tradeDate),
        securitiesAccount: securitiesAccountOf(info),
        costMethod: info?.costMethod ?? 'CMP',
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

/**
 * reporting.events.v1 TtfAssessed → the TTF accrued, dated the trade date: charged to the client
 * (client settlement account) or a proprietary book's expense, against TTF payable. A
 * re-assessment reverses the one it supersedes (its lines mirrored) and books itself.
 */
@Injectable()
export class TtfAccrualConsumer extends EnvelopeHandler<ReportingEvent> {
  readonly consumerId = 'accounting.ttf';
  readonly topics = [Topics.reportingEvents];

  constructor(@Inject(CONFIG) private readonly config: AccountingConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<ReportingEvent>[]): Promise<void> {
    const assessed = messages.map((m) => m.body).filter((e) => e.type === 'TtfAssessed');
    if (assessed.length === 0) return;
    await asJournalWriter(ctx, this.config.JOURNAL_WRITER_ROLE);
    const sets = await loadRuleSets(ctx.tx);
    const infos = await accountInfos(
      ctx.tx,
      assessed.map((e) => e.payload.account),
    );
    const superseded = assessed.flatMap((e) =>
      e.payload.supersedes ? [journalEntry({ ...ttfBase(e), causeEventId: e.payload.supersedes, lines: [] }).entryId] : [],
    );
    const old = await entryLines(ctx.tx, superseded);
    const entries: JournalEntry[] = [];
    for (const e of assessed) {
      const p = e.payload;
      if (p.supersedes) {
        const lines = old.get(journalEntry({ ...ttfBase(e), causeEventId: p.supersedes, lines: [] }).entryId);
        if (lines) entries.push(journalEntry({ ...ttfBase(e), causeEventId: `${e.eventId}:reverses:${p.supersedes}`, lines: reversalOf(lines) }));
        else ctx.log.warn({ eventId: e.eventId, supersedes: p.supersedes }, 'superseded TTF assessment not booked here; nothing reversed');
      }
      const info = infos.get(p.account);
      entries.push(
        journalEntry({
          ...ttfBase(e),
          causeEventId: e.eventId,
          lines: applyRules(
            ruleSetOn(sets, p.tradeDate),
            { event: 'TTF_ACCRUAL', recognition: 'SETTLEMENT_DATE', variant: info?.accountType === 'PROPRIETARY' ? 'PROPRIETARY' : 'CLIENT' },
            { amount: new Dec(p.amount) },
            { securitiesAccount: '', aux: { CLIENT: info?.clientId ?? p.account } },
          ),
        }),
      );
    }
    announce(ctx, await correctLateFxLines(ctx, await appendJournal(ctx.tx, entries)));
  }
}

const ttfBase = (e: ReportingEvent) => ({
  tradeRef: `TTF:${e.payload.account}:${e.payload.isin}:${e.payload.tradeDate}`,
  kind: 'TTF_ACCRUAL' as const,
  accountingDate: e.payload.tradeDate,
  book: e.payload.book,
  currency: e.payload.currency,
});

/** refdata.accounts.v1 → each account's portfolio category (securities account) and cost method. */
@Injectable()
export class AccountsRefConsumer extends EnvelopeHandler<AccountRefEvent> {
  readonly consumerId = 'accounting.refdata-accounts';
  readonly topics = [Topics.refdataAccounts];

  async handle(ctx: BatchContext, messages: InboundMessage<AccountRefEvent>[]): Promise<void> {
    await upsertAccounts(
      ctx.tx,
      messages
        .map((m) => m.body)
        .filter((e) => e.type === 'AccountUpserted')
        .map((e) => e.payload),
    );
  }
}
