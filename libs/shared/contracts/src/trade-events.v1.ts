import type { EventEnvelope } from './envelope.js';

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
  /** Sum of fees in the trade currency. */
  feesAmount: string;
  /** What the account pays (BUY: gross + fees) or receives (SELL: gross − fees). */
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
  /** The account's owner and role (from the referential). */
  clientId: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  book: string;
}

export interface TradeCapturedV1 {
  trade: TradeEconomics;
  status: 'CAPTURED';
}

export type TradeEventV1 = EventEnvelope<TradeCapturedV1, 'TradeCaptured'>;
