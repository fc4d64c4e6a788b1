import { amountText } from '@postera/kernel';
import { Decimal } from 'decimal.js';
import { many, one, opt, optTextAt, refuse, textAt, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { messageOf, type XmlDocumentIn } from './common.js';
import {
  bounded,
  codeOrProprietary,
  contentHash,
  currencyOf,
  dateOfChoice,
  indicator,
  max35,
  problemOf,
  readRow,
  unsignedDecimal,
  withSign,
  type StatementProblem,
} from './statement-fields.js';

export type { StatementProblem } from './statement-fields.js';

/** Sums of amounts of up to 18 digits over many entries, exact: far more precision than decimal.js's default 20 digits. */
const Dec = Decimal.clone({ precision: 60 });

/**
 * camt.053 bank-to-customer statement: per account, the opening and closing booked balances and
 * the entries between. Amounts are signed decimal strings: credit positive, debit negative (the
 * message writes them unsigned with CdtDbtInd beside).
 */

export interface Camt053Entry {
  /** Max35Text: a generated id is a UUID without its hyphens (32 characters). */
  entryRef: string;
  /** Signed: credit positive, debit negative. */
  amount: string;
  valueDate: string;
  /** Our trade reference, written as the transaction's EndToEndId. */
  tradeRef: string | null;
}

/** What Postera writes: one statement of one account in one currency. */
export interface Camt053 {
  /** Max35Text: a generated id is a UUID without its hyphens. */
  messageId: string;
  /** Max35Text: a generated id is a UUID without its hyphens. */
  statementId: string;
  /** Written as IBAN when it is one, else as Othr/Id (Max34Text). */
  cashAccount: string;
  currency: string;
  statementDate: string;
  openingBalance: string;
  closingBalance: string;
  entries: Camt053Entry[];
}

/** Every published version of the message: real banks still send .02 and .04. */
export const CAMT053_VERSIONS = ['02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((n) => `camt.053.001.${n}`);

/** Bounds on what one file may hold; a month of a busy account's entries stays far inside. */
export const STATEMENTS_PER_FILE_MAX = 1_000;
export const ENTRIES_PER_STATEMENT_MAX = 100_000;
export const TRANSACTIONS_PER_ENTRY_MAX = 10_000;

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;
const unsigned = (v: string) => (v.startsWith('-') ? v.slice(1) : v);
/** The amount of a balance or an entry without its sign (CdtDbtInd says it), at the currency's minor units; finer is refused, never rounded. */
const amountWritten = (v: string, currency: string) => amountText(unsigned(v), currency);
const direction = (v: string) => (v.startsWith('-') ? 'DBIT' : 'CRDT');

/** A statement valid against camt.053.001.08, for every variant (no entries, debit and credit balances, with and without trade reference). */
export function renderCamt053(m: Camt053): string {
  const accountId = IBAN.test(m.cashAccount) ? el('IBAN', m.cashAccount) : el('Othr', [el('Id', m.cashAccount)]);
  if (m.cashAccount.length > 34) throw new RangeError(`cash account "${m.cashAccount}" is longer than 34 characters`);
  const bal = (tp: 'OPBD' | 'CLBD', v: string) =>
    el('Bal', [
      el('Tp', [el('CdOrPrtry', [el('Cd', tp)])]),
      el('Amt', amountWritten(v, m.currency), { Ccy: m.currency }),
      el('CdtDbtInd', direction(v)),
      el('Dt', [el('Dt', m.statementDate)]),
    ]);
  const entry = (e: Camt053Entry): XmlOut =>
    el('Ntry', [
      el('NtryRef', max35(e.entryRef, 'NtryRef')),
      el('Amt', amountWritten(e.amount, m.currency), { Ccy: m.currency }),
      el('CdtDbtInd', direction(e.amount)),
      el('Sts', [el('Cd', 'BOOK')]),
      el('BookgDt', [el('Dt', m.statementDate)]),
      el('ValDt', [el('Dt', e.valueDate)]),
      // Securities settlement: a debit is our payment against a receipt (RVPM), a credit the proceeds of a delivery (DVPM).
      el('BkTxCd', [el('Domn', [el('Cd', 'SECU'), el('Fmly', [el('Cd', 'SETT'), el('SubFmlyCd', direction(e.amount) === 'CRDT' ? 'DVPM' : 'RVPM')])])]),
      e.tradeRef ? el('NtryDtls', [el('TxDtls', [el('Refs', [el('EndToEndId', max35(e.tradeRef, 'EndToEndId'))])])]) : null,
    ]);
  return renderXml(
    el(
      'Document',
      [
        el('BkToCstmrStmt', [
          el('GrpHdr', [el('MsgId', max35(m.messageId, 'MsgId')), el('CreDtTm', `${m.statementDate}T23:59:59Z`)]),
          el('Stmt', [
            el('Id', max35(m.statementId, 'Stmt/Id')),
            el('CreDtTm', `${m.statementDate}T23:59:59Z`),
            el('Acct', [el('Id', [accountId]), el('Ccy', m.currency)]),
            bal('OPBD', m.openingBalance),
            bal('CLBD', m.closingBalance),
            ...m.entries.map(entry),
          ]),
        ]),
      ],
      { xmlns: namespaceOf('camt.053.001.08') },
    ),
  );
}

export interface Camt053Balance {
  /** The balance type code (OPBD, PRCD, CLBD, ITBD, CLAV, FWAV, OPAV…) or the proprietary text. */
  type: string;
  amount: string;
  date: string;
  line: number;
}

export interface Camt053Transaction {
  /** The first reference given: EndToEndId (unless NOTPROVIDED), TxId, InstrId, AcctSvcrRef, PmtInfId, MsgId. */
  ref: string | null;
  endToEndId: string | null;
  /** Signed, when the bank gives the transaction's own amount (TxDtls/Amt, or AmtDtls/TxAmt/Amt in .02). */
  amount: string | null;
}

export interface Camt053EntryRead {
  row: number;
  line: number;
  /**
   * The entry's key, stable across reads of the same file: NtryRef when the bank gives one, else
   * AcctSvcrRef, else `#` and a hash of the entry's content (booking and value dates, amount,
   * direction, status and references), with `~n` for the n-th entry of identical content.
   */
  entryRef: string;
  entryRefSource: 'NtryRef' | 'AcctSvcrRef' | 'hash';
  /** Signed: credit positive, debit negative. What counts for the balance, even when transactions are batched under it. */
  amount: string;
  status: string;
  /** Only booked entries (status BOOK) move the booked balance. */
  booked: boolean;
  /**
   * A reversal (RvslInd true). Per the standard's usage rule its CdtDbtInd already gives the
   * direction of the reversal booking (CRDT reverses a debit), so the sign is CdtDbtInd's as for any
   * entry; the flag is kept for the operator.
   */
  reversal: boolean;
  bookingDate: string | null;
  valueDate: string | null;
  /** `Domn/Fmly/SubFmly` (e.g. SECU/SETT/RVPM), or the proprietary code. */
  bankTransactionCode: string | null;
  /** The EndToEndId of the entry's single transaction (null for a batch or when none is given). */
  tradeRef: string | null;
  transactions: Camt053Transaction[];
}

export interface Camt053StatementRead {
  statementId: string;
  cashAccount: string;
  accountScheme: 'IBAN' | 'OTHER';
  /** Acct/Ccy, or when absent the currency every balance and entry amount is given in. */
  currency: string;
  /** The closing booked balance's date. */
  statementDate: string;
  openingBalance: string;
  /** OPBD, or PRCD (the previous statement's closing booked balance) which some banks send instead. */
  openingBalanceType: 'OPBD' | 'PRCD';
  closingBalance: string;
  /** Every balance given, required or not. */
  balances: Camt053Balance[];
  entries: Camt053EntryRead[];
  /** Entries that could not be read (row = the Ntry's position), and the balance check (row 0). */
  problems: StatementProblem[];
}

export interface Camt053Read {
  version: string;
  messageId: string;
  statements: Camt053StatementRead[];
}

function signedAmount(e: XmlElement, amt: XmlElement, currency: string | null): string {
  const ccy = currencyOf(amt);
  if (currency !== null && ccy !== currency) refuse(amt, `amount in ${ccy}, the statement is in ${currency}`);
  const dir = opt(e, 'CdtDbtInd');
  if (!dir) refuse(e, 'CdtDbtInd is missing');
  const d = dir.text.trim();
  if (d !== 'CRDT' && d !== 'DBIT') refuse(dir, `${d.slice(0, 10) || '(empty)'} is not one of CRDT, DBIT`);
  return withSign(unsignedDecimal(amt), d === 'DBIT');
}

/** The statement's currency: Acct/Ccy, else the one currency of its balances and entries (refused when they disagree). */
function statementCurrency(s: XmlElement): string {
  const acctCcy = optTextAt(s, 'Acct', 'Ccy');
  if (acctCcy) {
    if (!/^[A-Z]{3}$/.test(acctCcy)) refuse(one(one(s, 'Acct'), 'Ccy'), `currency ${acctCcy.slice(0, 10)} is not an ISO 4217 code`);
    return acctCcy;
  }
  const amounts = [...many(s, 'Bal'), ...many(s, 'Ntry')].map((x) => opt(x, 'Amt')).filter((a): a is XmlElement => a !== null);
  if (amounts.length === 0) refuse(s, 'no Acct/Ccy and no amount to take the currency from');
  const first = currencyOf(amounts[0]!);
  for (const a of amounts)
    if (currencyOf(a) !== first) refuse(a, `no Acct/Ccy and amounts in ${first} and ${currencyOf(a)}: the statement's currency is ambiguous`);
  return first;
}

function readBalance(b: XmlElement, currency: string): Camt053Balance {
  const type = codeOrProprietary(one(one(b, 'Tp'), 'CdOrPrtry')).code;
  return { type, amount: signedAmount(b, one(b, 'Amt'), currency), date: dateOfChoice(one(b, 'Dt')), line: b.line };
}

/** The one balance of a type: refused when it is given twice (which of them would be the statement's?). */
function single(balances: Camt053Balance[], type: string, s: XmlElement): Camt053Balance | null {
  const found = balances.filter((b) => b.type === type);
  if (found.length > 1) throw new XmlReadError(`${found.length} ${type} balances, at most one expected`, s.path, found[1]!.line);
  return found[0] ?? null;
}

/** Sts: a code under Sts/Cd (or Sts/Prtry) from .08 on, the code as the element's text in .02 to .07. */
function entryStatus(n: XmlElement): string {
  const sts = one(n, 'Sts');
  if (sts.children.length > 0) return codeOrProprietary(sts).code;
  const t = sts.text.trim();
  if (t === '') refuse(sts, 'empty');
  return t;
}

function bankTransactionCode(n: XmlElement): string | null {
  const c = opt(n, 'BkTxCd');
  if (!c) return null;
  const domn = opt(c, 'Domn');
  if (domn) return [textAt(domn, 'Cd'), textAt(domn, 'Fmly', 'Cd'), textAt(domn, 'Fmly', 'SubFmlyCd')].join('/');
  return optTextAt(c, 'Prtry', 'Cd');
}

const REFERENCE_ORDER = ['EndToEndId', 'TxId', 'InstrId', 'AcctSvcrRef', 'PmtInfId', 'MsgId'] as const;

function readTransaction(t: XmlElement, entry: XmlElement, currency: string): Camt053Transaction {
  const refs = opt(t, 'Refs');
  const refOf = (name: string) => {
    const v = refs ? optTextAt(refs, name) : null;
    // NOTPROVIDED is the placeholder SEPA payers leave in EndToEndId: it identifies nothing.
    return v === 'NOTPROVIDED' ? null : v;
  };
  const own = opt(t, 'Amt') ?? optAmt(t);
  // A transaction amount in another currency than the account's (an FX payment) says nothing about the balance: kept as null.
  const amount = own && currencyOf(own) === currency ? signedAmount(opt(t, 'CdtDbtInd') ? t : entry, own, currency) : null;
  return { ref: REFERENCE_ORDER.map(refOf).find((r) => r !== null) ?? null, endToEndId: refOf('EndToEndId'), amount };
}

/** The transaction amount of .02 (no TxDtls/Amt yet): AmtDtls/TxAmt/Amt. */
function optAmt(t: XmlElement): XmlElement | null {
  const d = opt(t, 'AmtDtls');
  if (!d) return null;
  const tx = opt(d, 'TxAmt');
  return tx ? opt(tx, 'Amt') : null;
}

function readEntry(
  n: XmlElement,
  row: number,
  currency: string,
): Omit<Camt053EntryRead, 'entryRef' | 'entryRefSource'> & { ntryRef: string | null; acctSvcrRef: string | null } {
  const amount = signedAmount(n, one(n, 'Amt'), currency);
  const status = entryStatus(n);
  const bookg = opt(n, 'BookgDt');
  const val = opt(n, 'ValDt');
  const rvsl = opt(n, 'RvslInd');
  const transactions = many(n, 'NtryDtls').flatMap((d) => bounded(d, 'TxDtls', TRANSACTIONS_PER_ENTRY_MAX).map((t) => readTransaction(t, n, currency)));
  return {
    row,
    line: n.line,
    amount,
    status,
    booked: status === 'BOOK',
    reversal: rvsl ? indicator(rvsl) : false,
    bookingDate: bookg ? dateOfChoice(bookg) : null,
    valueDate: val ? dateOfChoice(val) : null,
    bankTransactionCode: bankTransactionCode(n),
    tradeRef: transactions.length === 1 ? transactions[0]!.endToEndId : null,
    transactions,
    ntryRef: optTextAt(n, 'NtryRef'),
    acctSvcrRef: optTextAt(n, 'AcctSvcrRef'),
  };
}

function readStatement(s: XmlElement): Camt53StatementDraft {
  const acctId = one(one(s, 'Acct'), 'Id');
  const iban = opt(acctId, 'IBAN');
  const cashAccount = iban ? textAt(acctId, 'IBAN') : textAt(acctId, 'Othr', 'Id');
  const currency = statementCurrency(s);
  const balances = bounded(s, 'Bal', 100).map((b) => readBalance(b, currency));
  const opbd = single(balances, 'OPBD', s);
  const prcd = single(balances, 'PRCD', s);
  const opening = opbd ?? prcd;
  if (!opening) refuse(s, 'no opening balance (OPBD or PRCD)');
  const closing = single(balances, 'CLBD', s);
  if (!closing) refuse(s, 'no closing booked balance (CLBD)');
  const problems: StatementProblem[] = [];
  const entries: Camt053EntryRead[] = [];
  const hashes = new Map<string, number>();
  bounded(s, 'Ntry', ENTRIES_PER_STATEMENT_MAX).forEach((n, i) => {
    const e = readRow(i + 1, problems, () => readEntry(n, i + 1, currency));
    if (!e) return;
    const { ntryRef, acctSvcrRef, ...rest } = e;
    let entryRef: string;
    let entryRefSource: Camt053EntryRead['entryRefSource'];
    if (ntryRef) [entryRef, entryRefSource] = [ntryRef, 'NtryRef'];
    else if (acctSvcrRef) [entryRef, entryRefSource] = [acctSvcrRef, 'AcctSvcrRef'];
    else {
      const h = contentHash([e.bookingDate, e.valueDate, e.amount, e.status, ...e.transactions.map((t) => t.ref)]);
      const nth = (hashes.get(h) ?? 0) + 1;
      hashes.set(h, nth);
      [entryRef, entryRefSource] = [nth === 1 ? `#${h}` : `#${h}~${nth}`, 'hash'];
    }
    entries.push({ ...rest, entryRef, entryRefSource });
  });
  return {
    statementId: textAt(s, 'Id'),
    cashAccount,
    accountScheme: iban ? 'IBAN' : 'OTHER',
    currency,
    statementDate: closing.date,
    openingBalance: opening.amount,
    openingBalanceType: opbd ? 'OPBD' : 'PRCD',
    closingBalance: closing.amount,
    balances,
    entries,
    problems,
    element: s,
  };
}

type Camt53StatementDraft = Camt053StatementRead & { element: XmlElement };

/**
 * The balance check an operator wants to see: opening + booked entries = closing. It is a warning
 * on the statement (row 0), not a refusal: the figures are the bank's, and a gap says an entry is
 * missing or unreadable (an unreadable one is already a problem of its row).
 */
function balanceCheck(d: Camt53StatementDraft): StatementProblem[] {
  const booked = d.entries.filter((e) => e.booked).reduce((sum, e) => sum.plus(e.amount), new Dec(d.openingBalance));
  if (booked.eq(d.closingBalance)) return [];
  const gap = new Dec(d.closingBalance).minus(booked).toFixed();
  return [
    problemOf(
      0,
      new XmlReadError(
        `opening ${d.openingBalance} + booked entries ${booked.minus(d.openingBalance).toFixed()} = ${booked.toFixed()}, closing is ${d.closingBalance} (gap ${gap})`,
        d.element.path,
        d.element.line,
      ),
    ),
  ];
}

/**
 * Reads a statement file of any version from .02 to .12: every Stmt in it (a bank may put several
 * accounts or currencies in one file). A statement without its required parts (account, opening and
 * closing booked balances) refuses the file, an XmlReadError naming the element; an entry that
 * cannot be read is a problem of its row and the others are kept.
 */
export function parseCamt053(xml: XmlDocumentIn): Camt053Read {
  const { version, m } = messageOf(xml, CAMT053_VERSIONS, 'BkToCstmrStmt');
  const messageId = textAt(m, 'GrpHdr', 'MsgId');
  const stmts = bounded(m, 'Stmt', STATEMENTS_PER_FILE_MAX);
  if (stmts.length === 0) refuse(m, 'Stmt is missing');
  const statements = stmts.map((s) => {
    const { element, ...d } = readStatement(s);
    return { ...d, problems: [...d.problems, ...balanceCheck({ ...d, element })] };
  });
  return { version, messageId, statements };
}
