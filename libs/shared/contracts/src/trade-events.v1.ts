import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { ACCOUNTING_CATEGORIES, COST_METHODS, type AccountingCategory, type CostMethod } from './refdata.v1.js';
import { count, decimalString, isoDate, type Same } from './wire-schemas.js';

/** The trade statuses of DOMAIN.md §1, in lifecycle order. Capture owns the first three and mirrors the rest from settlement.events.v1. */
export const TradeStatusSchema = z.enum(['CAPTURED', 'CONFIRMED', 'VALIDATED', 'INSTRUCTED', 'SETTLED', 'PARTIALLY_SETTLED', 'FAILED', 'CANCELLED']);
export type TradeStatus = z.infer<typeof TradeStatusSchema>;

/** Where a side settles: the standing settlement instruction (SSI) of the referential. */
export interface SettlementParty {
  /** The account id (our side) or the LEI (the counterparty). */
  owner: string;
  /** BIC of the CSD / place of settlement. */
  placeOfSettlement: string;
  safekeepingAccount: string;
  cashAccount: string | null;
  agentBic: string | null;
}
export const SettlementPartySchema = z.object({
  owner: z.string(),
  placeOfSettlement: z.string(),
  safekeepingAccount: z.string(),
  cashAccount: z.string().nullable(),
  agentBic: z.string().nullable(),
});
const _settlementParty: Same<SettlementParty, z.infer<typeof SettlementPartySchema>> = true;

/** trade.events.v1 — produced by capture. Key: trade reference. */
export interface TradeEconomics {
  tradeRef: string;
  sourceSystem: string;
  tradeId: string;
  version: number;
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  price: string;
  priceType: 'UNIT' | 'PERCENT';
  currency: string;
  /** Gross consideration, rounded to the currency's minor unit (half-up). */
  grossAmount: string;
  /** Accrued interest of a bond, rounded to the minor unit (half-up); 0 for shares and ETFs. */
  accruedInterest: string;
  /** Sum of fees in the trade currency. */
  feesAmount: string;
  /** What the account pays (BUY: gross + accrued + fees) or receives (SELL: gross + accrued − fees). */
  netAmount: string;
  fees: Array<{ type: string; amount: string; currency: string }>;
  tradeDate: string;
  settlementDate: string;
  executedAt: string;
  venue: string;
  account: string;
  counterparty: string;
  capacity: 'AOTC' | 'DEAL' | 'MTCH';
  orderType: string | null;
  /** The trading venue's own transaction id, as the platform gave it (MiFIR RTS 22 field 3); absent on trades captured before it was carried. */
  venueTransactionId?: string | null;
  /** The trader the platform names, as given (MiFIR field 59 when it is a national id); absent as above. */
  trader?: string | null;
  /** The account's owner and role (from the referential). */
  clientId: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  book: string;
  /**
   * The account's portfolio category and cost method as the referential held them at capture: they
   * fix the securities account the trade is booked to and how its position is costed, so the books
   * follow from this log alone, whenever accounting learns of the account. Absent on trades captured
   * before they were carried (accounting then reads its copy of the referential).
   */
  accountingCategory?: AccountingCategory;
  costMethod?: CostMethod;
  /** From the referential's instrument: SHARE | BOND | ETF, its settlement market (EU, US) and place of settlement (CSD BIC). */
  instrumentType: string;
  settlementMarket: string;
  placeOfSettlement: string;
  /** Both sides' SSIs, when the referential has them (null: to be completed by an operator before settlement). */
  ssis: { account: SettlementParty | null; counterparty: SettlementParty | null };
  /**
   * Optional, read by notification: the currency conversion applied for the client, when the
   * account's base currency differs from the trade currency and a conversion takes place (Delegated
   * Regulation (EU) 2017/565 art. 59(4)(n)). Absent or null: no conversion applied.
   */
  fxConversion?: {
    /** The currency the client is debited or credited in. */
    baseCurrency: string;
    /** Units of baseCurrency per 1 unit of the trade currency, a decimal string. */
    rate: string;
    /** Where the rate comes from, as printed for the client (e.g. "ECB euro reference rate"). */
    source: string;
    rateDate: string;
    /** netAmount converted, rounded to the minor unit of baseCurrency. */
    netAmountInBase: string;
  } | null;
  /** ELECTRONIC from trades.executed.v1, MANUAL when booked by an operator (validated by a second person). */
  origin: 'ELECTRONIC' | 'MANUAL';
  /** Trade date before the open business date: accepted, and flagged for the supervisor. */
  lateBooking: boolean;
}
export const TradeEconomicsSchema = z.object({
  tradeRef: z.string(),
  sourceSystem: z.string(),
  tradeId: z.string(),
  version: count,
  side: z.enum(['BUY', 'SELL']),
  isin: z.string(),
  quantity: decimalString,
  price: decimalString,
  priceType: z.enum(['UNIT', 'PERCENT']),
  currency: z.string(),
  grossAmount: decimalString,
  accruedInterest: decimalString,
  feesAmount: decimalString,
  netAmount: decimalString,
  fees: z.array(z.object({ type: z.string(), amount: decimalString, currency: z.string() })),
  tradeDate: isoDate,
  settlementDate: isoDate,
  executedAt: z.string(),
  venue: z.string(),
  account: z.string(),
  counterparty: z.string(),
  capacity: z.enum(['AOTC', 'DEAL', 'MTCH']),
  orderType: z.string().nullable(),
  venueTransactionId: z.string().nullable().optional(),
  trader: z.string().nullable().optional(),
  clientId: z.string(),
  accountType: z.enum(['CLIENT', 'PROPRIETARY']),
  book: z.string(),
  accountingCategory: z.enum(ACCOUNTING_CATEGORIES).optional(),
  costMethod: z.enum(COST_METHODS).optional(),
  instrumentType: z.string(),
  settlementMarket: z.string(),
  placeOfSettlement: z.string(),
  ssis: z.object({ account: SettlementPartySchema.nullable(), counterparty: SettlementPartySchema.nullable() }),
  fxConversion: z
    .object({ baseCurrency: z.string(), rate: decimalString, source: z.string(), rateDate: isoDate, netAmountInBase: decimalString })
    .nullable()
    .optional(),
  origin: z.enum(['ELECTRONIC', 'MANUAL']),
  lateBooking: z.boolean(),
});
const _tradeEconomics: Same<TradeEconomics, z.infer<typeof TradeEconomicsSchema>> = true;

