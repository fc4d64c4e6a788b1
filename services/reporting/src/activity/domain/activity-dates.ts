import type { InstructionStatusChangedV1 } from '@postera/contracts';

/**
 * The date of each fact the activity report counts. The report of a business date D counts the facts
 * dated on or before D, so each event gets one date when reporting records it, and keeps it.
 *
 * Where the date comes from, first that applies:
 * - the event's own business date: a capture's trade date; a settlement's effective settlement date;
 *   a matching's matched date; a fail is never dated before its intended settlement date; what capture's
 *   intake decided, capture's business day when it received the record (SOURCE_BUSINESS_DAY);
 * - else reporting's business day when it records the event (`reporting.business_day`, the last day
 *   opened or closed: a CSD advice processed after the close of D belongs to D);
 * - else, before any business day reached reporting, the UTC date of the event's `occurredAt`.
 */
export type DateSource =
  'TRADE_DATE' | 'EFFECTIVE_SETTLEMENT_DATE' | 'MATCHED_DATE' | 'INTENDED_SETTLEMENT_DATE' | 'BUSINESS_DAY' | 'SOURCE_BUSINESS_DAY' | 'OCCURRED_AT';

export interface DatedFact {
  date: string;
  source: DateSource;
}

/** The day an event without a business date of its own is recorded on. */
export function recordingDay(businessDay: string | null, occurredAt: string): DatedFact {
  return businessDay ? { date: businessDay, source: 'BUSINESS_DAY' } : { date: new Date(occurredAt).toISOString().slice(0, 10), source: 'OCCURRED_AT' };
}

/** A trade lifecycle event: a capture on its trade date; a confirmation, validation, amendment or cancellation when recorded, never before the trade date. */
export function tradeEventDate(
  kind: 'CAPTURED' | 'AMENDED' | 'CONFIRMED' | 'VALIDATED' | 'CANCELLED',
  tradeDate: string | null,
  recorded: DatedFact,
): DatedFact {
  if (kind === 'CAPTURED' && tradeDate) return { date: tradeDate, source: 'TRADE_DATE' };
  if (tradeDate && tradeDate > recorded.date) return { date: tradeDate, source: 'TRADE_DATE' };
  return recorded;
}

/** An instruction status change: see the rules above. */
export function instructionStatusDate(
  p: Pick<InstructionStatusChangedV1, 'status' | 'intendedSettlementDate' | 'effectiveSettlementDate' | 'matchedDate'>,
  recorded: DatedFact,
): DatedFact {
  if ((p.status === 'SETTLED' || p.status === 'PARTIALLY_SETTLED') && p.effectiveSettlementDate)
    return { date: p.effectiveSettlementDate, source: 'EFFECTIVE_SETTLEMENT_DATE' };
  if (p.status === 'MATCHED' && p.matchedDate) return { date: p.matchedDate, source: 'MATCHED_DATE' };
  if (p.status === 'FAILING' && p.intendedSettlementDate > recorded.date) return { date: p.intendedSettlementDate, source: 'INTENDED_SETTLEMENT_DATE' };
  return recorded;
}

/** A fact of capture's intake: capture's business day when it received the record, else the UTC date it was received. */
export function intakeDate(p: { businessDate: string | null; receivedAt: string }): DatedFact {
  return p.businessDate
    ? { date: p.businessDate, source: 'SOURCE_BUSINESS_DAY' }
    : { date: new Date(p.receivedAt).toISOString().slice(0, 10), source: 'OCCURRED_AT' };
}
