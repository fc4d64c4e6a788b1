import { el, many, one, opt, optTextAt, parseXml, renderXml, textAt, XmlParseError, type XmlElement } from './xml.js';

/**
 * The ISO 20022 messages between settlement and the custodian, written and read back. Only the
 * elements Postera fills are written, in the order of the standard's schema; the readers are strict
 * on the elements they need (1..1 where the schema says 1..1) and ignore the ones they do not.
 */

export const NS = {
  sese023: 'urn:iso:std:iso:20022:tech:xsd:sese.023.001.11',
  sese024: 'urn:iso:std:iso:20022:tech:xsd:sese.024.001.13',
  sese025: 'urn:iso:std:iso:20022:tech:xsd:sese.025.001.11',
  semt002: 'urn:iso:std:iso:20022:tech:xsd:semt.002.001.11',
  camt053: 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08',
} as const;

export type PartialSettlementIndicator = 'PART' | 'NPAR' | 'PARC' | 'PARQ';

/** A settlement party of sese.023: the CSD (depository), the party and its safekeeping account. */
export interface Sese023Party {
  depositoryBic: string;
  /** BIC of the party (its agent, or itself), or null when only its LEI is known. */
  partyBic: string | null;
  lei: string | null;
  safekeepingAccount: string | null;
}

export interface Sese023 {
  transactionId: string;
  movement: 'RECE' | 'DELI';
  payment: 'APMT' | 'FREE';
  tradeDate: string;
  settlementDate: string;
  isin: string;
  /** UNIT for shares and ETFs, FAMT (face amount) for bonds. */
  quantityType: 'UNIT' | 'FAMT';
  quantity: string;
  safekeepingAccount: string;
  placeOfSettlementBic: string;
  partialSettlement: PartialSettlementIndicator;
  delivering: Sese023Party;
  receiving: Sese023Party;
  /** Absent for a free-of-payment instruction. */
  settlementAmount: { amount: string; currency: string; creditDebit: 'CRDT' | 'DBIT' } | null;
}

const dt = (d: string) => el('Dt', [el('Dt', d)]);

function party(p: Sese023Party): XmlElement {
  return el('SttlmPties', [
    el('Dpstry', [el('Id', [el('AnyBIC', p.depositoryBic)])]),
    el('Pty1', [
      p.partyBic ? el('Id', [el('AnyBIC', p.partyBic)]) : el('Id', [el('PrtryId', [el('Id', p.lei ?? 'UNKNOWN'), el('Issr', 'LEI')])]),
      p.lei ? el('LEI', p.lei) : null,
      p.safekeepingAccount ? el('SfkpgAcct', [el('Id', p.safekeepingAccount)]) : null,
    ]),
  ]);
}

/** sese.023.001.11 SecuritiesSettlementTransactionInstruction. */
export function renderSese023(m: Sese023): string {
  const deliv = party(m.delivering);
  deliv.name = 'DlvrgSttlmPties';
  const recv = party(m.receiving);
  recv.name = 'RcvgSttlmPties';
  return renderXml(
    el(
      'Document',
      [
        el('SctiesSttlmTxInstr', [
          el('TxId', m.transactionId),
          el('SttlmTpAndAddtlParams', [el('SctiesMvmntTp', m.movement), el('Pmt', m.payment)]),
          el('TradDtls', [el('TradDt', [el('Dt', m.tradeDate)]), el('SttlmDt', [dt(m.settlementDate)])]),
          el('FinInstrmId', [el('ISIN', m.isin)]),
          el('QtyAndAcctDtls', [
            el('SttlmQty', [el('Qty', [el(m.quantityType === 'UNIT' ? 'Unit' : 'FaceAmt', m.quantity)])]),
            el('SfkpgAcct', [el('Id', m.safekeepingAccount)]),
            el('SfkpgPlc', [el('SfkpgPlcFrmt', [el('Id', [el('SfkpgPlcTp', 'CUST'), el('Id', m.placeOfSettlementBic)])])]),
          ]),
          el('SttlmParams', [el('SctiesTxTp', [el('Cd', 'TRAD')]), el('PrtlSttlmInd', m.partialSettlement)]),
          deliv,
          recv,
          m.settlementAmount
            ? el('SttlmAmt', [el('Amt', m.settlementAmount.amount, { Ccy: m.settlementAmount.currency }), el('CdtDbtInd', m.settlementAmount.creditDebit)])
            : null,
        ]),
      ],
      { xmlns: NS.sese023 },
    ),
  );
}