export interface TradeCapturedV1 {
  trade: TradeEconomics;
  status: 'CAPTURED';
}
export const TradeCapturedV1Schema = z.object({ trade: TradeEconomicsSchema, status: z.literal('CAPTURED') });
const _tradeCaptured: Same<TradeCapturedV1, z.infer<typeof TradeCapturedV1Schema>> = true;

/** An AMEND applied: the economics before and after, and where the trade now stands. */
export interface TradeAmendedV1 {
  before: TradeEconomics;
  after: TradeEconomics;
  status: TradeStatus;
}
export const TradeAmendedV1Schema = z.object({ before: TradeEconomicsSchema, after: TradeEconomicsSchema, status: TradeStatusSchema });
const _tradeAmended: Same<TradeAmendedV1, z.infer<typeof TradeAmendedV1Schema>> = true;

/** A CANCEL applied: the trade as it was (at the cancelled version) ends. */
export interface TradeCancelledV1 {
  trade: TradeEconomics;
  cancelVersion: number;
  status: 'CANCELLED';
}
export const TradeCancelledV1Schema = z.object({ trade: TradeEconomicsSchema, cancelVersion: count, status: z.literal('CANCELLED') });
const _tradeCancelled: Same<TradeCancelledV1, z.infer<typeof TradeCancelledV1Schema>> = true;

