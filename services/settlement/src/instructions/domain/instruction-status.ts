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
  SETTLED: 9,
};

export function isProgress(from: InstructionStatus, to: InstructionStatus): boolean {
  if (from === 'SETTLED' || from === 'REJECTED') return false; // terminal
  if (from === 'FAILING' && to === 'FAILING') return true; // a new fail reason, or the fail goes on
  return RANK[to] > RANK[from] || (from === 'UNMATCHED' && to === 'UNMATCHED');
}

/** RECE/DELI × APMT: our side receives on a buy and delivers on a sell, against payment. */
export function instructionTypeFor(side: 'BUY' | 'SELL'): 'RVP' | 'DVP' {
  return side === 'BUY' ? 'RVP' : 'DVP';
}
