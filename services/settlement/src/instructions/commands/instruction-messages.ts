import { envelope, type CustodianInstructionEvent } from '@postera/contracts';
import { renderSese023 } from '@postera/iso20022';
import { deterministicId } from '@postera/kernel';
import { toSese023 } from '../domain/sese023.js';
import type { InstructionRow } from '../persistence/instruction.repository.js';

/** The sese.023 document of an instruction row. */
export function sese023Of(r: InstructionRow): string {
  return renderSese023(toSese023({ ...r, partialIndicator: r.partialIndicator }));
}

/** InstructionSent: the instruction as data and as its sese.023; `discriminator` makes a resend a new event. */
export function instructionSent(r: InstructionRow, causationId: string, discriminator = '', netOf?: string[]): CustodianInstructionEvent {
  return envelope({
    eventId: discriminator ? deterministicId('InstructionResent', r.instructionId, discriminator) : deterministicId('InstructionSent', r.instructionId),
    type: 'InstructionSent',
    producer: 'settlement',
    correlationId: r.tradeRef,
    causationId,
    payload: {
      instructionId: r.instructionId,
      tradeRef: r.tradeRef,
      instructionType: r.instructionType,
      isin: r.isin,
      quantity: r.quantity,
      settlementAmount: r.settlementAmount,
      currency: r.currency,
      tradeDate: r.tradeDate,
      intendedSettlementDate: r.intendedSettlementDate,
      account: r.account,
      counterparty: r.counterparty,
      placeOfSettlement: r.placeOfSettlement,
      quantityType: r.quantityType,
      partialSettlement: r.partialIndicator,
      cashDirection: r.cashDirection,
      xml: r.xml ?? sese023Of(r),
      ...(netOf ? { netOf } : {}),
    },
  });
}

/** sese.020: the custodian is asked to cancel an instruction; one per instruction, whatever replays. */
export function instructionCancelled(r: InstructionRow, causationId: string): CustodianInstructionEvent {
  return envelope({
    eventId: deterministicId('InstructionCancelled', r.instructionId),
    type: 'InstructionCancelled',
    producer: 'settlement',
    correlationId: r.tradeRef,
    causationId,
    payload: { instructionId: r.instructionId, tradeRef: r.tradeRef },
  });
}
