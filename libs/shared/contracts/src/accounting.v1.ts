import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { count, decimalString, isoDate, type Same } from './wire-schemas.js';

/** accounting.events.v1 — produced by accounting. Key: trade reference (a break's life: `RECON:<kind>:<subject>`). */
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
    'TRADE_DATE_COMMITMENT' | 'TRADE_DATE_COMMITMENT_REVERSAL' | 'SETTLEMENT' | 'PENALTY' | 'PENALTY_WAIVER' | 'TTF_ACCRUAL' | 'FX_REVALUATION' | 'RECOSTING';
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
export const JournalEntryPostedV1Schema = z.object({
  entryId: z.string(),
  tradeRef: z.string(),
  kind: z.enum([
    'TRADE_DATE_COMMITMENT',
    'TRADE_DATE_COMMITMENT_REVERSAL',
    'SETTLEMENT',
    'PENALTY',
    'PENALTY_WAIVER',
    'TTF_ACCRUAL',
    'FX_REVALUATION',
    'RECOSTING',
  ]),
  accountingDate: isoDate,
  currency: z.string(),
  total: decimalString,
  lines: count,
  result: decimalString.optional(),
});
const _journalEntryPosted: Same<JournalEntryPostedV1, z.infer<typeof JournalEntryPostedV1Schema>> = true;
export type AccountingEvent = EventEnvelope<JournalEntryPostedV1, 'JournalEntryPosted'>;

/** The reconciliations accounting runs: custodian holdings (semt.002), nostro cash (camt.053), accounting vs desk P&L. */
export const ReconciliationKindSchema = z.enum(['HOLDINGS', 'CASH', 'PNL']);
export type ReconciliationKind = z.infer<typeof ReconciliationKindSchema>;

/**
 * A reconciliation break found by a run for the first time (a break an earlier run already holds
 * open is not announced again). Key `RECON:<kind>:<subject>`, so that a break's opening and closing
 * are in order on one partition.
 */
export interface ReconciliationBreakOpenedV1 {
  breakId: string;
  /** The run that found it. */
  runId: string;
  kind: ReconciliationKind;
  /** The account (HOLDINGS), `account:currency` (CASH) or `PNL`. */
  subject: string;
  item: string;
  field: string;
  /** The day the run reconciled (the statement's date): the break's first day, its age counts from it. */
  openedOn: string;
}
export const ReconciliationBreakOpenedV1Schema = z.object({
  breakId: z.string(),
  runId: z.string(),
  kind: ReconciliationKindSchema,
  subject: z.string(),
  item: z.string(),
  field: z.string(),
  openedOn: isoDate,
});
const _reconciliationBreakOpened: Same<ReconciliationBreakOpenedV1, z.infer<typeof ReconciliationBreakOpenedV1Schema>> = true;
export type ReconciliationBreakOpenedEvent = EventEnvelope<ReconciliationBreakOpenedV1, 'ReconciliationBreakOpened'>;

/**
 * A break closed: by a later run of the same reconciliation that no longer finds it (RUN), or
 * resolved by two people (RESOLVED, maker and checker). Either ends it: a closed or resolved break
 * is never reopened.
 */
export interface ReconciliationBreakClosedV1 {
  breakId: string;
  closedBy: 'RUN' | 'RESOLVED';
  /** The run that closed it; null when resolved by people. */
  runId: string | null;
  kind: ReconciliationKind;
  subject: string;
  item: string;
  field: string;
  /** The break's first day. */
  openedOn: string;
  /** The day the closing run reconciled, or accounting's business day when the break was resolved. */
  closedOn: string;
}
export const ReconciliationBreakClosedV1Schema = z.object({
  breakId: z.string(),
  closedBy: z.enum(['RUN', 'RESOLVED']),
  runId: z.string().nullable(),
  kind: ReconciliationKindSchema,
  subject: z.string(),
  item: z.string(),
  field: z.string(),
  openedOn: isoDate,
  closedOn: isoDate,
});
const _reconciliationBreakClosed: Same<ReconciliationBreakClosedV1, z.infer<typeof ReconciliationBreakClosedV1Schema>> = true;
export type ReconciliationBreakClosedEvent = EventEnvelope<ReconciliationBreakClosedV1, 'ReconciliationBreakClosed'>;
export type ReconciliationBreakEvent = ReconciliationBreakOpenedEvent | ReconciliationBreakClosedEvent;
