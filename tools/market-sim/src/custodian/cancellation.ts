/** The simulated CSD's instruction states (market_sim.instructions.status). */
export type SimInstructionStatus = 'MATCHED' | 'UNMATCHED' | 'FAILING' | 'SETTLED' | 'CANCELLED';

export type CancellationOutcome = { kind: 'cancel' } | { kind: 'ignore'; why: 'unknown instruction' | 'already cancelled' | 'already settled' };

/**
 * A cancellation request (sese.020) against what the CSD holds: anything not settled is cancelled
 * and answered CAND; a settled instruction cannot be (the securities moved), an unknown one has
 * nothing to cancel, and a second request for a cancelled one was answered already.
 */
export function cancellationOutcome(current: SimInstructionStatus | null): CancellationOutcome {
  switch (current) {
    case null:
      return { kind: 'ignore', why: 'unknown instruction' };
    case 'CANCELLED':
      return { kind: 'ignore', why: 'already cancelled' };
    case 'SETTLED':
      return { kind: 'ignore', why: 'already settled' };
    case 'MATCHED':
    case 'UNMATCHED':
    case 'FAILING':
      return { kind: 'cancel' };
  }
}
