import { isIsoDate } from '@postera/kernel';
import { localName, namespaceOf, one, optional, parseXml, text, children, XmlError, type XmlElement } from './xml.js';

export const SEMT002_NS = 'urn:iso:std:iso:20022:tech:xsd:semt.002.001.11';
export const CAMT053_NS = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';

/** A row of a statement that could not be read: reported in the run, never fatal to it. */
export interface RowProblem {
  row: number;
  problem: string;
}

export interface HoldingsStatement {
  statementId: string;
  statementDate: string;
  safekeepingAccount: string;
  basis: 'CONT' | 'SETT' | 'TRAD';
  holdings: Array<{ row: number; isin: string; quantity: string }>;
  problems: RowProblem[];
}

export interface CashStatement {
  statementId: string;
  cashAccount: string;
  currency: string;
  statementDate: string;
  openingBalance: string;
  closingBalance: string;
  entries: Array<{ row: number; entryRef: string; amount: string; valueDate: string; tradeRef: string | null }>;
  problems: RowProblem[];
}

const DECIMAL = /^-?\d{1,18}(\.\d{1,12})?$/;
const ISIN = /^[A-Z]{2}[A-Z0-9]{9}\d$/;

function decimal(v: string, what: string): string {
  if (!DECIMAL.test(v)) throw new XmlError(`${what}: not a decimal (${v.slice(0, 40)})`);
  return v;
}
function date(v: string, what: string): string {
  if (!isIsoDate(v)) throw new XmlError(`${what}: not an ISO date (${String(v).slice(0, 40)})`);
  return v;
}

function documentOf(xml: string, ns: string, message: string): XmlElement {
  const root = parseXml(xml);
  if (localName(root) !== 'Document') throw new XmlError(`root is <${root.name}>, not <Document>`);
  if (namespaceOf(root) !== ns) throw new XmlError(`namespace ${namespaceOf(root) ?? '(none)'}, expected ${ns}`);
  return one(root, message);
}

/**
 * semt.002 (statement of holdings), read strictly: the header fields are required (a statement
 * without them is refused whole); each balance row is read on its own and a bad one (no ISIN, a
 * quantity that is not a decimal, an ISIN twice) becomes a row problem, the others still count.
 */
export function readSemt002(xml: string): HoldingsStatement {
  const m = documentOf(xml, SEMT002_NS, 'SctiesBalCtdyRpt');
  const basis = text(m, 'StmtGnlDtls', 'StmtBsis', 'Cd');
  if (basis !== 'CONT' && basis !== 'SETT' && basis !== 'TRAD') throw new XmlError(`StmtBsis ${basis}: not CONT, SETT or TRAD`);
  const out: HoldingsStatement = {
    statementId: text(m, 'StmtGnlDtls', 'StmtId'),
    statementDate: date(text(m, 'StmtGnlDtls', 'StmtDtTm', 'Dt'), 'StmtDtTm/Dt'),
    safekeepingAccount: text(m, 'SfkpgAcct', 'Id'),
    basis,
    holdings: [],
    problems: [],
  };
  const seen = new Set<string>();
  children(m, 'BalForAcct').forEach((b, i) => {
    const row = i + 1;
    try {
      const isin = text(b, 'FinInstrmId', 'ISIN');
      if (!ISIN.test(isin)) throw new XmlError(`ISIN ${isin} malformed`);
      if (seen.has(isin)) throw new XmlError(`ISIN ${isin} twice in the statement`);
      const qty = decimal(text(b, 'AggtBal', 'Qty', 'Qty', 'Qty', 'Unit'), 'AggtBal quantity');
      seen.add(isin);
      out.holdings.push({ row, isin, quantity: qty });
    } catch (e) {
      out.problems.push({ row, problem: (e as Error).message });
    }
  });
  return out;
}

/** camt.053 (bank-to-customer statement), read strictly the same way: balances required, entries row by row. */
export function readCamt053(xml: string): CashStatement {
  const m = documentOf(xml, CAMT053_NS, 'BkToCstmrStmt');
  const s = one(m, 'Stmt');
  const currency = text(s, 'Acct', 'Ccy');
  const signed = (amt: XmlElement, ind: string, what: string) => {
    const v = decimal(amt.text.trim(), what);
    if (v.startsWith('-')) throw new XmlError(`${what}: amounts are unsigned, the sign is CdtDbtInd`);
    if (amt.attrs.Ccy !== undefined && amt.attrs.Ccy !== currency) throw new XmlError(`${what}: currency ${amt.attrs.Ccy}, account in ${currency}`);
    if (ind !== 'CRDT' && ind !== 'DBIT') throw new XmlError(`${what}: CdtDbtInd ${ind}`);
    return ind === 'DBIT' && !/^0(\.0+)?$/.test(v) ? `-${v}` : v;
  };
  const balance = (tp: string) => {
    const found = children(s, 'Bal').filter((b) => optional(b, 'Tp', 'CdOrPrtry', 'Cd')?.text.trim() === tp);
    if (found.length !== 1) throw new XmlError(`Bal ${tp}: expected exactly one, found ${found.length}`);
    const b = found[0]!;
    return { amount: signed(one(b, 'Amt'), text(b, 'CdtDbtInd'), `Bal ${tp}`), date: date(text(b, 'Dt', 'Dt'), `Bal ${tp} date`) };
  };
  const closing = balance('CLBD');
  const out: CashStatement = {
    statementId: text(s, 'Id'),
    cashAccount: text(s, 'Acct', 'Id', 'Othr', 'Id'),
    currency,
    statementDate: closing.date,
    openingBalance: balance('OPBD').amount,
    closingBalance: closing.amount,
    entries: [],
    problems: [],
  };
  children(s, 'Ntry').forEach((n, i) => {
    const row = i + 1;
    try {
      out.entries.push({
        row,
        entryRef: text(n, 'NtryRef'),
        amount: signed(one(n, 'Amt'), text(n, 'CdtDbtInd'), `Ntry ${row} amount`),
        valueDate: date(text(n, 'ValDt', 'Dt'), `Ntry ${row} value date`),
        tradeRef: optional(n, 'NtryDtls', 'TxDtls', 'Refs', 'EndToEndId')?.text.trim() || null,
      });
    } catch (e) {
      out.problems.push({ row, problem: (e as Error).message });
    }
  });
  return out;
}
