import { createHash } from 'node:crypto';
import { Dec } from '@postera/kernel';
import { parseCamt053, parseSemt002, type Camt053EntryRead, type Semt002HoldingRead, type StatementProblem, type XmlElement } from '@postera/iso20022';

/**
 * The custodian's and the bank's statements as the reconciliation uses them, read by the project's
 * one XML reader and its ISO 20022 statement readers (@postera/iso20022): every version a custodian
 * or a bank sends, refusals that name the element and the reason.
 *
 * A statement whose header cannot be read is refused whole (the reader throws an XmlReadError); a
 * row that cannot be read is a problem of that row and the other rows still count.
 */

/** A row of a statement that could not be read: reported in the run, never fatal to it. Row 0 is about the statement as a whole. */
export interface RowProblem {
  row: number;
  problem: string;
}

export interface HoldingsStatement {
  statementId: string;
  statementDate: string;
  safekeepingAccount: string;
  basis: 'CONT' | 'SETT' | 'TRAD';
  /** Per ISIN, signed (a short position is negative); the account's own balances plus its sub-accounts'. */
  holdings: Array<{ row: number; isin: string; quantity: string }>;
  problems: RowProblem[];
}

export interface CashEntry {
  row: number;
  entryRef: string;
  /** Signed: credit positive, debit negative. */
  amount: string;
  valueDate: string | null;
  tradeRef: string | null;
  booked: boolean;
  /** The movements the entry stands for, by reference: one per transaction when a batch gives each one's amount, else the entry itself. */
  movements: Array<{ ref: string | null; amount: string }>;
}

export interface CashStatement {
  statementId: string;
  cashAccount: string;
  currency: string;
  statementDate: string;
  openingBalance: string;
  closingBalance: string;
  entries: CashEntry[];
  problems: RowProblem[];
}

/**
 * A statement's text, and the tree already read from it when it was (an upload is read in chunks
 * that yield to the event loop, parseXmlYielding), or the reader's refusal of it: then it is not
 * read a second time. A bare string is read here.
 */
export type StatementXml = string | { xml: string; tree: XmlElement | Error };

const textOf = (s: StatementXml) => (typeof s === 'string' ? s : s.xml);
function treeOf(s: StatementXml): string | XmlElement {
  if (typeof s === 'string') return s;
  if (s.tree instanceof Error) throw s.tree;
  return s.tree;
}

const rowProblem = (p: StatementProblem): RowProblem => ({ row: p.row, problem: p.message });

/** A statement without a StmtId (it is optional in semt.002) is stored under a digest of its content. */
const digestOf = (xml: string) => createHash('sha256').update(xml).digest('hex').slice(0, 32);

/**
 * semt.002 (statement of holdings). A custodian reports the account's own holdings at account level
 * and each sub-safekeeping account's at its level (the MT535 sequence B / B1 convention), so the
 * account's holding of an ISIN is their sum.
 */
export function readSemt002(statement: StatementXml): HoldingsStatement {
  const s = parseSemt002(treeOf(statement));
  const byIsin = new Map<string, Semt002HoldingRead[]>();
  for (const h of [...s.holdings, ...s.subAccounts.flatMap((a) => a.holdings)]) byIsin.set(h.isin, [...(byIsin.get(h.isin) ?? []), h]);
  // One balance keeps the custodian's text ("100.00" stays "100.00"); several are summed.
  const quantityOf = (hs: Semt002HoldingRead[]) => (hs.length === 1 ? hs[0]!.quantity : hs.reduce((sum, h) => sum.plus(h.quantity), new Dec(0)).toFixed());
  return {
    statementId: s.statementId ?? digestOf(textOf(statement)),
    statementDate: s.statementDate,
    safekeepingAccount: s.safekeepingAccount,
    basis: s.basis,
    holdings: [...byIsin].map(([isin, hs]) => ({ row: hs[0]!.row, isin, quantity: quantityOf(hs) })),
    problems: s.problems.map(rowProblem),
  };
}

/**
 * What an entry moves, by reference. A batch (several transactions in one entry) is split by its
 * transactions when each has its reference and amount and they add up to the entry; otherwise the
 * entry counts whole, under its own trade reference.
 */
function movementsOf(e: Camt053EntryRead): CashEntry['movements'] {
  const txs = e.transactions;
  if (txs.length > 1 && txs.every((t) => t.ref !== null && t.amount !== null)) {
    const sum = txs.reduce((s, t) => s.plus(t.amount!), new Dec(0));
    if (sum.eq(e.amount)) return txs.map((t) => ({ ref: t.ref, amount: t.amount! }));
  }
  return [{ ref: e.tradeRef, amount: e.amount }];
}

/** camt.053 (bank-to-customer statement): every statement of the file, each with its balances and entries. */
export function readCamt053(statement: StatementXml): CashStatement[] {
  return parseCamt053(treeOf(statement)).statements.map((s) => ({
    statementId: s.statementId,
    cashAccount: s.cashAccount,
    currency: s.currency,
    statementDate: s.statementDate,
    openingBalance: s.openingBalance,
    closingBalance: s.closingBalance,
    entries: s.entries.map((e) => ({
      row: e.row,
      entryRef: e.entryRef,
      amount: e.amount,
      valueDate: e.valueDate ?? e.bookingDate,
      tradeRef: e.tradeRef,
      booked: e.booked,
      movements: movementsOf(e),
    })),
    problems: s.problems.map(rowProblem),
  }));
}