function rootOf(xml: string, ns: string, message: string): XmlElement {
  const doc = parseXml(xml);
  if (doc.name !== 'Document') throw new XmlParseError(`root is ${doc.name}, not Document`);
  if (doc.attrs.xmlns !== ns) throw new XmlParseError(`namespace ${doc.attrs.xmlns ?? '(none)'}, expected ${ns}`);
  return one(doc, message);
}

function readParty(p: XmlElement): Sese023Party {
  const pty1 = one(p, 'Pty1');
  return {
    depositoryBic: textAt(p, 'Dpstry', 'Id', 'AnyBIC'),
    partyBic: optTextAt(pty1, 'Id', 'AnyBIC'),
    lei: optTextAt(pty1, 'LEI'),
    safekeepingAccount: optTextAt(pty1, 'SfkpgAcct', 'Id'),
  };
}

function code<T extends string>(v: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(v)) throw new XmlParseError(`${what}: ${v} is not one of ${allowed.join(', ')}`);
  return v as T;
}

export function parseSese023(xml: string): Sese023 {
  const m = rootOf(xml, NS.sese023, 'SctiesSttlmTxInstr');
  const qty = one(one(one(m, 'QtyAndAcctDtls'), 'SttlmQty'), 'Qty');
  const unit = opt(qty, 'Unit');
  const amt = opt(m, 'SttlmAmt');
  return {
    transactionId: textAt(m, 'TxId'),
    movement: code(textAt(m, 'SttlmTpAndAddtlParams', 'SctiesMvmntTp'), ['RECE', 'DELI'] as const, 'SctiesMvmntTp'),
    payment: code(textAt(m, 'SttlmTpAndAddtlParams', 'Pmt'), ['APMT', 'FREE'] as const, 'Pmt'),
    tradeDate: textAt(m, 'TradDtls', 'TradDt', 'Dt'),
    settlementDate: textAt(m, 'TradDtls', 'SttlmDt', 'Dt', 'Dt'),
    isin: textAt(m, 'FinInstrmId', 'ISIN'),
    quantityType: unit ? 'UNIT' : 'FAMT',
    quantity: unit ? unit.text : textAt(qty, 'FaceAmt'),
    safekeepingAccount: textAt(m, 'QtyAndAcctDtls', 'SfkpgAcct', 'Id'),
    placeOfSettlementBic: textAt(m, 'QtyAndAcctDtls', 'SfkpgPlc', 'SfkpgPlcFrmt', 'Id', 'Id'),
    partialSettlement: code(textAt(m, 'SttlmParams', 'PrtlSttlmInd'), ['PART', 'NPAR', 'PARC', 'PARQ'] as const, 'PrtlSttlmInd'),
    delivering: readParty(one(m, 'DlvrgSttlmPties')),
    receiving: readParty(one(m, 'RcvgSttlmPties')),
    settlementAmount: amt
      ? {
          amount: one(amt, 'Amt').text,
          currency: one(amt, 'Amt').attrs.Ccy ?? '',
          creditDebit: code(textAt(amt, 'CdtDbtInd'), ['CRDT', 'DBIT'] as const, 'CdtDbtInd'),
        }
      : null,
  };
}

/** sese.024 status advice: processing (PACK/REJT), matching (MACH/NMAT), settlement (PEND) or cancellation (CAND) status. */
export interface Sese024 {
  transactionId: string;
  status: 'PACK' | 'REJT' | 'MACH' | 'NMAT' | 'PEND' | 'CAND';
  reason: string | null;
  /** The business day the advice speaks of (a fail day, the matching day). */
  statusDate: string | null;
}

