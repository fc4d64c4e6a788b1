import type { EventEnvelope } from './envelope.js';

/** accounting.events.v1 — produced by accounting. Key: trade reference. */
export interface JournalEntryPostedV1 {
  entryId: string;
  tradeRef: string;
  /** TRADE_DATE_COMMITMENT_REVERSAL: the commitment mirrored, on an amendment (a new commitment follows) or a cancellation. */
  kind: 'TRADE_DATE_COMMITMENT' | 'TRADE_DATE_COMMITMENT_REVERSAL' | 'SETTLEMENT';
  accountingDate: string;
  currency: string;
  /** Sum of debits = sum of credits, as a decimal string. */
  total: string;
  lines: number;
}
export type AccountingEvent = EventEnvelope<JournalEntryPostedV1, 'JournalEntryPosted'>;
