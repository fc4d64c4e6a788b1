import { envelope, type SettlementEvent } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import type { InstructionRow } from '../persistence/instruction.repository.js';

/** settlement.events.v1 for an instruction's new state; the id is fixed by (instruction, seq) so a replay emits the same event. */
export function statusChanged(r: InstructionRow, causationId: string, step: { quantity: string; amount: string } | null = null): SettlementEvent {
  return envelope({
    eventId: deterministicId('InstructionStatusChanged', r.instructionId, String(r.seq)),
    type: 'InstructionStatusChanged',
    producer: 'settlement',
    correlationId: r.tradeRef,
    causationId,
    payload: {
      instructionId: r.instructionId,
      tradeRef: r.tradeRef,
      tradeVersion: r.tradeVersion,
      status: r.status,
      reason: r.reason,
      isin: r.isin,
      side: r.side,
      account: r.account,
      counterparty: r.counterparty,
      currency: r.currency,
      quantity: r.quantity,
      settlementAmount: r.settlementAmount,
      intendedSettlementDate: r.intendedSettlementDate,
      matchedDate: r.matchedDate,
      settledQuantity: r.settledQuantity,
      settledAmount: r.settledAmount,
      stepQuantity: step?.quantity ?? null,
      stepAmount: step?.amount ?? null,
      effectiveSettlementDate: r.effectiveSettlementDate,
      clientId: r.clientId,
      book: r.book,
      netInstructionId: r.netInstructionId,
    },
  });
}
