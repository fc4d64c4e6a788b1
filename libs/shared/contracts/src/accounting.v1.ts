import type { EventEnvelope } from './envelope.js';

/** accounting.events.v1 — produced by accounting. Key: trade reference. */
export interface JournalEntryPostedV1 {
  entryId: string;
  tradeRef: string;
  kind: 'TRADE_DATE_COMMITMENT' | 'SETTLEMENT';
  accountingDate: string;
  currency: string;
  /** Sum of debits = sum of credits, as a decimal string. */
  total: string;
  lines: number;
}
export type AccountingEvent = EventEnvelope<JournalEntryPostedV1, 'JournalEntryPosted'>;
