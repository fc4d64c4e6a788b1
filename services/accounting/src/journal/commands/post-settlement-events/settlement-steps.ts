import type { SettlementEvent } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import type { BatchContext } from '@postera/platform';
import { pgArray } from '../../../database/pg-array.js';
import { settlementStep } from '../../../ledger/domain/amounts.js';
import { ruleSetOn, type RuleSet } from '../../../ledger/domain/rules-engine.js';
import { appendJournal, journalEntry, postedCauses, type JournalEntry } from '../../../ledger/persistence/journal.repository.js';
import { loadRuleSets } from '../../../ledger/persistence/ledger.repository.js';
import { stageOps, type StagedOp } from '../../../ledger/persistence/staged-ops.js';
import { consideration, laterMark, opMeta, positionOf, postingContext, settlementOpKey } from '../../domain/position-operations.js';
import { settlementStepPosting, type CostEffect } from '../../domain/posting-rules.js';
import { settlementDisposition } from '../../domain/trade-lifecycle.js';
import { holdEvents, saveSettledTrades, type HeldEvent, type StoredTrade } from '../../persistence/trade.repository.js';

// Settlement steps applied to their trades and written: by the settlement events' consumer, and by
// the release of the settlements parked before their trade (release-parked-settlements).

/** A step as accounting.settlement_steps holds it: the settlement-date view of the holdings. */
export interface Step {
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
 * (ledger/domain/amounts.ts): its figures and the trade's new state. Needs no position: a step
 * under settlement-date recognition is booked at its consideration and staged for its day's costing
 * (settlementLines).
 */
export function settlementStepOf(t: StoredTrade, ev: SettlementEvent, markedThrough: string): PendingStep {
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
export function settlementLines(sets: RuleSet[], staged: StagedOp[], x: PendingStep): void {
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

export interface PendingStep {
  trade: StoredTrade;
  event: SettlementEvent;
  figures: ReturnType<typeof settlementStep>;
  /** The later of the last days marked before the step and before its trade's version (cost-marked-days.ts). */
  markedThrough: string;
  /** Its lines are filled in by settlementLines. */
  entry: JournalEntry;
  step: Step;
}

export interface SettlementsApplied {
  /** In event order; their lines still to compute (settlementLines). */
  pending: PendingStep[];
  /** Parked until the trade, or the version settled, arrives. */
  waiting: Array<{ event: SettlementEvent; markedThrough: string }>;
  held: HeldEvent[];
  changed: Map<string, StoredTrade>;
}

/**
 * Settlement steps against the trades loaded, in order: to post, parked, held (never posted) or
 * dropped as duplicates. Nothing here needs a position: positions move only when a day is
 * costed (cost-marked-days.ts), so the batches of two partitions never wait for each other on one.
 */
export async function applySettlements(
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

export async function saveSteps(ctx: BatchContext, steps: Step[]): Promise<void> {
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

export async function park(ctx: BatchContext, waiting: SettlementsApplied['waiting']): Promise<void> {
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

export async function writeSettlements(ctx: BatchContext, applied: SettlementsApplied): Promise<JournalEntry[]> {
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
