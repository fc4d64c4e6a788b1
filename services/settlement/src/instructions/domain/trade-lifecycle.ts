import type { InstructionStatus } from './instruction-status.js';

/**
 * What settlement does with the trade lifecycle of trade.events.v1 (DOMAIN.md §1): a trade is
 * instructed once VALIDATED; an amendment or a cancellation cancels its live instruction (a new
 * one follows the amended version's validation). Pure: the consumer loads the trade's state and
 * instructions, asks here, and writes what comes back.
 */

/** What settlement remembers of a trade beyond its instructions: the last version heard of, and whether it ended. */
export interface TradeLifecycleState {
  versionLatest: number;
  cancelledVersion: number | null;
}

export const NO_LIFECYCLE: TradeLifecycleState = { versionLatest: 0, cancelledVersion: null };

export interface InstructionSnapshot {
  instructionId: string;
  tradeVersion: number;
  status: InstructionStatus;
}

export type LifecycleEvent = { type: 'VALIDATED'; version: number } | { type: 'AMENDED'; version: number } | { type: 'CANCELLED'; version: number };

/** Why a live instruction is cancelled (the reason of its CANCELLED state). */
export type CancelReason = 'TRADE_AMENDED' | 'TRADE_CANCELLED' | 'REPLACED';
/** What is recorded (not done) when the trade moved after its instruction settled: nothing is ever un-settled. */
export type RecordReason = 'CANCEL_AFTER_SETTLEMENT' | 'VALIDATED_AFTER_SETTLEMENT';

export type LifecycleAction =
  | { kind: 'instruct'; version: number }
  | { kind: 'cancel'; instructionId: string; reason: CancelReason }
  | { kind: 'record'; instructionId: string; reason: RecordReason }
  | { kind: 'ignore'; why: string };

/** The trade's instruction that is not CANCELLED; there is at most one (a partial unique index says so too). */
export function liveInstruction(instructions: readonly InstructionSnapshot[]): InstructionSnapshot | null {
  return instructions.find((i) => i.status !== 'CANCELLED') ?? null;
}

export function decideLifecycle(
  event: LifecycleEvent,
  state: TradeLifecycleState,
  instructions: readonly InstructionSnapshot[],
): { actions: LifecycleAction[]; state: TradeLifecycleState } {
  const live = liveInstruction(instructions);
  const versionLatest = Math.max(state.versionLatest, event.version);
  switch (event.type) {
    case 'VALIDATED': {
      if (state.cancelledVersion !== null) return { actions: [{ kind: 'ignore', why: 'the trade is cancelled' }], state };
      // An older version validated after a newer one was heard of (a replay): never resurrect it.
      if (event.version < state.versionLatest)
        return { actions: [{ kind: 'ignore', why: `version ${event.version} superseded by ${state.versionLatest}` }], state };
      if (instructions.some((i) => i.tradeVersion === event.version)) {
        return { actions: [{ kind: 'ignore', why: `version ${event.version} already instructed` }], state: { ...state, versionLatest } };
      }
      const next = { ...state, versionLatest };
      if (live === null) return { actions: [{ kind: 'instruct', version: event.version }], state: next };
      if (live.status === 'SETTLED')
        return { actions: [{ kind: 'record', instructionId: live.instructionId, reason: 'VALIDATED_AFTER_SETTLEMENT' }], state: next };
      if (live.tradeVersion > event.version) return { actions: [{ kind: 'ignore', why: `version ${live.tradeVersion} already instructed` }], state: next };
      // A newer version validated while the older one is still live (its amendment was not seen): replace it.
      return {
        actions: [
          { kind: 'cancel', instructionId: live.instructionId, reason: 'REPLACED' },
          { kind: 'instruct', version: event.version },
        ],
        state: next,
      };
    }
    case 'AMENDED': {
      const next = { ...state, versionLatest };
      if (state.cancelledVersion !== null) return { actions: [{ kind: 'ignore', why: 'the trade is cancelled' }], state: next };
      // Amendments come in version order on the trade's partition: one not above the last version heard of was applied already.
      if (event.version <= state.versionLatest) return { actions: [{ kind: 'ignore', why: `version ${event.version} already heard of` }], state };
      if (live === null) return { actions: [{ kind: 'ignore', why: 'not instructed' }], state: next };
      if (live.tradeVersion >= event.version) return { actions: [{ kind: 'ignore', why: `instruction already at version ${live.tradeVersion}` }], state: next };
      if (live.status === 'SETTLED')
        return { actions: [{ kind: 'record', instructionId: live.instructionId, reason: 'CANCEL_AFTER_SETTLEMENT' }], state: next };
      return { actions: [{ kind: 'cancel', instructionId: live.instructionId, reason: 'TRADE_AMENDED' }], state: next };
    }
    case 'CANCELLED': {
      if (state.cancelledVersion !== null) return { actions: [{ kind: 'ignore', why: 'already cancelled' }], state: { ...state, versionLatest } };
      const next = { versionLatest, cancelledVersion: event.version };
      if (live === null) return { actions: [{ kind: 'ignore', why: 'no live instruction' }], state: next };
      if (live.status === 'SETTLED')
        return { actions: [{ kind: 'record', instructionId: live.instructionId, reason: 'CANCEL_AFTER_SETTLEMENT' }], state: next };
      return { actions: [{ kind: 'cancel', instructionId: live.instructionId, reason: 'TRADE_CANCELLED' }], state: next };
    }
  }
}
