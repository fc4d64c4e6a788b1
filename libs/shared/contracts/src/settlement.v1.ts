import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { count, decimalString, isoDate, type Same } from './wire-schemas.js';

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
  /** UNIT (shares, ETFs) or FAMT (face amount of bonds); UNIT when absent. */
  quantityType?: 'UNIT' | 'FAMT';
  /** The partial-settlement indicator (sese.023 PrtlSttlmInd); NPAR when absent. */
  partialSettlement?: 'PART' | 'NPAR' | 'PARC' | 'PARQ';
  /** Cash direction for our side: DBIT we pay, CRDT we receive (a net instruction may receive both). From the type when absent. */
  cashDirection?: 'DBIT' | 'CRDT';
  /** The instruction as the ISO 20022 sese.023.001.11 document sent to the custodian. */
  xml?: string;
  /** Set on a net instruction: the gross trades it settles. */
  netOf?: string[];
}
export const SettlementInstructionV1Schema = z.object({
  instructionId: z.string(),
  tradeRef: z.string(),
  instructionType: z.enum(['RVP', 'DVP', 'RFP', 'DFP']),
  isin: z.string(),
  quantity: decimalString,
  settlementAmount: decimalString,
  currency: z.string(),
  tradeDate: isoDate,
  intendedSettlementDate: isoDate,
  account: z.string(),
  counterparty: z.string(),
  placeOfSettlement: z.string(),
  quantityType: z.enum(['UNIT', 'FAMT']).optional(),
  partialSettlement: z.enum(['PART', 'NPAR', 'PARC', 'PARQ']).optional(),
  cashDirection: z.enum(['DBIT', 'CRDT']).optional(),
  xml: z.string().optional(),
  netOf: z.array(z.string()).optional(),
});
const _settlementInstruction: Same<SettlementInstructionV1, z.infer<typeof SettlementInstructionV1Schema>> = true;

/**
 * custodian.instructions.v1 — the cancellation of an instruction sent before (ISO 20022 sese.020,
 * MT540–543 with function CANC): the trade was amended or cancelled. Key: trade reference.
 */
export const InstructionCancelledV1Schema = z.object({ instructionId: z.string(), tradeRef: z.string() });
export type InstructionCancelledV1 = z.infer<typeof InstructionCancelledV1Schema>;

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
  /**
   * On a SETT: settledQuantity / settledAmount are what THIS confirmation settled (a step of a
   * partial settlement, or the whole); remainingQuantity is what is left ('0' when complete).
   */
  remainingQuantity?: string | null;
  /** The business day the advice speaks of: the fail day of a PEND, the matching day of a MACH, the settlement day of a SETT. */
  businessDate?: string | null;
  /** The ISO 20022 document the event stands for: sese.024 (StatusAdvice) or sese.025 (SettlementConfirmation). Consumers read it back. */
  xml?: string;
}
export const CustodianStatusV1Schema = z.object({
  instructionId: z.string(),
  tradeRef: z.string(),
  status: z.enum(['PACK', 'MACH', 'NMAT', 'SETT', 'PEND', 'REJT', 'CAND']),
  reason: z.string().nullable(),
  settledQuantity: decimalString.nullable(),
  settledAmount: decimalString.nullable(),
  effectiveSettlementDate: isoDate.nullable(),
  remainingQuantity: decimalString.nullable().optional(),
  businessDate: isoDate.nullable().optional(),
  xml: z.string().optional(),
});
const _custodianStatus: Same<CustodianStatusV1, z.infer<typeof CustodianStatusV1Schema>> = true;
export type CustodianStatusEvent = EventEnvelope<CustodianStatusV1, 'StatusAdvice' | 'SettlementConfirmation'>;

