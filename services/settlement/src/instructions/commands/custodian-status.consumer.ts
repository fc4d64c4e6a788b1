import { Injectable } from '@nestjs/common';
import { Topics, type CustodianStatusEvent } from '@postera/contracts';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import { isProgress, statusFromCustodian } from '../domain/instruction-status.js';
import { insertHistory, loadInstructions, updateInstructions, type HistoryRow, type InstructionRow } from '../persistence/instruction.repository.js';
import { statusChanged } from './status-event.js';

/**
 * custodian.status.v1 (sese.024 advices, sese.025 confirmations) → the instruction's lifecycle.
 * Each change is kept in the history and announced on settlement.events.v1; an advice that would
 * move an instruction backwards (late, replayed), or any advice after SETTLED, REJECTED or
 * CANCELLED, is logged at debug and ignored — except a settlement of a cancelled instruction,
 * which is recorded (history reason SETTLED_AFTER_CANCEL) and logged as an error.
 */
@Injectable()
export class CustodianStatusConsumer extends EnvelopeHandler<CustodianStatusEvent> {
  readonly consumerId = 'settlement.custodian-status';
  readonly topics = [Topics.custodianStatus];

  async handle(ctx: BatchContext, messages: InboundMessage<CustodianStatusEvent>[]): Promise<void> {
    const instructions = await loadInstructions(
      ctx.tx,
      messages.map((m) => m.body.payload.instructionId),
    );
    const changed = new Map<string, InstructionRow>();
    const history: HistoryRow[] = [];
    for (const { body } of messages) {
      const advice = body.payload;
      const current = instructions.get(advice.instructionId);
      if (!current) {
        // Not ours (or not yet known): nothing to apply; the custodian answers only what we sent.
        ctx.log.warn({ correlationId: advice.tradeRef, instructionId: advice.instructionId }, 'status advice for an unknown instruction ignored');
        continue;
      }
      const next = statusFromCustodian(advice.status);
      if (current.status === 'CANCELLED' && next === 'SETTLED') {
        // The custodian settled before our cancellation reached it: the securities moved. The
        // instruction stays CANCELLED (its trade was amended or cancelled); an operator must act.
        const recorded: InstructionRow = { ...current, reason: 'SETTLED_AFTER_CANCEL', seq: current.seq + 1 };
        instructions.set(recorded.instructionId, recorded);
        changed.set(recorded.instructionId, recorded);
        history.push({
          instructionId: recorded.instructionId,
          seq: recorded.seq,
          status: 'CANCELLED',
          reason: 'SETTLED_AFTER_CANCEL',
          causeEventId: body.eventId,
        });
        ctx.log.error(
          { correlationId: advice.tradeRef, instructionId: advice.instructionId, effectiveSettlementDate: advice.effectiveSettlementDate },
          'the custodian settled an instruction we had cancelled; recorded for an operator',
        );
        continue;
      }
      if (!isProgress(current.status, next)) {
        ctx.log.debug({ correlationId: advice.tradeRef, from: current.status, to: next }, 'status advice would move the instruction backwards; ignored');
        continue;
      }
      const updated: InstructionRow = {
        ...current,
        status: next,
        reason: advice.reason,
        settledQuantity: advice.settledQuantity ?? current.settledQuantity,
        settledAmount: advice.settledAmount ?? current.settledAmount,
        effectiveSettlementDate: advice.effectiveSettlementDate ?? current.effectiveSettlementDate,
        seq: current.seq + 1,
      };
      instructions.set(updated.instructionId, updated);
      changed.set(updated.instructionId, updated);
      history.push({ instructionId: updated.instructionId, seq: updated.seq, status: next, reason: advice.reason, causeEventId: body.eventId });
      ctx.emit({ topic: Topics.settlementEvents, key: updated.tradeRef, event: statusChanged(updated, body.eventId) });
    }
    await updateInstructions(ctx.tx, [...changed.values()]);
    await insertHistory(ctx.tx, history);
  }
}