export function renderSese024(m: Sese024): string {
  const rsn = (container: string, statusCode: string, reasonWrapper: string) =>
    el(container, [m.reason ? el(statusCode, [el(reasonWrapper, [el('Cd', [el('Cd', m.reason)])])]) : el(statusCode, [el('NoSpcfdRsn', 'NORE')])]);
  let status: XmlElement;
  switch (m.status) {
    case 'PACK':
      status = el('PrcgSts', [el('AckdAccptd', [el('NoSpcfdRsn', 'NORE')])]);
      break;
    case 'REJT':
      status = rsn('PrcgSts', 'Rjctd', 'Rsn');
      break;
    case 'CAND':
      status = el('PrcgSts', [el('Canc', [el('NoSpcfdRsn', 'NORE')])]);
      break;
    case 'MACH':
      status = el('MtchgSts', [el('Mtchd', [el('NoSpcfdRsn', 'NORE')])]);
      break;
    case 'NMAT':
      status = rsn('MtchgSts', 'Umtchd', 'Rsn');
      break;
    case 'PEND':
      status = el('SttlmSts', [el('Flng', [m.reason ? el('Rsn', [el('Cd', [el('Cd', m.reason)])]) : el('NoSpcfdRsn', 'NORE')])]);
      break;
  }
  return renderXml(
    el(
      'Document',
      [
        el('SctiesSttlmTxStsAdvc', [
          el('TxId', [el('AcctOwnrTxId', m.transactionId)]),
          status,
          m.statusDate ? el('TxDtls', [el('SttlmDt', [dt(m.statusDate)])]) : null,
        ]),
      ],
      { xmlns: NS.sese024 },
    ),
  );
}

function reasonIn(e: XmlElement): string | null {
  return optTextAt(e, 'Rsn', 'Cd', 'Cd');
}

export function parseSese024(xml: string): Sese024 {
  const m = rootOf(xml, NS.sese024, 'SctiesSttlmTxStsAdvc');
  const transactionId = textAt(m, 'TxId', 'AcctOwnrTxId');
  const statusDate = optTextAt(m, 'TxDtls', 'SttlmDt', 'Dt', 'Dt');
  const prcg = opt(m, 'PrcgSts');
  const mtch = opt(m, 'MtchgSts');
  const sttl = opt(m, 'SttlmSts');
  if ([prcg, mtch, sttl].filter(Boolean).length !== 1) throw new XmlParseError('sese.024: exactly one of PrcgSts, MtchgSts, SttlmSts expected');
  const kind = (prcg ?? mtch ?? sttl)!;
  if (kind.children.length !== 1) throw new XmlParseError(`sese.024: ${kind.name} holds one status`);
  const s = kind.children[0]!;
  const map: Record<string, Sese024['status']> = {
    'PrcgSts/AckdAccptd': 'PACK',
    'PrcgSts/Rjctd': 'REJT',
    'PrcgSts/Canc': 'CAND',
    'MtchgSts/Mtchd': 'MACH',
    'MtchgSts/Umtchd': 'NMAT',
    'SttlmSts/Flng': 'PEND',
  };
  const status = map[`${kind.name}/${s.name}`];
  if (!status) throw new XmlParseError(`sese.024: unknown status ${kind.name}/${s.name}`);
  return { transactionId, status, reason: reasonIn(s), statusDate };
}

/** sese.025 confirmation: this step's settled quantity and cash; partial (PAIN) or the last/only part. */
export interface Sese025 {
  transactionId: string;
  movement: 'RECE' | 'DELI';
  payment: 'APMT' | 'FREE';
  isin: string;
  effectiveSettlementDate: string;
  quantityType: 'UNIT' | 'FAMT';
  settledQuantity: string;
  /** What remains to settle after this step ('0' when complete). */
  remainingQuantity: string;
  settledAmount: { amount: string; currency: string; creditDebit: 'CRDT' | 'DBIT' } | null;
  /** PAIN: a partial settlement that leaves a remainder; PARC: the last part of a partially settled one; null: settled in full at once. */
  partialSettlement: 'PAIN' | 'PARC' | null;
}

export function renderSese025(m: Sese025): string {
  const q = (v: string) => el('Qty', [el(m.quantityType === 'UNIT' ? 'Unit' : 'FaceAmt', v)]);
  return renderXml(
    el(
      'Document',
      [
        el('SctiesSttlmTxConf', [
          el('TxIdDtls', [el('AcctOwnrTxId', m.transactionId), el('SctiesMvmntTp', m.movement), el('Pmt', m.payment)]),
          el('TradDtls', [el('FctvSttlmDt', [dt(m.effectiveSettlementDate)])]),
          el('FinInstrmId', [el('ISIN', m.isin)]),
          el('QtyAndAcctDtls', [el('SttldQty', [q(m.settledQuantity)]), el('RmngToBeSttldQty', [q(m.remainingQuantity)])]),
          el('SttlmParams', [el('SctiesTxTp', [el('Cd', 'TRAD')]), m.partialSettlement ? el('PrtlSttlm', m.partialSettlement) : null]),
          m.settledAmount
            ? el('SttldAmt', [el('Amt', m.settledAmount.amount, { Ccy: m.settledAmount.currency }), el('CdtDbtInd', m.settledAmount.creditDebit)])
            : null,
        ]),
      ],
      { xmlns: NS.sese025 },
    ),
  );
}

