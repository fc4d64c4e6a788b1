import { Inject, Injectable } from '@nestjs/common';
import { isPartitionDayClosed, Topics, type CustodianStatusEvent, type CustodianStatusV1, type PartitionDayClosedEvent } from '@postera/contracts';
import { parseSese024, parseSese025 } from '@postera/iso20022';
import { deterministicId, Dec, type SettlementCalendar } from '@postera/kernel';
import {
  CONFIG,
  currentBusinessDay,
  EnvelopeHandler,
  markDayClosed,
  recordDayMarks,
  splitByDayMarks,
  UndecodableMessage,
  type BatchContext,
  type InboundMessage,
  type InboundRecord, readCalendar,
} from '@postera/platform';
import type { SettlementConfig } from '../../config.js';
import { accruePending, recordPenaltyDays, type PenaltyDue } from '../../penalties/commands/accrue-penalties.js';
import { LATE_MATCHING_DAYS_MAX, penaltyDaysOfAdvice } from '../../penalties/domain/late-matching.js';
import { isCashFail, lmfpDirection, sefpDirection } from '../../penalties/domain/penalties.js';
import { isProgress, statusFromCustodian, type InstructionStatus } from '../domain/instruction-status.js';
import { applyStep } from '../domain/settlement-steps.js';
import { instructionIdOfTx } from '../domain/sese023.js';
import {
  insertHistory,
  loadInstructions,
  loadNetMembers,
  updateInstructions,
  type HistoryRow,
  type InstructionRow,
} from '../persistence/instruction.repository.js';
import { statusChanged } from './status-event.js';

interface AdviceFlags {
  pendingOnly: boolean;
  informational: string | null;
  /** What a pending advice says besides, applied when the pending is no fail: its matching status (MACH/NMAT), or its acceptance. */
  whenNotFailing: { status: 'PACK' | 'MACH' | 'NMAT'; reason: string | null } | null;
}
type Advice = CustodianStatusV1 & { stepAmount: string | null } & AdviceFlags;

/** States in which the CSD has matched the instruction: a fail on them is a settlement fail. */
const MATCHED_STATES: ReadonlySet<InstructionStatus> = new Set(['MATCHED', 'FAILING', 'PARTIALLY_SETTLED', 'SETTLED']);

/**
 * An advice as settlement reads it: from its ISO 20022 document when it carries one (read back
 * strictly), else the event's fields.
 * - A settlement status is read as the standard defines it: failing (`Flng`) is a fail (PEND here,
 *   a fail day); pending (`Pdg`) means settlement on the intended date is still possible, so it is
 *   no fail — `pendingOnly`, decided against the instruction's intended date in the handler.
 * - A status with no place in the lifecycle (pending processing, repair, a cancellation or
 *   modification requested or pending, a proprietary status) is `informational`: logged, not applied.
 * - The day: the status's own (matching, acknowledgement) when the document has one, else the
 *   event's business date (for a real CSD, the day the advice was sent).
 */
export function readAdvice(p: CustodianStatusV1): Advice {
  const plain: AdviceFlags = { pendingOnly: false, informational: null, whenNotFailing: null };
  if (!p.xml) return { ...p, stepAmount: p.settledAmount, ...plain };
  const sameInstruction = (txId: string, what: string) => {
    if (instructionIdOfTx(txId) !== p.instructionId && txId !== p.instructionId)
      throw new Error(`${what} for ${txId} carried by an event for ${p.instructionId}`);
  };
  if (p.status === 'SETT') {
    const c = parseSese025(p.xml);
    sameInstruction(c.transactionId, 'sese.025');
    return {
      ...p,
      ...plain,
      status: 'SETT',
      settledQuantity: c.settledQuantity,
      settledAmount: c.settledAmount?.amount ?? '0',
      stepAmount: c.settledAmount?.amount ?? '0',
      // A confirmation that does not say what remains: none after a full or last-part settlement; unknown after a partial one.
      remainingQuantity: c.remainingQuantity ?? (c.partialSettlement === 'PAIN' ? null : '0'),
      effectiveSettlementDate: c.effectiveSettlementDate,
      businessDate: c.effectiveSettlementDate,
    };
  }
  const a = parseSese024(p.xml);
  sameInstruction(a.transactionId, 'sese.024');
  const reason = a.reasons[0]?.code ?? null;
  const businessDate = a.statusDate ?? p.businessDate ?? null;
  const as = (status: CustodianStatusV1['status'], more: Partial<typeof plain> = {}) => ({
    ...p,
    ...plain,
    ...more,
    status,
    reason,
    businessDate,
    stepAmount: null,
  });
  switch (a.status) {
    case 'PACK':
    case 'REJT':
    case 'CAND':
    case 'MACH':
    case 'NMAT':
      return as(a.status);
    case 'PENF':
      return as('PEND');
    case 'PEND': {
      const other = a.statuses.find((s) => s.status === 'MACH' || s.status === 'NMAT') ?? a.statuses.find((s) => s.status === 'PACK');
      const whenNotFailing = other ? { status: other.status as 'PACK' | 'MACH' | 'NMAT', reason: other.reasons[0]?.code ?? null } : null;
      return as('PEND', { pendingOnly: true, whenNotFailing });
    }
    case 'PPRC':
    case 'REPR':
    case 'CANP':
    case 'CPRC':
    case 'MODR':
    case 'PRTY':
      return as(p.status, { informational: a.status === 'PRTY' ? `proprietary status ${a.proprietaryStatus?.code ?? ''}`.trim() : a.status });
  }
}

