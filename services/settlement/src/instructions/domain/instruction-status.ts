import type { CustodianStatusV1, InstructionStatusChangedV1 } from '@postera/contracts';

export type InstructionStatus = InstructionStatusChangedV1['status'];

/** The custodian's sese.024/sese.025 status codes in our lifecycle. */
export function statusFromCustodian(s: CustodianStatusV1['status']): InstructionStatus {
  switch (s) {
    case 'PACK':
      return 'ACCEPTED';
    case 'REJT':
      return 'REJECTED';
    case 'MACH':
      return 'MATCHED';
    case 'NMAT':
      return 'UNMATCHED';
    case 'PEND':
      return 'FAILING';
    case 'SETT':
      return 'SETTLED';
    case 'CAND':
      return 'CANCELLED';
  }
}

/** Progress order of the lifecycle: a late or replayed advice never moves an instruction backwards. */
const RANK: Record<InstructionStatus, number> = {
  CREATED: 0,
  SENT: 1,
  ACCEPTED: 2,
  REJECTED: 3,
  UNMATCHED: 3,
  MATCHED: 4,
  FAILING: 5,
  PARTIALLY_SETTLED: 5,
  SETTLED: 9,
  CANCELLED: 9,
};

/** SETTLED, REJECTED and CANCELLED: no custodian advice moves the instruction again. */
export function isTerminal(s: InstructionStatus): boolean {
  return s === 'SETTLED' || s === 'REJECTED' || s === 'CANCELLED';
}

export function isProgress(from: InstructionStatus, to: InstructionStatus): boolean {
  if (isTerminal(from)) return false;
  if (to === 'CANCELLED') return true; // the CSD cancelled it (our request, or its own purge of a stale instruction)
  // A new fail reason, the fail goes on, a partial step, then the remainder failing: all kept.
  const pending = (x: InstructionStatus) => x === 'FAILING' || x === 'PARTIALLY_SETTLED';
  if (pending(from) && pending(to)) return true;
  return RANK[to] > RANK[from] || (from === 'UNMATCHED' && to === 'UNMATCHED');
}

/** RECE/DELI × APMT: our side receives on a buy and delivers on a sell, against payment. */
export function instructionTypeFor(side: 'BUY' | 'SELL'): 'RVP' | 'DVP' {
  return side === 'BUY' ? 'RVP' : 'DVP';
}
