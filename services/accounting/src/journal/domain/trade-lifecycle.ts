/**
 * What the journal does with each step of a trade's life (DOMAIN.md §1 and §3). Pure: the
 * consumers load the trade as accounting knows it, ask here, and post or hold what comes back.
 */

/**
 * A trade in accounting: OPEN (commitment booked), PARTIALLY_SETTLED (some steps posted), SETTLED
 * (the last step posted) or CANCELLED (commitment reversed).
 */
export type TradeAccountingStatus = 'OPEN' | 'PARTIALLY_SETTLED' | 'SETTLED' | 'CANCELLED';

export interface TradeState {
  version: number;
  status: TradeAccountingStatus;
  /** The last settlement event posted (the final one once SETTLED). */
  settlementEventId: string | null;
}

/** Why an event is held for an operator instead of posted: each one is logged and kept whole (accounting.held_events). */
export type HoldReason =
  'TRADE_UNKNOWN' | 'TRADE_CANCELLED' | 'ALREADY_SETTLED' | 'VERSION_SUPERSEDED' | 'AMEND_AFTER_SETTLEMENT' | 'CANCEL_AFTER_SETTLEMENT' | 'AMEND_AFTER_CANCEL';

export type SettlementDisposition =
  | { kind: 'post' }
  /** Parked until the trade (or its amended version) arrives on the other topic. */
  | { kind: 'wait'; why: 'TRADE_UNKNOWN' | 'VERSION_UNKNOWN' }
  | { kind: 'duplicate' }
  | { kind: 'hold'; reason: HoldReason };

/**
 * A SETTLED instruction against the trade: posted when it settles the trade's current version;
 * parked while the trade or that version is not known yet; held (never posted) when the trade is
 * cancelled, already settled, or amended beyond the version settled. An event without a trade
 * version (produced before instructions followed amendments) settles the current version.
 */
export function settlementDisposition(trade: TradeState | null, settled: { eventId: string; tradeVersion?: number }): SettlementDisposition {
  if (trade === null) return { kind: 'wait', why: 'TRADE_UNKNOWN' };
  if (trade.status === 'SETTLED') return trade.settlementEventId === settled.eventId ? { kind: 'duplicate' } : { kind: 'hold', reason: 'ALREADY_SETTLED' };
  if (trade.status === 'CANCELLED') return { kind: 'hold', reason: 'TRADE_CANCELLED' };
  // A partially settled trade takes its next steps; a step already posted is recognised by its entry.
  if (settled.tradeVersion === undefined || settled.tradeVersion === trade.version) return { kind: 'post' };
  return settled.tradeVersion > trade.version ? { kind: 'wait', why: 'VERSION_UNKNOWN' } : { kind: 'hold', reason: 'VERSION_SUPERSEDED' };
}

export type CorrectionDisposition = { kind: 'correct' } | { kind: 'ignore'; why: string } | { kind: 'hold'; reason: HoldReason };

/**
 * An amendment reverses the commitment booked and books the amended one — while the trade is
 * open. After settlement the journal already carries the settled figures: the amendment is held
 * for an operator (capture refuses these; only a race gets here), never un-settled.
 */
export function amendmentDisposition(trade: TradeState | null, versionAfter: number): CorrectionDisposition {
  if (trade === null) return { kind: 'hold', reason: 'TRADE_UNKNOWN' };
  if (trade.status === 'CANCELLED') return { kind: 'hold', reason: 'AMEND_AFTER_CANCEL' };
  if (trade.status === 'SETTLED' || trade.status === 'PARTIALLY_SETTLED') return { kind: 'hold', reason: 'AMEND_AFTER_SETTLEMENT' };
  if (versionAfter <= trade.version) return { kind: 'ignore', why: `version ${versionAfter} already booked (at ${trade.version})` };
  return { kind: 'correct' };
}

/** A cancellation reverses the open commitment; a cancelled trade stays so; a settled one is held, never un-settled. */
export function cancellationDisposition(trade: TradeState | null): CorrectionDisposition {
  if (trade === null) return { kind: 'hold', reason: 'TRADE_UNKNOWN' };
  if (trade.status === 'CANCELLED') return { kind: 'ignore', why: 'already cancelled' };
  if (trade.status === 'SETTLED' || trade.status === 'PARTIALLY_SETTLED') return { kind: 'hold', reason: 'CANCEL_AFTER_SETTLEMENT' };
  return { kind: 'correct' };
}