/**
 * custodian.status.v1 (sese.024 advices, sese.025 confirmations, read back from their XML) → the
 * instruction's lifecycle. Each change is kept in the history and announced on settlement.events.v1:
 * - SETT: a settlement step; cumulative settled figures, PARTIALLY_SETTLED until nothing remains, then SETTLED;
 * - MACH: MATCHED, and the matching date kept on the instruction (the document's `MtchdStsTmStmp`, else
 *   the event's day, else settlement's business day when the advice is processed). Matched after the
 *   intended date: an LMFP penalty day for each business day from the intended date up to the day
 *   before the matching date, computed now (`penalties/domain/late-matching.ts`);
 * - failing (sese.024 `Flng`) on a business day on or after the intended date and on or after the
 *   matching date: FAILING, and an SEFP penalty day (never on a day that is an LMFP day); pending (`Pdg`)
 *   is no fail until the intended date has passed, nor on an instruction that is not matched;
 * - an advice on a net instruction moves each gross trade it settles the same way (one event per trade).
 * An advice that would move an instruction backwards (late, replayed), or any advice after SETTLED,
 * REJECTED or CANCELLED, is ignored — except a settlement of a cancelled instruction, recorded
 * (SETTLED_AFTER_CANCEL) and logged as an error.
 *
 * The CSD's end of day (PartitionDayClosed, contracts: day-markers.v1) is no advice: the markers are
 * recorded in settlement.day_marks after the batch's advices are applied, and a day the CSD has now
 * marked on every partition of custodian.status.v1 is marked in turn on every partition of
 * settlement.events.v1. Each partition's advices of that day came before its marker, so every event
 * they caused is in the outbox, and on its partition, before settlement's markers.
 */
@Injectable()
export class CustodianStatusConsumer extends EnvelopeHandler<CustodianStatusEvent | PartitionDayClosedEvent> {
  readonly consumerId = 'settlement.custodian-status';
  readonly topics = [Topics.custodianStatus];

  /**
   * Each advice as decode read it, by its event's payload: the batch hands that same object to
   * handle, so the ISO 20022 document is parsed once (the parse is most of settlement's CPU per
   * advice). Weak: an entry goes with its batch.
   */
  private readonly advices = new WeakMap<CustodianStatusV1, Advice>();

  constructor(@Inject(CONFIG) private readonly config: SettlementConfig) {
    super();
  }

