/** trades.executed.v1 — the fixed input contract from the trading platforms (DESIGN.md §4). Decimal fields are strings. */
export interface TradeExecutedV1 {
  messageId: string;
  schemaVersion?: 1;
  sourceSystem: string;
  tradeId: string;
  version: number;
  action: 'NEW' | 'AMEND' | 'CANCEL';
  executedAt: string;
  tradeDate: string;
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  price: string;
  priceType: 'UNIT' | 'PERCENT';
  currency: string;
  venue: string;
  account: string;
  counterparty: string;
  capacity: 'AOTC' | 'DEAL' | 'MTCH';
  trader?: string;
  orderType?: 'MARKET' | 'LIMIT' | 'STOP' | 'OTHER';
  venueTransactionId?: string;
  fees?: Array<{ type: string; amount: string; currency: string }>;
  settlementDate?: string;
}

export const TRADE_EXECUTED_REQUIRED_FIELDS = [
  'messageId',
  'sourceSystem',
  'tradeId',
  'version',
  'action',
  'executedAt',
  'tradeDate',
  'side',
  'isin',
  'quantity',
  'price',
  'priceType',
  'currency',
  'venue',
  'account',
  'counterparty',
  'capacity',
] as const satisfies ReadonlyArray<keyof TradeExecutedV1>;

/** The largest input message accepted; larger ones become exceptions without being parsed. */
export const TRADE_EXECUTED_BYTES_MAX = 64 * 1024;
