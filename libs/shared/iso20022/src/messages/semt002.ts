import { at, codeAt, many, one, opt, optAt, optTextAt, refuse, textAt, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { messageOf, type XmlDocumentIn } from './common.js';
import { bounded, dateOfChoice, indicator, max35, problemOf, readRow, unsignedDecimal, withSign, type StatementProblem } from './statement-fields.js';

/**
 * semt.002 statement of holdings (custody statement, the ISO 20022 MT535): one safekeeping account,
 * one date, the aggregate balance per financial instrument.
 *
 * Quantities are signed decimal strings: a short position (`ShrtLngInd` SHOR) is negative, a long
 * one positive — the message itself writes the quantity unsigned and the direction beside it.
 */

/** How a quantity is expressed: units (shares), face amount or amortised value (bonds), as the schema's quantity choice names them. */
export type QuantityType = 'UNIT' | 'FAMT' | 'AMOR';

export interface Semt002Holding {
  isin: string;
  /** Signed: negative for a short position. */
  quantity: string;
  /** UNIT when absent. */
  quantityType?: QuantityType;
}

/** What Postera writes. */
export interface Semt002 {
  /** Max35Text: a generated id is a UUID without its hyphens (32 characters). */
  statementId: string;
  statementDate: string;
  safekeepingAccount: string;
  basis: 'CONT' | 'SETT' | 'TRAD';
  holdings: Semt002Holding[];
}

/** The versions a custodian sends: the current one (whose schema we carry) and the one before. */
export const SEMT002_VERSIONS = ['semt.002.001.11', 'semt.002.001.10'] as const;

/** Rows read per statement at most (a custodian's largest accounts hold a few thousand lines). */
export const HOLDINGS_PER_STATEMENT_MAX = 100_000;

const quantityElement: Record<QuantityType, string> = { UNIT: 'Unit', FAMT: 'FaceAmt', AMOR: 'AmtsdVal' };

function balance(h: Semt002Holding): XmlOut {
  const short = h.quantity.startsWith('-');
  const unsigned = short ? h.quantity.slice(1) : h.quantity;
  return el('BalForAcct', [
    el('FinInstrmId', [el('ISIN', h.isin)]),
    el('AggtBal', [el('ShrtLngInd', short ? 'SHOR' : 'LONG'), el('Qty', [el('Qty', [el('Qty', [el(quantityElement[h.quantityType ?? 'UNIT'], unsigned)])])])]),
  ]);
}

/** A statement valid against semt.002.001.11; an empty account is a statement without balances and ActvtyInd false. */
export function renderSemt002(m: Semt002): string {
  return renderXml(
    el(
      'Document',
      [
        el('SctiesBalCtdyRpt', [
          el('Pgntn', [el('PgNb', '1'), el('LastPgInd', 'true')]),
          el('StmtGnlDtls', [
            el('StmtId', max35(m.statementId, 'StmtId')),
            el('StmtDtTm', [el('Dt', m.statementDate)]),
            el('Frqcy', [el('Cd', 'DAIL')]),
            el('UpdTp', [el('Cd', 'COMP')]),
            el('StmtBsis', [el('Cd', m.basis)]),
            el('ActvtyInd', m.holdings.length > 0 ? 'true' : 'false'),
            el('SubAcctInd', 'false'),
          ]),
          el('SfkpgAcct', [el('Id', max35(m.safekeepingAccount, 'SfkpgAcct/Id'))]),
          ...m.holdings.map(balance),
        ]),
      ],
      { xmlns: namespaceOf('semt.002.001.11') },
    ),
  );
}

/** A holding as read: the row it came from, so that a break or a problem points at the custodian's line. */
export interface Semt002HoldingRead {
  row: number;
  line: number;
  isin: string;
  /** Signed: negative for a short position. For OrgnlAndCurFace, the original face amount. */
  quantity: string;
  quantityType: QuantityType;
  /** For a bond given as original and current face (OrgnlAndCurFace): the current (amortised) value. */
  amortisedValue: string | null;
  short: boolean;
}

export interface Semt002SubAccount {
  safekeepingAccount: string | null;
  holdings: Semt002HoldingRead[];
}

export interface Semt002Read {
  version: string;
  /** StmtId is optional in the schema: null when the custodian leaves it out. */
  statementId: string | null;
  statementDate: string;
  safekeepingAccount: string;
  basis: 'CONT' | 'SETT' | 'TRAD';
  activity: boolean;
  /** The account's own balances (BalForAcct). */
  holdings: Semt002HoldingRead[];
  /** Sub-safekeeping accounts (SubAcctDtls), each with its balances (BalForSubAcct). */
  subAccounts: Semt002SubAccount[];
  /** Rows that could not be read; the others are in `holdings`. Row numbers count within their list. */
  problems: StatementProblem[];
}

const ISIN = /^[A-Z]{2}[A-Z0-9]{9}\d$/;

/**
 * The quantity of a balance (Balance17): ShrtLngInd, then `Qty/Qty/Qty/{Unit|FaceAmt|AmtsdVal}` or
 * `Qty/Qty/OrgnlAndCurFace/{FaceAmt, AmtsdVal}`. A proprietary balance (`Qty/Prtry`) is refused:
 * its unit is the custodian's own and cannot be compared with ours.
 */
function readQuantity(aggt: XmlElement): Pick<Semt002HoldingRead, 'quantity' | 'quantityType' | 'amortisedValue' | 'short'> {
  const short = codeAt(aggt, ['SHOR', 'LONG'] as const, 'ShrtLngInd') === 'SHOR';
  const choice = one(aggt, 'Qty');
  if (opt(choice, 'Prtry')) refuse(at(choice, 'Prtry'), 'a proprietary balance cannot be reconciled');
  const q = one(choice, 'Qty');
  const face = opt(q, 'OrgnlAndCurFace');
  if (face) {
    const original = unsignedDecimal(one(face, 'FaceAmt'));
    return { quantity: withSign(original, short), quantityType: 'FAMT', amortisedValue: withSign(unsignedDecimal(one(face, 'AmtsdVal')), short), short };
  }
  const inner = one(q, 'Qty');
  const kinds = (['Unit', 'FaceAmt', 'AmtsdVal'] as const).filter((k) => opt(inner, k));
  if (kinds.length !== 1) refuse(inner, kinds.length === 0 ? 'one of Unit, FaceAmt or AmtsdVal expected' : `${kinds.join(' and ')} given together`);
  const kind = kinds[0]!;
  const quantityType: QuantityType = kind === 'Unit' ? 'UNIT' : kind === 'FaceAmt' ? 'FAMT' : 'AMOR';
  return { quantity: withSign(unsignedDecimal(one(inner, kind)), short), quantityType, amortisedValue: null, short };
}

function readHoldings(parent: XmlElement, name: string, problems: StatementProblem[]): Semt002HoldingRead[] {
  const out: Semt002HoldingRead[] = [];
  const seen = new Set<string>();
  bounded(parent, name, HOLDINGS_PER_STATEMENT_MAX).forEach((b, i) => {
    const row = i + 1;
    const h = readRow(row, problems, () => {
      const id = one(b, 'FinInstrmId');
      const isinEl = opt(id, 'ISIN');
      if (!isinEl) refuse(id, 'no ISIN (only another identifier): the holding cannot be matched to ours');
      const isin = textAt(id, 'ISIN');
      if (!ISIN.test(isin)) refuse(isinEl, `ISIN ${isin.slice(0, 20)} is malformed`);
      if (seen.has(isin)) refuse(isinEl, `ISIN ${isin} appears twice in the statement`);
      const q = readQuantity(one(b, 'AggtBal'));
      seen.add(isin);
      return { row, line: b.line, isin, ...q };
    });
    if (h) out.push(h);
  });
  return out;
}

/**
 * Reads a statement of holdings of version .011 or .010 (the elements read are the same in both).
 * The header is required (a statement without it is refused whole, an XmlReadError naming the
 * element); each balance is read on its own, and a bad one is a problem of its row.
 */
export function parseSemt002(xml: XmlDocumentIn): Semt002Read {
  const { version, m } = messageOf(xml, SEMT002_VERSIONS, 'SctiesBalCtdyRpt');
  const g = one(m, 'StmtGnlDtls');
  const problems: StatementProblem[] = [];
  const sfkpg = opt(m, 'SfkpgAcct');
  if (!sfkpg) refuse(m, 'SfkpgAcct is missing: a statement of holdings must name its safekeeping account');
  // A custodian splits a large statement into pages: one page alone would show every holding on the others as a break.
  const lastPage = optAt(m, 'Pgntn', 'LastPgInd');
  if (lastPage && !indicator(lastPage))
    problems.push(
      problemOf(
        0,
        new XmlReadError(
          `page ${optTextAt(m, 'Pgntn', 'PgNb') ?? '?'} of several: the holdings on the other pages are not in this document`,
          lastPage.path,
          lastPage.line,
        ),
      ),
    );
  const holdings = readHoldings(m, 'BalForAcct', problems);
  const subAccounts = many(m, 'SubAcctDtls').map((s) => ({
    safekeepingAccount: optAt(s, 'SfkpgAcct', 'Id') ? textAt(s, 'SfkpgAcct', 'Id') : null,
    holdings: readHoldings(s, 'BalForSubAcct', problems),
  }));
  return {
    version,
    statementId: optTextAt(g, 'StmtId'),
    statementDate: dateOfChoice(one(g, 'StmtDtTm')),
    safekeepingAccount: textAt(sfkpg, 'Id'),
    basis: codeAt(g, ['CONT', 'SETT', 'TRAD'] as const, 'StmtBsis', 'Cd'),
    activity: indicator(one(g, 'ActvtyInd')),
    holdings,
    subAccounts,
    problems,
  };
}