export function parseSese025(xml: string): Sese025 {
  const m = rootOf(xml, NS.sese025, 'SctiesSttlmTxConf');
  const qa = one(m, 'QtyAndAcctDtls');
  const qtyOf = (e: XmlElement) => {
    const q = one(e, 'Qty');
    const u = opt(q, 'Unit');
    return { type: (u ? 'UNIT' : 'FAMT') as 'UNIT' | 'FAMT', v: u ? u.text : textAt(q, 'FaceAmt') };
  };
  const settled = qtyOf(one(qa, 'SttldQty'));
  const remaining = qtyOf(one(qa, 'RmngToBeSttldQty'));
  const amt = opt(m, 'SttldAmt');
  const partial = optTextAt(m, 'SttlmParams', 'PrtlSttlm');
  return {
    transactionId: textAt(m, 'TxIdDtls', 'AcctOwnrTxId'),
    movement: code(textAt(m, 'TxIdDtls', 'SctiesMvmntTp'), ['RECE', 'DELI'] as const, 'SctiesMvmntTp'),
    payment: code(textAt(m, 'TxIdDtls', 'Pmt'), ['APMT', 'FREE'] as const, 'Pmt'),
    isin: textAt(m, 'FinInstrmId', 'ISIN'),
    effectiveSettlementDate: textAt(m, 'TradDtls', 'FctvSttlmDt', 'Dt', 'Dt'),
    quantityType: settled.type,
    settledQuantity: settled.v,
    remainingQuantity: remaining.v,
    settledAmount: amt
      ? {
          amount: one(amt, 'Amt').text,
          currency: one(amt, 'Amt').attrs.Ccy ?? '',
          creditDebit: code(textAt(amt, 'CdtDbtInd'), ['CRDT', 'DBIT'] as const, 'CdtDbtInd'),
        }
      : null,
    partialSettlement: partial === null ? null : code(partial, ['PAIN', 'PARC'] as const, 'PrtlSttlm'),
  };
}

/** semt.002 statement of holdings: one safekeeping account, one date, the balance per ISIN. */
export interface Semt002 {
  statementId: string;
  statementDate: string;
  safekeepingAccount: string;
  basis: 'CONT' | 'SETT' | 'TRAD';
  holdings: Array<{ isin: string; quantity: string }>;
}

export function renderSemt002(m: Semt002): string {
  return renderXml(
    el(
      'Document',
      [
        el('SctiesBalCtdyRpt', [
          el('Pgntn', [el('PgNb', '1'), el('LastPgInd', 'true')]),
          el('StmtGnlDtls', [
            el('StmtId', m.statementId),
            el('StmtDtTm', [el('Dt', m.statementDate)]),
            el('Frqcy', [el('Cd', 'DAIL')]),
            el('UpdTp', [el('Cd', 'COMP')]),
            el('StmtBsis', [el('Cd', m.basis)]),
            el('ActvtyInd', m.holdings.length > 0 ? 'true' : 'false'),
          ]),
          el('SfkpgAcct', [el('Id', m.safekeepingAccount)]),
          ...m.holdings.map((h) =>
            el('BalForAcct', [el('FinInstrmId', [el('ISIN', h.isin)]), el('AggtBal', [el('Qty', [el('Qty', [el('Qty', [el('Unit', h.quantity)])])])])]),
          ),
        ]),
      ],
      { xmlns: NS.semt002 },
    ),
  );
}

export function parseSemt002(xml: string): Semt002 {
  const m = rootOf(xml, NS.semt002, 'SctiesBalCtdyRpt');
  return {
    statementId: textAt(m, 'StmtGnlDtls', 'StmtId'),
    statementDate: textAt(m, 'StmtGnlDtls', 'StmtDtTm', 'Dt'),
    safekeepingAccount: textAt(m, 'SfkpgAcct', 'Id'),
    basis: code(textAt(m, 'StmtGnlDtls', 'StmtBsis', 'Cd'), ['CONT', 'SETT', 'TRAD'] as const, 'StmtBsis'),
    holdings: many(m, 'BalForAcct').map((b) => ({ isin: textAt(b, 'FinInstrmId', 'ISIN'), quantity: textAt(b, 'AggtBal', 'Qty', 'Qty', 'Qty', 'Unit') })),
  };
}

