import type { TradeEconomics, TradeStatus } from '@postera/contracts';
import type { InputProblem } from './trade-input-rules.js';

/** A trade as capture holds it: its applied version and where it stands. */
export interface TradeState {
  tradeRef: string;
  version: number;
  status: TradeStatus;
  economics: TradeEconomics;
}

/** Every version of a trade received so far, applied or stale, with its content hash. */
export type SeenVersions = ReadonlyMap<number, string>;

export type VersionDecision =
  | { kind: 'CAPTURE' }
  | { kind: 'AMEND'; before: TradeEconomics }
  /** before: null when the CANCEL arrives before any other version (recorded as a cancelled trade). */
  | { kind: 'CANCEL'; before: TradeEconomics | null }
  | { kind: 'DUPLICATE' }
  | { kind: 'STALE'; note: string }
  | { kind: 'EXCEPTION'; problems: InputProblem[]; exceptionKind: 'INPUT' | 'LIFECYCLE' };

/** Statuses after which the securities or cash have moved: an amendment or cancellation needs a person. */
const SETTLED: ReadonlySet<TradeStatus> = new Set(['SETTLED', 'PARTIALLY_SETTLED']);

/**
 * What one version of a trade does, given what capture already holds (DOMAIN.md §1, FINOS CDM
 * New/Correct/Cancel):
 * - the same version with the same content is a duplicate; with another content, a conflicting duplicate;
 * - a version below the applied one is stale: recorded, never applied (versions can arrive out of order);
 * - NEW captures; AMEND and CANCEL need a higher version than the applied one. An AMEND or CANCEL
 *   that arrives first (its NEW is late) is captured as the trade at its version — the highest wins;
 * - a trade already settled or cancelled is never changed by a message: that is an exception for an operator.
 */
export function decideVersion(
  msg: { action: 'NEW' | 'AMEND' | 'CANCEL'; version: number; hash: string; tradeId: string },
  current: TradeState | undefined,
  seen: SeenVersions,
): VersionDecision {
  const seenHash = seen.get(msg.version);
  if (seenHash !== undefined) {
    if (seenHash === msg.hash) return { kind: 'DUPLICATE' };
    return {
      kind: 'EXCEPTION',
      exceptionKind: 'INPUT',
      problems: [
        { field: 'version', value: msg.version, rule: `conflicting duplicate: version ${msg.version} of this trade was already received with another content` },
      ],
    };
  }
  if (!current) return msg.action === 'CANCEL' ? { kind: 'CANCEL', before: null } : { kind: 'CAPTURE' };
  if (msg.version < current.version) {
    return { kind: 'STALE', note: `version ${msg.version} (${msg.action}) arrived after version ${current.version} was applied` };
  }
  // msg.version > current.version from here (equal versions were seen).
  if (msg.action === 'NEW') {
    return {
      kind: 'EXCEPTION',
      exceptionKind: 'INPUT',
      problems: [{ field: 'action', value: 'NEW', rule: `trade already captured at version ${current.version}: a correction is an AMEND` }],
    };
  }
  if (current.status === 'CANCELLED') {
    return {
      kind: 'EXCEPTION',
      exceptionKind: 'LIFECYCLE',
      problems: [
        {
          field: 'action',
          value: msg.action,
          rule: `trade cancelled at version ${current.version}: it cannot be ${msg.action === 'AMEND' ? 'amended' : 'cancelled again'}`,
        },
      ],
    };
  }
  if (SETTLED.has(current.status)) {
    return {
      kind: 'EXCEPTION',
      exceptionKind: 'LIFECYCLE',
      problems: [
        {
          field: 'action',
          value: msg.action,
          rule: `trade already ${current.status === 'SETTLED' ? 'settled' : 'partially settled'}: an ${msg.action} after settlement needs an operator (reverse and rebook, or a new trade)`,
        },
      ],
    };
  }
  return msg.action === 'AMEND' ? { kind: 'AMEND', before: current.economics } : { kind: 'CANCEL', before: current.economics };
}
