import type { SettlementParty } from '@postera/contracts';
import type { Sese023 } from '@postera/iso20022';

export interface InstructionForCsd {
  instructionId: string;
  instructionType: 'RVP' | 'DVP' | 'RFP' | 'DFP';
  isin: string;
  quantity: string;
  quantityType: 'UNIT' | 'FAMT';
  settlementAmount: string;
  cashDirection: 'DBIT' | 'CRDT';
  currency: string;
  tradeDate: string;
  intendedSettlementDate: string;
  account: string;
  counterparty: string;
  placeOfSettlement: string;
  partialIndicator: 'PART' | 'NPAR' | 'PARC' | 'PARQ';
  ssis: { account: SettlementParty | null; counterparty: SettlementParty | null };
}

/**
 * The sese.023 of an instruction. Our side is the receiving party on RVP/RFP and the delivering
 * party on DVP/DFP; each side's SSI gives its CSD, agent BIC and safekeeping account. A side with no
 * SSI settles at the instruction's place of settlement, identified by LEI (the counterparty) or our
 * account id as safekeeping account (us) — the instruction still goes out, and the CSD would
 * reject a wrong one (REJT).
 */
export function toSese023(i: InstructionForCsd): Sese023 {
  const receive = i.instructionType === 'RVP' || i.instructionType === 'RFP';
  const free = i.instructionType === 'RFP' || i.instructionType === 'DFP';
  const ours = {
    depositoryBic: i.ssis.account?.placeOfSettlement ?? i.placeOfSettlement,
    partyBic: i.ssis.account?.agentBic ?? null,
    lei: null,
    safekeepingAccount: i.ssis.account?.safekeepingAccount ?? i.account,
  };
  const theirs = {
    depositoryBic: i.ssis.counterparty?.placeOfSettlement ?? i.placeOfSettlement,
    partyBic: i.ssis.counterparty?.agentBic ?? null,
    lei: i.counterparty,
    safekeepingAccount: i.ssis.counterparty?.safekeepingAccount ?? null,
  };
  return {
    transactionId: i.instructionId.replace(/-/g, '').slice(0, 35),
    movement: receive ? 'RECE' : 'DELI',
    payment: free ? 'FREE' : 'APMT',
    tradeDate: i.tradeDate,
    settlementDate: i.intendedSettlementDate,
    isin: i.isin,
    quantityType: i.quantityType,
    quantity: i.quantity,
    safekeepingAccount: ours.safekeepingAccount,
    placeOfSettlementBic: i.placeOfSettlement,
    partialSettlement: i.partialIndicator,
    delivering: receive ? theirs : ours,
    receiving: receive ? ours : theirs,
    settlementAmount: free ? null : { amount: i.settlementAmount, currency: i.currency, creditDebit: i.cashDirection },
  };
}

/** The sese.023 TxId of an instruction id (a uuid without its dashes: 32 characters, within Max35Text). */
export const transactionIdOf = (instructionId: string): string => instructionId.replace(/-/g, '').slice(0, 35);

/** Back from a TxId to the instruction id. */
export function instructionIdOfTx(txId: string): string {
  if (!/^[0-9a-f]{32}$/.test(txId)) return txId;
  return `${txId.slice(0, 8)}-${txId.slice(8, 12)}-${txId.slice(12, 16)}-${txId.slice(16, 20)}-${txId.slice(20)}`;
}