  override decode(record: InboundRecord): CustodianStatusEvent | PartitionDayClosedEvent {
    const e = super.decode(record);
    if (isPartitionDayClosed(e)) return e;
    try {
      this.advices.set(e.payload, readAdvice(e.payload));
    } catch (err) {
      throw new UndecodableMessage(`custodian advice unreadable: ${(err as Error).message}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<CustodianStatusEvent | PartitionDayClosedEvent>[]): Promise<void> {
    // Most batches hold advices only: no read of the marks for them.
    if (!messages.some((m) => isPartitionDayClosed(m.body))) return this.applyAdvices(ctx, messages as InboundMessage<CustodianStatusEvent>[]);
    const { marks, others } = await splitByDayMarks(ctx.tx, ctx.schema, messages, () => Topics.custodianStatus);
    const advices = others.map((o) => o.message).filter((m): m is InboundMessage<CustodianStatusEvent> => !isPartitionDayClosed(m.body));
    if (advices.length > 0) await this.applyAdvices(ctx, advices);
    if (marks.length === 0) return;
    const closed = (await recordDayMarks(ctx.tx, ctx.schema, marks)).get(Topics.custodianStatus) ?? [];
    const lastMarker = messages.findLast((m) => isPartitionDayClosed(m.body))?.body.eventId ?? null;
    for (const businessDate of closed) {
      const calendar = marks.find((m) => m.businessDate === businessDate)?.calendar ?? this.config.SETTLEMENT_CALENDAR;
      markDayClosed(ctx, { topic: Topics.settlementEvents, producer: 'settlement', calendar, businessDate, causeEventId: lastMarker });
    }
  }

  private async applyAdvices(ctx: BatchContext, messages: InboundMessage<CustodianStatusEvent>[]): Promise<void> {
    const instructions = await loadInstructions(
      ctx.tx,
      messages.map((m) => m.body.payload.instructionId),
    );
    const nets = await loadNetMembers(
      ctx.tx,
      [...instructions.values()].filter((i) => i.isNet).map((i) => i.instructionId),
    );
    const changed = new Map<string, InstructionRow>();
    const history: HistoryRow[] = [];
    const penalties: PenaltyDue[] = [];
    // Settlement's calendar as the referential last published it, read once a batch when a penalty day is counted.
    let calendar: SettlementCalendar | undefined;
    const settlementCalendar = async () => (calendar ??= await readCalendar(ctx.tx, 'settlement', this.config.SETTLEMENT_CALENDAR));
    // Settlement's business day, read once a batch, for a matching whose advice says no day.
    let today: string | null | undefined;
    const processingDay = async () => {
      if (today === undefined) today = (await currentBusinessDay(ctx.tx, ctx.schema, this.config.SETTLEMENT_CALENDAR))?.businessDate ?? null;
      return today;
    };
    for (const { body } of messages) {
      let advice = this.advices.get(body.payload) ?? readAdvice(body.payload);
      const current = instructions.get(advice.instructionId);
      if (!current) {
        // Not ours (or not yet known): nothing to apply; the custodian answers only what we sent.
        ctx.log.warn({ correlationId: advice.tradeRef, instructionId: advice.instructionId }, 'status advice for an unknown instruction ignored');
        continue;
      }
      const change = (row: InstructionRow, patch: Partial<InstructionRow>, step: { quantity: string; amount: string } | null, emit: boolean) => {
        const updated: InstructionRow = { ...row, ...patch, seq: row.seq + 1 };
        instructions.set(updated.instructionId, updated);
        changed.set(updated.instructionId, updated);
        history.push({ instructionId: updated.instructionId, seq: updated.seq, status: updated.status, reason: updated.reason, causeEventId: body.eventId });
        if (emit) ctx.emit({ topic: Topics.settlementEvents, key: updated.tradeRef, event: statusChanged(updated, body.eventId, step) });
        return updated;
      };
      if (advice.informational) {
        ctx.log.info(
          { correlationId: advice.tradeRef, instructionId: advice.instructionId, status: advice.informational },
          'status advice with no lifecycle step: recorded in the log only',
        );
        continue;
      }
      // A settlement fail needs a matched instruction: an unmatched one past its date is late matching's
      // (LMFP, charged once it matches), not SEFP's.
      const wasMatched = current.matchedDate !== null || MATCHED_STATES.has(current.status);
      // Pending is a fail only once the intended date has passed (the CSD still said pending, but
      // settlement on the intended date is no longer possible); before or on it, or undated, it is not.
      const pendingLate = !!advice.businessDate && advice.businessDate > current.intendedSettlementDate;
      if (advice.pendingOnly && !(pendingLate && (wasMatched || advice.whenNotFailing?.status === 'MACH'))) {
        if (!advice.whenNotFailing) {
          ctx.log.debug(
            { correlationId: advice.tradeRef, instructionId: advice.instructionId, reason: advice.reason },
            'pending, not failing: no lifecycle step',
          );
          continue;
        }
        // Matched, unmatched or accepted, and pending: that status is the step; the pending reason is no fail.
        advice = { ...advice, ...advice.whenNotFailing, pendingOnly: false };
      }
      let next: InstructionStatus = statusFromCustodian(advice.status);
      if (current.status === 'CANCELLED' && next === 'SETTLED') {
        // The custodian settled before our cancellation reached it: the securities moved. The
        // instruction stays CANCELLED (its trade was amended or cancelled); an operator must act.
        change(current, { reason: 'SETTLED_AFTER_CANCEL' }, null, false);
        ctx.log.error(
          { correlationId: advice.tradeRef, instructionId: advice.instructionId, effectiveSettlementDate: advice.effectiveSettlementDate },
          'the custodian settled an instruction we had cancelled; recorded for an operator',
        );
        continue;
      }
      let patch: Partial<InstructionRow> = { status: next, reason: advice.reason };
      let step: { quantity: string; amount: string } | null = null;
      if (advice.status === 'SETT') {
        const applied = applyStep(current, { quantity: advice.settledQuantity!, amount: advice.stepAmount ?? '0' });
        if (!applied.ok) {
          ctx.log.error({ correlationId: advice.tradeRef, instructionId: advice.instructionId, why: applied.why }, 'settlement confirmation not applied');
          continue;
        }
        next = applied.complete ? 'SETTLED' : 'PARTIALLY_SETTLED';
        step = { quantity: advice.settledQuantity!, amount: advice.stepAmount ?? '0' };
        patch = {
          status: next,
          reason: applied.complete ? null : 'PAIN',
          settledQuantity: applied.settledQuantity,
          settledAmount: applied.settledAmount,
          effectiveSettlementDate: advice.effectiveSettlementDate,
        };
      }
      if (!isProgress(current.status, next)) {
        ctx.log.debug({ correlationId: advice.tradeRef, from: current.status, to: next }, 'status advice would move the instruction backwards; ignored');
        continue;
      }
      // The matching (a MACH, or a pending advice that also says matched), the first time only: a
      // re-delivered or resent MACH finds the instruction matched already and changes nothing.
      const matches = !wasMatched && (advice.status === 'MACH' || (advice.status === 'PEND' && advice.whenNotFailing?.status === 'MACH'));
      const matchedOn = matches ? (advice.businessDate ?? (await processingDay())) : null;
      if (matches) patch.matchedDate = matchedOn;
      const before = current;
      const updated = change(current, patch, step, !current.isNet);

      // CSDR penalties: LMFP days when matched after the intended date; an SEFP day for a fail on or after it and the matching.
      const failedOn = advice.status === 'PEND' && advice.reason ? (advice.businessDate ?? null) : null;
      const days = penaltyDaysOfAdvice(before, { matchedOn, failedOn }, await settlementCalendar());
      if (days.sefp && advice.reason) {
        const cash = isCashFail(advice.reason);
        penalties.push({
          ...penaltyBase(updated),
          penaltyId: deterministicId('penalty', updated.instructionId, 'SEFP', days.sefp),
          kind: 'SEFP',
          direction: sefpDirection(advice.reason),
          penaltyDate: days.sefp,
          failReason: advice.reason,
          cashFail: cash,
          basisQuantity: cash
            ? new Dec(updated.settlementAmount).minus(updated.settledAmount ?? 0).toFixed()
            : new Dec(updated.quantity).minus(updated.settledQuantity ?? 0).toFixed(),
        });
      } else if (failedOn) {
        ctx.log.info(
          { correlationId: advice.tradeRef, instructionId: advice.instructionId, failedOn, matchedDate: before.matchedDate ?? matchedOn },
          'fail day before the intended or matching date: no SEFP',
        );
      }
      if (days.lmfp.length >= LATE_MATCHING_DAYS_MAX) {
        ctx.log.error(
          { correlationId: advice.tradeRef, instructionId: advice.instructionId, intendedSettlementDate: before.intendedSettlementDate, matchedOn },
          `matched more than ${LATE_MATCHING_DAYS_MAX} business days late: late-matching penalties stop there; an operator must complete them`,
        );
      }
      for (const d of days.lmfp) {
        penalties.push({
          ...penaltyBase(updated),
          penaltyId: deterministicId('penalty', updated.instructionId, 'LMFP', d),
          kind: 'LMFP',
          direction: lmfpDirection(before.reason),
          penaltyDate: d,
          failReason: before.reason ?? 'LATE',
          cashFail: false,
          basisQuantity: updated.quantity,
        });
      }
      if (days.lmfp.length > 0) {
        ctx.log.info(
          { correlationId: advice.tradeRef, instructionId: advice.instructionId, matchedOn, lateMatchingDays: days.lmfp.length },
          'matched after the intended date: late-matching penalty days recorded',
        );
      }

      // A net instruction: each gross trade it settles moves the same way, with its own figures (a net settles whole, NPAR).
      if (updated.isNet) {
        for (const m of nets.get(updated.instructionId) ?? []) {
          const live = instructions.get(m.instructionId) ?? m;
          if (live.status === 'CANCELLED' || live.status === 'SETTLED') continue;
          const settledWhole = next === 'SETTLED';
          const mp: Partial<InstructionRow> = settledWhole
            ? {
                status: 'SETTLED',
                reason: null,
                settledQuantity: live.quantity,
                settledAmount: live.settlementAmount,
                effectiveSettlementDate: updated.effectiveSettlementDate,
              }
            : { status: next, reason: updated.reason, matchedDate: updated.matchedDate };
          change(live, mp, settledWhole ? { quantity: live.quantity, amount: live.settlementAmount } : null, true);
        }
      }
    }
    await updateInstructions(ctx.tx, [...changed.values()]);
    await insertHistory(ctx.tx, history);
    await recordPenaltyDays(ctx, penalties);
    if (penalties.length > 0) await accruePending(ctx, this.config.CSDR_CASH_PENALTY_ANNUAL_RATE, messages.at(-1)!.body.eventId);
  }
}

function penaltyBase(r: InstructionRow) {
  return {
    instructionId: r.instructionId,
    tradeRef: r.tradeRef,
    isin: r.isin,
    counterparty: r.counterparty,
    account: r.account,
    book: r.book,
    currency: r.currency,
  };
}
