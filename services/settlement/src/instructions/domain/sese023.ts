import type { SettlementParty } from '@postera/contracts';
import { isLei, type Sese023, type Sese023Party } from '@postera/iso20022';

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
  /** A net of several trades (netting-close.ts). */
  isNet?: boolean;
}

/** The international CSDs (Clearstream Banking Luxembourg, Euroclear Bank): a place of safekeeping of type ICSD; any other CSD is national (NCSD). */
const ICSD_BIC_PREFIXES = ['CEDELULL', 'MGTCBEBE'];

/**
 * The sese.023 of an instruction. Our side is the receiving party on RVP/RFP and the delivering
 * party on DVP/DFP; each side's SSI gives its CSD (depository), agent BIC and safekeeping account.
 * A side with no SSI settles at the instruction's place of settlement: the counterparty is then
 * identified by its LEI alone, and our side by its depository alone (our account is the
 * instruction's safekeeping account) — the instruction still goes out, and the CSD would reject a
 * wrong one (REJT). The writer checks every value against the schema's types and throws on one
 * outside them: the SSIs and LEIs were validated at capture, so that would be a bug here.
 */
export function toSese023(i: InstructionForCsd): Sese023 {
  const receive = i.instructionType === 'RVP' || i.instructionType === 'RFP';
  const free = i.instructionType === 'RFP' || i.instructionType === 'DFP';
  const ours: Sese023Party = {
    depositoryBic: i.ssis.account?.placeOfSettlement ?? i.placeOfSettlement,
    partyBic: i.ssis.account?.agentBic ?? null,
    lei: null,
    safekeepingAccount: i.ssis.account?.safekeepingAccount ?? i.account,
  };
  const theirs: Sese023Party = {
    depositoryBic: i.ssis.counterparty?.placeOfSettlement ?? i.placeOfSettlement,
    partyBic: i.ssis.counterparty?.agentBic ?? null,
    // The counterparty field is an LEI for every counterparty capture accepts; anything else is not written as one.
    lei: isLei(i.counterparty) ? i.counterparty : null,
    safekeepingAccount: i.ssis.counterparty?.safekeepingAccount ?? null,
  };
  const place = ours.depositoryBic ?? i.placeOfSettlement;
  return {
    transactionId: transactionIdOf(i.instructionId),
    movement: receive ? 'RECE' : 'DELI',
    payment: free ? 'FREE' : 'APMT',
    tradeDate: i.tradeDate,
    settlementDate: i.intendedSettlementDate,
    isin: i.isin,
    quantityType: i.quantityType,
    quantity: i.quantity,
    safekeepingAccount: ours.safekeepingAccount,
    placeOfSafekeeping: { type: ICSD_BIC_PREFIXES.some((p) => place.startsWith(p)) ? 'ICSD' : 'NCSD', bic: place },
    // A net instruction settles the net of several trades: NETT, not TRAD.
    transactionType: i.isNet ? 'NETT' : 'TRAD',
    partialSettlement: i.partialIndicator,
    delivering: receive ? theirs : ours,
    receiving: receive ? ours : theirs,
    settlementAmount: free ? null : { amount: i.settlementAmount, currency: i.currency, creditDebit: i.cashDirection },
  };
}

/**
 * The sese.023 TxId of an instruction id. Every identifier Postera generates for an ISO 20022
 * message is a UUID written without its hyphens: 32 characters, within Max35Text.
 */
export const transactionIdOf = (instructionId: string): string => instructionId.replace(/-/g, '');

/** Back from a TxId to the instruction id. */
export function instructionIdOfTx(txId: string): string {
  if (!/^[0-9a-f]{32}$/.test(txId)) return txId;
  return `${txId.slice(0, 8)}-${txId.slice(8, 12)}-${txId.slice(12, 16)}-${txId.slice(16, 20)}-${txId.slice(20)}`;
}
