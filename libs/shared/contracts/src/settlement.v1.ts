import type { EventEnvelope } from './envelope.js';

/** custodian.instructions.v1 — settlement → the CSD/custodian (the market simulator here). Key: trade reference. */
export interface SettlementInstructionV1 {
  instructionId: string;
  tradeRef: string;
  /** RECE/DELI × APMT/FREE: RVP, DVP, RFP, DFP. */
  instructionType: 'RVP' | 'DVP' | 'RFP' | 'DFP';
  isin: string;
  quantity: string;
  settlementAmount: string;
  currency: string;
  tradeDate: string;
  intendedSettlementDate: string;
  account: string;
  counterparty: string;
  placeOfSettlement: string;
}

/**
 * custodian.instructions.v1 — the cancellation of an instruction sent before (ISO 20022 sese.020,
 * MT540–543 with function CANC): the trade was amended or cancelled. Key: trade reference.
 */
export interface InstructionCancelledV1 {
  instructionId: string;
  tradeRef: string;
}

export type CustodianInstructionEvent =
  EventEnvelope<SettlementInstructionV1, 'InstructionSent'> | EventEnvelope<InstructionCancelledV1, 'InstructionCancelled'>;

/** custodian.status.v1 — sese.024 status advices and sese.025 confirmations as events. Key: trade reference. */
export interface CustodianStatusV1 {
  instructionId: string;
  tradeRef: string;
  /**
   * PACK accepted, MACH matched, NMAT unmatched, SETT settled, PEND failing/pending (with reason),
   * REJT rejected, CAND cancelled (the cancellation processing status of sese.024 / MT548 CPRC//CAND).
   */
  status: 'PACK' | 'MACH' | 'NMAT' | 'SETT' | 'PEND' | 'REJT' | 'CAND';
  reason: string | null;
  settledQuantity: string | null;
  settledAmount: string | null;
  effectiveSettlementDate: string | null;
}
export type CustodianStatusEvent = EventEnvelope<CustodianStatusV1, 'StatusAdvice' | 'SettlementConfirmation'>;

/** settlement.events.v1 — produced by settlement. Key: trade reference. */
export interface InstructionStatusChangedV1 {
  instructionId: string;
  tradeRef: string;
  /** The trade version the instruction settles; absent on events produced before instructions followed amendments. */
  tradeVersion?: number;
  /** CANCELLED: the trade was amended (a new instruction follows its validation) or cancelled; reason TRADE_AMENDED | TRADE_CANCELLED | REPLACED. */
  status: 'CREATED' | 'SENT' | 'ACCEPTED' | 'REJECTED' | 'MATCHED' | 'UNMATCHED' | 'SETTLED' | 'FAILING' | 'CANCELLED';
  reason: string | null;
  isin: string;
  side: 'BUY' | 'SELL';
  account: string;
  counterparty: string;
  currency: string;
  quantity: string;
  settlementAmount: string;
  intendedSettlementDate: string;
  settledQuantity: string | null;
  settledAmount: string | null;
  effectiveSettlementDate: string | null;
  clientId: string;
  book: string;
}
export type SettlementEvent = EventEnvelope<InstructionStatusChangedV1, 'InstructionStatusChanged'>;