/** camt.053 bank-to-customer statement: opening and closing booked balances and the entries between. */
export interface Camt053 {
  messageId: string;
  statementId: string;
  cashAccount: string;
  currency: string;
  statementDate: string;
  openingBalance: string;
  closingBalance: string;
  /** amount signed: credit positive, debit negative. */
  entries: Array<{ entryRef: string; amount: string; valueDate: string; tradeRef: string | null }>;
}

const unsigned = (v: string) => (v.startsWith('-') ? v.slice(1) : v);
const ind = (v: string) => (v.startsWith('-') ? 'DBIT' : 'CRDT');

export function renderCamt053(m: Camt053): string {
  const bal = (tp: 'OPBD' | 'CLBD', v: string) =>
    el('Bal', [
      el('Tp', [el('CdOrPrtry', [el('Cd', tp)])]),
      el('Amt', unsigned(v), { Ccy: m.currency }),
      el('CdtDbtInd', ind(v)),
      el('Dt', [el('Dt', m.statementDate)]),
    ]);
  return renderXml(
    el(
      'Document',
      [
        el('BkToCstmrStmt', [
          el('GrpHdr', [el('MsgId', m.messageId), el('CreDtTm', `${m.statementDate}T23:59:59Z`)]),
          el('Stmt', [
            el('Id', m.statementId),
            el('CreDtTm', `${m.statementDate}T23:59:59Z`),
            el('Acct', [el('Id', [el('Othr', [el('Id', m.cashAccount)])]), el('Ccy', m.currency)]),
            bal('OPBD', m.openingBalance),
            bal('CLBD', m.closingBalance),
            ...m.entries.map((e) =>
              el('Ntry', [
                el('NtryRef', e.entryRef),
                el('Amt', unsigned(e.amount), { Ccy: m.currency }),
                el('CdtDbtInd', ind(e.amount)),
                el('Sts', [el('Cd', 'BOOK')]),
                el('BookgDt', [el('Dt', m.statementDate)]),
                el('ValDt', [el('Dt', e.valueDate)]),
                el('BkTxCd', [el('Domn', [el('Cd', 'SECU'), el('Fmly', [el('Cd', 'SETT'), el('SubFmlyCd', ind(e.amount) === 'CRDT' ? 'DVPM' : 'RVPM')])])]),
                e.tradeRef ? el('NtryDtls', [el('TxDtls', [el('Refs', [el('EndToEndId', e.tradeRef)])])]) : null,
              ]),
            ),
          ]),
        ]),
      ],
      { xmlns: NS.camt053 },
    ),
  );
}

export function parseCamt053(xml: string): Camt053 {
  const m = rootOf(xml, NS.camt053, 'BkToCstmrStmt');
  const s = one(m, 'Stmt');
  const signed = (amt: string, cd: string) =>
    code(cd, ['CRDT', 'DBIT'] as const, 'CdtDbtInd') === 'DBIT' && amt !== '0' && !/^0(\.0+)?$/.test(amt) ? `-${amt}` : amt;
  const balance = (tp: string) => {
    const b = many(s, 'Bal').find((x) => textAt(x, 'Tp', 'CdOrPrtry', 'Cd') === tp);
    if (!b) throw new XmlParseError(`camt.053: no ${tp} balance`);
    return signed(textAt(b, 'Amt'), textAt(b, 'CdtDbtInd'));
  };
  return {
    messageId: textAt(m, 'GrpHdr', 'MsgId'),
    statementId: textAt(s, 'Id'),
    cashAccount: textAt(s, 'Acct', 'Id', 'Othr', 'Id'),
    currency: textAt(s, 'Acct', 'Ccy'),
    statementDate: textAt(one(many(s, 'Bal')[0] ?? s, 'Dt'), 'Dt'),
    openingBalance: balance('OPBD'),
    closingBalance: balance('CLBD'),
    entries: many(s, 'Ntry').map((n) => ({
      entryRef: textAt(n, 'NtryRef'),
      amount: signed(textAt(n, 'Amt'), textAt(n, 'CdtDbtInd')),
      valueDate: textAt(n, 'ValDt', 'Dt'),
      tradeRef: optTextAt(n, 'NtryDtls', 'TxDtls', 'Refs', 'EndToEndId'),
    })),
  };
}
