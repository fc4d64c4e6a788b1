/**
 * confirmations.received.v1 — the counterparty's confirmation of a trade, as a matching or
 * affirmation platform delivers it. Key: our trade reference `sourceSystem:tradeId`, which the
 * platform echoes back. Decimal fields are strings, as on trades.executed.v1.
 */
export interface ConfirmationReceivedV1 {
  messageId: string;
  /** The counterparty's own reference for its confirmation. */
  confirmationId: string;
  /** Our trade, as echoed by the platform. */
  sourceSystem: string;
  tradeId: string;
  /** LEI of the confirming counterparty. */
  counterparty: string;
  /** The counterparty's side: the opposite of ours when it matches. */
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  price: string;
  currency: string;
  tradeDate: string;
  settlementDate: string;
  /** The cash the counterparty expects against the securities (gross + accrued interest). */
  settlementAmount: string;
}

export const CONFIRMATION_REQUIRED_FIELDS = [
  'messageId',
  'confirmationId',
  'sourceSystem',
  'tradeId',
  'counterparty',
  'side',
  'isin',
  'quantity',
  'price',
  'currency',
  'tradeDate',
  'settlementDate',
  'settlementAmount',
] as const satisfies ReadonlyArray<keyof ConfirmationReceivedV1>;
