import type { EventEnvelope } from './envelope.js';

/** accounting.events.v1 — produced by accounting. Key: trade reference. */
export interface JournalEntryPostedV1 {
  entryId: string;
  tradeRef: string;
  /**
   * TRADE_DATE_COMMITMENT: the trade-date entry (the off-balance commitment under settlement-date
   * recognition, the securities on balance sheet under trade-date recognition).
   * TRADE_DATE_COMMITMENT_REVERSAL: that entry mirrored, on an amendment (a new one follows) or a cancellation.
   * SETTLEMENT: one settlement step (the whole, or a partial settlement). PENALTY: a CSDR cash penalty.
   * TTF_ACCRUAL, FX_REVALUATION: not trade-keyed (tradeRef `TTF:<account>:<isin>:<date>`, `FX:<book>:<currency>`);
   * accounting announces FX_REVALUATION (with `result`), not TTF_ACCRUAL.
   * RECOSTING: the cost and realized P&L of an operation corrected once an operation before it in
   * economic order arrived after it; not announced either.
   */
  kind:
    | 'TRADE_DATE_COMMITMENT'
    | 'TRADE_DATE_COMMITMENT_REVERSAL'
    | 'SETTLEMENT'
    | 'PENALTY'
    | 'PENALTY_WAIVER'
    | 'TTF_ACCRUAL'
    | 'FX_REVALUATION'
    | 'RECOSTING';
  accountingDate: string;
  currency: string;
  /** Sum of debits = sum of credits, as a decimal string. */
  total: string;
  lines: number;
  /**
   * FX_REVALUATION only: the FX result the entry books, in EUR, signed (a gain positive, a loss
   * negative): its credits less its debits on the P&L accounts (classes 6 and 7), as a decimal string.
   */
  result?: string;
}
export type AccountingEvent = EventEnvelope<JournalEntryPostedV1, 'JournalEntryPosted'>;
