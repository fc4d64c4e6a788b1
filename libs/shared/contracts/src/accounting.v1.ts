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
   * accounting does not announce them on accounting.events.v1 (added with the accounting issue).
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
}
export type AccountingEvent = EventEnvelope<JournalEntryPostedV1, 'JournalEntryPosted'>;