/** The counterparty's confirmation matched the trade (DOMAIN.md §1). */
export interface TradeConfirmedV1 {
  tradeRef: string;
  version: number;
  confirmationId: string;
  status: 'CONFIRMED';
}
export const TradeConfirmedV1Schema = z.object({ tradeRef: z.string(), version: count, confirmationId: z.string(), status: z.literal('CONFIRMED') });
const _tradeConfirmed: Same<TradeConfirmedV1, z.infer<typeof TradeConfirmedV1Schema>> = true;

/** The trade may go to settlement: confirmed with every check passed (straight-through), or approved by a second person. */
export interface TradeValidatedV1 {
  trade: TradeEconomics;
  how: 'STRAIGHT_THROUGH' | 'MAKER_CHECKER';
  validatedBy: string | null;
  status: 'VALIDATED';
}
export const TradeValidatedV1Schema = z.object({
  trade: TradeEconomicsSchema,
  how: z.enum(['STRAIGHT_THROUGH', 'MAKER_CHECKER']),
  validatedBy: z.string().nullable(),
  status: z.literal('VALIDATED'),
});
const _tradeValidated: Same<TradeValidatedV1, z.infer<typeof TradeValidatedV1Schema>> = true;

/** Our confirmation of a captured trade, for the counterparty (the notification service can send it). */
export interface CounterpartyConfirmationIssuedV1 {
  tradeRef: string;
  version: number;
  counterparty: { lei: string; name: string; bic: string | null };
  /** Our side; the counterparty confirms the opposite one. */
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  price: string;
  priceType: 'UNIT' | 'PERCENT';
  currency: string;
  tradeDate: string;
  settlementDate: string;
  /** The cash against the securities: gross + accrued interest (our fees are ours). */
  settlementAmount: string;
}
export const CounterpartyConfirmationIssuedV1Schema = z.object({
  tradeRef: z.string(),
  version: count,
  counterparty: z.object({ lei: z.string(), name: z.string(), bic: z.string().nullable() }),
  side: z.enum(['BUY', 'SELL']),
  isin: z.string(),
  quantity: decimalString,
  price: decimalString,
  priceType: z.enum(['UNIT', 'PERCENT']),
  currency: z.string(),
  tradeDate: isoDate,
  settlementDate: isoDate,
  settlementAmount: decimalString,
});
const _counterpartyConfirmationIssued: Same<CounterpartyConfirmationIssuedV1, z.infer<typeof CounterpartyConfirmationIssuedV1Schema>> = true;

/** At the close of a business day: the trades still waiting for their counterparty's confirmation. Key: the business date. */
export interface UnconfirmedTradesAtCloseV1 {
  businessDate: string;
  /** How many are unconfirmed; `trades` lists the oldest first, bounded so the event stays small. */
  total: number;
  trades: Array<{ tradeRef: string; version: number; counterparty: string; tradeDate: string; settlementDate: string }>;
}
export const UnconfirmedTradesAtCloseV1Schema = z.object({
  businessDate: isoDate,
  total: count,
  trades: z.array(z.object({ tradeRef: z.string(), version: count, counterparty: z.string(), tradeDate: isoDate, settlementDate: isoDate })),
});
const _unconfirmedTradesAtClose: Same<UnconfirmedTradesAtCloseV1, z.infer<typeof UnconfirmedTradesAtCloseV1Schema>> = true;

export type TradeEventV1 =
  | EventEnvelope<TradeCapturedV1, 'TradeCaptured'>
  | EventEnvelope<TradeAmendedV1, 'TradeAmended'>
  | EventEnvelope<TradeCancelledV1, 'TradeCancelled'>
  | EventEnvelope<TradeConfirmedV1, 'TradeConfirmed'>
  | EventEnvelope<TradeValidatedV1, 'TradeValidated'>
  | EventEnvelope<CounterpartyConfirmationIssuedV1, 'CounterpartyConfirmationIssued'>
  | EventEnvelope<UnconfirmedTradesAtCloseV1, 'UnconfirmedTradesAtClose'>;

export type TradeEventType = TradeEventV1['type'];