/** settlement.events.v1 — produced by settlement. Key: trade reference. */
export interface InstructionStatusChangedV1 {
  instructionId: string;
  tradeRef: string;
  /** The trade version the instruction settles; absent on events produced before instructions followed amendments. */
  tradeVersion?: number;
  /** CANCELLED: the trade was amended (a new instruction follows its validation) or cancelled; reason TRADE_AMENDED | TRADE_CANCELLED | REPLACED. */
  status: 'CREATED' | 'SENT' | 'ACCEPTED' | 'REJECTED' | 'MATCHED' | 'UNMATCHED' | 'PARTIALLY_SETTLED' | 'SETTLED' | 'FAILING' | 'CANCELLED';
  reason: string | null;
  isin: string;
  side: 'BUY' | 'SELL';
  account: string;
  counterparty: string;
  currency: string;
  quantity: string;
  settlementAmount: string;
  intendedSettlementDate: string;
  /**
   * The day the CSD matched the instruction (from its sese.024 MACH), once it has; after the intended
   * date, the instruction accrues late-matching penalties (LMFP) up to the day before. Absent on
   * events produced before settlement announced it.
   */
  matchedDate?: string | null;
  /** Cumulative: everything settled so far (PARTIALLY_SETTLED, SETTLED). */
  settledQuantity: string | null;
  settledAmount: string | null;
  /**
   * This settlement step alone (a partial settlement, or the last part): what accounting posts for
   * this event. Absent on events from before partial settlement; then the step is the whole.
   */
  stepQuantity?: string | null;
  stepAmount?: string | null;
  effectiveSettlementDate: string | null;
  clientId: string;
  book: string;
  /**
   * Netting: set when the trade settles through a net instruction. Settlement still emits one event
   * per gross trade (this one), so the trade-keyed consumers need not know about netting.
   */
  netInstructionId?: string | null;
}
export const InstructionStatusChangedV1Schema = z.object({
  instructionId: z.string(),
  tradeRef: z.string(),
  tradeVersion: count.optional(),
  status: z.enum(['CREATED', 'SENT', 'ACCEPTED', 'REJECTED', 'MATCHED', 'UNMATCHED', 'PARTIALLY_SETTLED', 'SETTLED', 'FAILING', 'CANCELLED']),
  reason: z.string().nullable(),
  isin: z.string(),
  side: z.enum(['BUY', 'SELL']),
  account: z.string(),
  counterparty: z.string(),
  currency: z.string(),
  quantity: decimalString,
  settlementAmount: decimalString,
  intendedSettlementDate: isoDate,
  matchedDate: isoDate.nullable().optional(),
  settledQuantity: decimalString.nullable(),
  settledAmount: decimalString.nullable(),
  stepQuantity: decimalString.nullable().optional(),
  stepAmount: decimalString.nullable().optional(),
  effectiveSettlementDate: isoDate.nullable(),
  clientId: z.string(),
  book: z.string(),
  netInstructionId: z.string().nullable().optional(),
});
const _instructionStatusChanged: Same<InstructionStatusChangedV1, z.infer<typeof InstructionStatusChangedV1Schema>> = true;

/**
 * A CSDR cash penalty (Delegated Regulation (EU) 2017/389) accrued for one business day, on
 * settlement.events.v1 (key: trade reference). SEFP: settlement fail; LMFP: late matching. Receivable
 * when the counterparty caused the fail (CLAC, CMON), payable when we did (LACK, MONY).
 */
export interface PenaltyAccruedV1 {
  penaltyId: string;
  instructionId: string;
  tradeRef: string;
  kind: 'SEFP' | 'LMFP';
  direction: 'RECEIVABLE' | 'PAYABLE';
  /** The business day the penalty is for. */
  penaltyDate: string;
  isin: string;
  counterparty: string;
  account: string;
  book: string;
  /** The failed quantity (or cash), the reference price and the rate applied, as decimal strings. */
  basisQuantity: string;
  referencePrice: string;
  rate: string;
  /** Rounded half-up to the minor unit of the currency. */
  amount: string;
  currency: string;
}
export const PenaltyAccruedV1Schema = z.object({
  penaltyId: z.string(),
  instructionId: z.string(),
  tradeRef: z.string(),
  kind: z.enum(['SEFP', 'LMFP']),
  direction: z.enum(['RECEIVABLE', 'PAYABLE']),
  penaltyDate: isoDate,
  isin: z.string(),
  counterparty: z.string(),
  account: z.string(),
  book: z.string(),
  basisQuantity: decimalString,
  referencePrice: decimalString,
  rate: decimalString,
  amount: decimalString,
  currency: z.string(),
});
const _penaltyAccrued: Same<PenaltyAccruedV1, z.infer<typeof PenaltyAccruedV1Schema>> = true;

/**
 * A penalty waived (the counterparty agreed, or the CSD's monthly report dropped it), approved by a
 * second person at the gateway: accounting reverses the accrual. Key: trade reference.
 */
export interface PenaltyWaivedV1 {
  penaltyId: string;
  instructionId: string;
  tradeRef: string;
  kind: 'SEFP' | 'LMFP';
  direction: 'RECEIVABLE' | 'PAYABLE';
  penaltyDate: string;
  account: string;
  book: string;
  amount: string;
  currency: string;
  reason: string;
  waivedBy: string;
}
export const PenaltyWaivedV1Schema = z.object({
  penaltyId: z.string(),
  instructionId: z.string(),
  tradeRef: z.string(),
  kind: z.enum(['SEFP', 'LMFP']),
  direction: z.enum(['RECEIVABLE', 'PAYABLE']),
  penaltyDate: isoDate,
  account: z.string(),
  book: z.string(),
  amount: decimalString,
  currency: z.string(),
  reason: z.string(),
  waivedBy: z.string(),
});
const _penaltyWaived: Same<PenaltyWaivedV1, z.infer<typeof PenaltyWaivedV1Schema>> = true;

export type SettlementEvent = EventEnvelope<InstructionStatusChangedV1, 'InstructionStatusChanged'>;
export type PenaltyAccruedEvent = EventEnvelope<PenaltyAccruedV1, 'PenaltyAccrued'>;
export type PenaltyWaivedEvent = EventEnvelope<PenaltyWaivedV1, 'PenaltyWaived'>;
/** Everything on settlement.events.v1: consumers switch on `type` and ignore the types that are not theirs. */
export type SettlementTopicEvent = SettlementEvent | PenaltyAccruedEvent | PenaltyWaivedEvent;
