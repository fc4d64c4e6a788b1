import { many, one, opt, optAt, optTextAt, refuse, textAt, codeAt, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { dateChoice as dt, messageOf } from './common.js';
import * as f from './sese-formats.js';
import { amountIn, amountOut, dateIn, quantityIn, quantityOut, type Sese023Amount } from './sese023.js';

/**
 * sese.024 SecuritiesSettlementTransactionStatusAdvice, in the MT548 status codes the trade uses:
 * - processing (`PrcgSts`): PACK acknowledged/accepted, PPRC pending processing, REJT rejected,
 *   REPR in repair, CAND cancelled, CANP cancellation pending, CPRC cancellation requested, MODR
 *   modification requested;
 * - matching (`MtchgSts`, or `IfrrdMtchgSts` when only that is given): MACH matched, NMAT unmatched;
 * - settlement (`SttlmSts`): PEND pending (`Pdg`: not settled yet, e.g. before or on the intended
 *   date), PENF failing (`Flng`: not settled on or after the intended date — the CSDR fail);
 * - PRTY: a proprietary status of any of the three (its code and issuer in `proprietaryStatus`).
 */
export type Sese024Status = 'PACK' | 'PPRC' | 'REJT' | 'REPR' | 'CAND' | 'CANP' | 'CPRC' | 'MODR' | 'MACH' | 'NMAT' | 'PEND' | 'PENF' | 'PRTY';

/** A reason: a code of the status's ISO list, or a proprietary one (`issuer` set), with the narrative (`AddtlRsnInf`) if any. */
export interface Sese024Reason {
  code: string;
  /** The issuer of a proprietary reason (`Prtry/Issr`); null for a code of the ISO list. */
  issuer: string | null;
  text: string | null;
}

/** The transaction the advice is about (`TxDtls`), as a CSD repeats it. */
export interface Sese024Transaction {
  isin: string;
  quantityType: 'UNIT' | 'FAMT';
  quantity: string;
  settlementDate: string;
  tradeDate: string | null;
  movement: 'RECE' | 'DELI';
  payment: 'APMT' | 'FREE';
  settlementAmount: Sese023Amount | null;
  safekeepingAccount: string | null;
  partialSettlement: 'PART' | 'NPAR' | 'PARC' | 'PARQ' | null;
  /** `SttlmParams/SctiesTxTp`: TRAD, NETT… (its `Prtry/Id` when proprietary). */
  transactionType: string;
}

export interface Sese024 {
  /** `TxId/AcctOwnrTxId`: the instruction's TxId (Postera's: a UUID without its hyphens). */
  transactionId: string;
  status: Sese024Status;
  /** None: `NoSpcfdRsn` (NORE). */
  reasons: Sese024Reason[];
  /**
   * The day of the status where the schema has a place for it: the acknowledgement (PACK,
   * `TxDtls/AckdStsTmStmp`) and the matching (MACH, `TxDtls/MtchdStsTmStmp`) — so only with
   * `transaction`. A fail's day is the day the advice is sent (the business application header's
   * creation date for a real CSD); the document itself has no element for it.
   */
  statusDate: string | null;
  transaction: Sese024Transaction | null;
}

/** What the reader returns besides: every status group of the advice (a CSD may send several, e.g. matched and pending), and the ids a CSD adds. */
export interface Sese024Read extends Sese024 {
  statuses: Array<{
    group: 'PrcgSts' | 'IfrrdMtchgSts' | 'MtchgSts' | 'SttlmSts';
    status: Sese024Status;
    reasons: Sese024Reason[];
    /** A PRTY status's own code and issuer. */
    proprietary: { code: string; issuer: string } | null;
  }>;
  /** The PRTY status's own code and issuer. */
  proprietaryStatus: { code: string; issuer: string } | null;
  /** `TxId/AcctSvcrTxId`: the CSD's reference of the transaction. */
  accountServicerTransactionId: string | null;
}

/**
 * The reason code lists of the schema, status by status (sese.024.001.12): the same code may be a
 * pending reason and not a failing one (FUTU: the intended date is not reached, so nothing fails
 * yet) or the reverse (CYCL: the settlement cycle passed, only after the intended date).
 */
export const SESE024_REASON_CODES = {
  /** AcknowledgementReason5Code. */
  PACK: ['ADEA', 'SMPG', 'OTHR', 'CDCY', 'CDRG', 'CDRE', 'NSTP', 'RQWV', 'LATE'],
  /** RejectionReason75Code. */
  REJT: [
    'SAFE', 'DQUA', 'ADEA', 'DSEC', 'LATE', 'CASH', 'DDEA', 'DTRD', 'PLCE', 'RTGS', 'NCRR', 'PHYS', 'REFE', 'DMON', 'MINO', 'BATC', 'MUNO', 'TXST',
    'SETS', 'IIND', 'CAEV', 'CASY', 'DDAT', 'SETR', 'SDUT', 'INPS', 'OTHR', 'ICUS', 'ICAG', 'DEPT', 'IEXE', 'INVB', 'INVL', 'INVN', 'VALR', 'INVE', 'PLIS',
  ],
  /** CancelledStatusReason16Code. */
  CAND: ['SCEX', 'OTHR', 'CXLR', 'BYIY', 'CTHP', 'CANZ', 'CANT', 'CSUB', 'CANS', 'CANI', 'CORP'],
  /** Matched carries no code list: a proprietary reason at most. */
  MACH: [],
  /** UnmatchedReason11Code. */
  NMAT: [
    'ADEA', 'ACRU', 'IIND', 'CPCA', 'CLAT', 'NCRR', 'DDEA', 'DMCT', 'DCMX', 'DSEC', 'DQUA', 'INVE', 'LEOG', 'LATE', 'MIME', 'CMIS', 'NMAS', 'DTRA', 'OTHR',
    'FRAP', 'PHYS', 'PLIS', 'INPS', 'PLCE', 'PODU', 'DEPT', 'ICAG', 'ICUS', 'IEXE', 'REGD', 'RTGS', 'SAFE', 'DMON', 'DDAT', 'SETS', 'SETR', 'TXST', 'DTRD',
    'DELN', 'UNBR',
  ],
  /** PendingReason24Code. */
  PEND: [
    'AWMO', 'ADEA', 'CAIS', 'REFU', 'AWSH', 'PHSE', 'TAMM', 'DOCY', 'DOCC', 'BLOC', 'CHAS', 'NEWI', 'CLAC', 'MUNO', 'GLOB', 'PREA', 'PART', 'NMAS', 'NOFX',
    'CMON', 'YCOL', 'COLL', 'DEPO', 'FLIM', 'INCA', 'LINK', 'FUTU', 'LACK', 'LALO', 'MONY', 'NCON', 'REFS', 'SDUT', 'BATC', 'SBLO', 'CPEC', 'MINO', 'IAAD',
    'OTHR', 'PHCK', 'BENO', 'BOTH', 'CLHT', 'DENO', 'DISA', 'DKNY', 'FROZ', 'LAAW', 'LATE', 'LIQU', 'PRCY', 'REGT', 'SETS', 'CERT', 'PRSY', 'CSDH', 'CVAL',
    'CDLR', 'INBC', 'PREL', 'PATD',
  ],
  /** FailingReason4Code. */
  PENF: [
    'AWMO', 'BYIY', 'CLAT', 'ADEA', 'CANR', 'CAIS', 'OBJT', 'AWSH', 'PHSE', 'STCD', 'DOCY', 'MLAT', 'DOCC', 'BLOC', 'CHAS', 'NEWI', 'CLAC', 'MUNO', 'GLOB',
    'PREA', 'PART', 'NOFX', 'CMON', 'YCOL', 'COLL', 'DEPO', 'FLIM', 'INCA', 'LINK', 'LACK', 'LALO', 'MONY', 'NCON', 'REFS', 'SDUT', 'BATC', 'CYCL', 'SBLO',
    'CPEC', 'MINO', 'IAAD', 'OTHR', 'PHCK', 'BENO', 'BOTH', 'CLHT', 'DENO', 'DISA', 'DKNY', 'FROZ', 'LAAW', 'LATE', 'LIQU', 'PRCY', 'REGT', 'SETS', 'CERT',
    'PRSY', 'CDLR', 'CSDH', 'CVAL', 'INBC', 'PREL', 'PATD',
  ],
} as const satisfies Record<string, readonly string[]>; // prettier-ignore

/** The statuses Postera writes, with their group and element. */
const WRITTEN = {
  PACK: ['PrcgSts', 'AckdAccptd'],
  REJT: ['PrcgSts', 'Rjctd'],
  CAND: ['PrcgSts', 'Canc'],
  MACH: ['MtchgSts', 'Mtchd'],
  NMAT: ['MtchgSts', 'Umtchd'],
  PEND: ['SttlmSts', 'Pdg'],
  PENF: ['SttlmSts', 'Flng'],
} as const;
export type Sese024WrittenStatus = keyof typeof WRITTEN;

const REASON_TEXT_MAX = 210;

function reasonOut(status: Sese024WrittenStatus, r: Sese024Reason): XmlOut[] {
  const text = r.text ? el('AddtlRsnInf', f.maxText(`${status} AddtlRsnInf`, r.text, REASON_TEXT_MAX)) : null;
  const prtry = r.issuer ? el('Prtry', [el('Id', f.code4(`${status} reason`, r.code)), el('Issr', f.maxText(`${status} reason issuer`, r.issuer, 35))]) : null;
  if (!prtry && !(SESE024_REASON_CODES[status] as readonly string[]).includes(r.code))
    throw new f.SeseWriteError(
      `${status}: ${r.code} is not a reason of its list in sese.024.001.12 (${SESE024_REASON_CODES[status].join(' ') || 'proprietary only'})`,
    );
  return [el('Cd', [prtry ?? el('Cd', r.code)]), text].filter((x): x is XmlOut => !!x);
}

function statusOut(m: Sese024): XmlOut {
  const written = WRITTEN[m.status as Sese024WrittenStatus] as (typeof WRITTEN)[Sese024WrittenStatus] | undefined;
  if (!written) throw new f.SeseWriteError(`sese.024: Postera does not write status ${m.status}`);
  const [group, name] = written;
  const status = m.status as Sese024WrittenStatus;
  if (status === 'MACH') {
    // Matched (`ProprietaryReason4`): one proprietary reason at most, no ISO code list.
    if (m.reasons.length > 1 || m.reasons.some((r) => !r.issuer)) throw new f.SeseWriteError('MACH: at most one reason, and a proprietary one');
    const r = m.reasons[0];
    return el(group, [
      el(
        name,
        r
          ? [
              el('Rsn', [el('Id', f.code4('MACH reason', r.code)), el('Issr', f.maxText('MACH reason issuer', r.issuer!, 35))]),
              r.text ? el('AddtlRsnInf', f.maxText('MACH AddtlRsnInf', r.text, REASON_TEXT_MAX)) : null,
            ]
          : [],
      ),
    ]);
  }
  return el(group, [el(name, m.reasons.length === 0 ? [el('NoSpcfdRsn', 'NORE')] : m.reasons.map((r) => el('Rsn', reasonOut(status, r))))]);
}

function transactionOut(m: Sese024): XmlOut | null {
  const t = m.transaction;
  if (m.statusDate !== null && (!t || (m.status !== 'PACK' && m.status !== 'MACH')))
    throw new f.SeseWriteError(`sese.024 ${m.status}: a status date has a place only in the transaction details of a PACK or MACH`);
  if (!t) return null;
  const stamp = m.statusDate ? `${f.isoDate('status date', m.statusDate)}T00:00:00` : null;
  if ((t.payment === 'APMT') !== (t.settlementAmount !== null))
    throw new f.SeseWriteError(`TxDtls/SttlmAmt: ${t.payment} ${t.settlementAmount ? 'with' : 'without'} an amount`);
  return el('TxDtls', [
    t.safekeepingAccount ? el('SfkpgAcct', [el('Id', f.maxText('TxDtls/SfkpgAcct/Id', t.safekeepingAccount, 35))]) : null,
    el('FinInstrmId', [el('ISIN', f.isin('TxDtls/FinInstrmId/ISIN', t.isin))]),
    el('SttlmQty', [el('Qty', [quantityOut('TxDtls/SttlmQty/Qty', t.quantityType, t.quantity)])]),
    t.settlementAmount ? amountOut('SttlmAmt', t.settlementAmount) : null,
    el('SttlmDt', [dt(f.isoDate('TxDtls/SttlmDt', t.settlementDate))]),
    t.tradeDate ? el('TradDt', [dt(f.isoDate('TxDtls/TradDt', t.tradeDate))]) : null,
    m.status === 'PACK' && stamp ? el('AckdStsTmStmp', stamp) : null,
    m.status === 'MACH' && stamp ? el('MtchdStsTmStmp', stamp) : null,
    el('SctiesMvmntTp', t.movement),
    el('Pmt', t.payment),
    el('SttlmParams', [
      el('SctiesTxTp', [el('Cd', f.code4('TxDtls/SttlmParams/SctiesTxTp/Cd', t.transactionType))]),
      t.partialSettlement ? el('PrtlSttlmInd', t.partialSettlement) : null,
    ]),
  ]);
}

/**
 * sese.024.001.12, one status group: the status with its reasons (each checked against the list
 * the schema gives that status) or `NoSpcfdRsn`; the transaction details when given.
 */
export function renderSese024(m: Sese024): string {
  return renderXml(
    el(
      'Document',
      [el('SctiesSttlmTxStsAdvc', [el('TxId', [el('AcctOwnrTxId', f.maxText('TxId/AcctOwnrTxId', m.transactionId, 35))]), statusOut(m), transactionOut(m)])],
      { xmlns: namespaceOf('sese.024.001.12') },
    ),
  );
}

/** The versions read: .012 (the schema carried) and .011 before it, whose status and reason elements are the same. */
export const SESE024_VERSIONS = ['sese.024.001.12', 'sese.024.001.11'] as const;

/** A `Rsn` of a status: `Cd/Cd` (the ISO code) or `Cd/Prtry` (`Id` and `Issr`), and `AddtlRsnInf`. */
function reasonIn(r: XmlElement): Sese024Reason {
  const c = one(r, 'Cd');
  const prtry = opt(c, 'Prtry');
  return {
    code: prtry ? textAt(prtry, 'Id') : textAt(c, 'Cd'),
    issuer: prtry ? textAt(prtry, 'Issr') : null,
    text: optTextAt(r, 'AddtlRsnInf'),
  };
}

/** A `ProprietaryReason4`: an optional `Rsn` (a GenericIdentification30) and narrative; a narrative alone is no reason code and is not one here. */
function proprietaryReasonIn(e: XmlElement): Sese024Reason[] {
  const rsn = opt(e, 'Rsn');
  return rsn ? [{ code: textAt(rsn, 'Id'), issuer: textAt(rsn, 'Issr'), text: optTextAt(e, 'AddtlRsnInf') }] : [];
}

/** A status choice with `NoSpcfdRsn` or `Rsn` 1..n. */
function reasonsIn(s: XmlElement): Sese024Reason[] {
  if (opt(s, 'NoSpcfdRsn')) return [];
  const rsns = many(s, 'Rsn');
  if (rsns.length === 0) refuse(s, 'NoSpcfdRsn or Rsn expected');
  return rsns.map(reasonIn);
}

const READ: Record<string, Record<string, Sese024Status>> = {
  PrcgSts: { AckdAccptd: 'PACK', PdgPrcg: 'PPRC', Rjctd: 'REJT', Rpr: 'REPR', Canc: 'CAND', PdgCxl: 'CANP', Prtry: 'PRTY', CxlReqd: 'CPRC', ModReqd: 'MODR' },
  IfrrdMtchgSts: { Mtchd: 'MACH', Umtchd: 'NMAT', Prtry: 'PRTY' },
  MtchgSts: { Mtchd: 'MACH', Umtchd: 'NMAT', Prtry: 'PRTY' },
  SttlmSts: { Pdg: 'PEND', Flng: 'PENF', Prtry: 'PRTY' },
};

function groupIn(g: XmlElement): { status: Sese024Status; reasons: Sese024Reason[]; proprietary: { code: string; issuer: string } | null } {
  if (g.children.length !== 1) refuse(g, 'one status expected');
  const s = g.children[0]!;
  const status = READ[g.name]![s.name];
  if (!status) refuse(s, `${s.name} is not a status of ${g.name}`);
  if (status === 'PRTY') {
    const reasons = many(s, 'PrtryRsn').flatMap(proprietaryReasonIn);
    return { status, reasons, proprietary: { code: textAt(s, 'PrtrySts', 'Id'), issuer: textAt(s, 'PrtrySts', 'Issr') } };
  }
  if (s.name === 'Mtchd' || s.name === 'CxlReqd' || s.name === 'ModReqd') return { status, reasons: proprietaryReasonIn(s), proprietary: null };
  return { status, reasons: reasonsIn(s), proprietary: null };
}

function transactionIn(t: XmlElement): Sese024Transaction {
  const q = quantityIn(one(t, 'SttlmQty'));
  const trade = opt(t, 'TradDt');
  const amt = opt(t, 'SttlmAmt');
  const partial = optTextAt(t, 'SttlmParams', 'PrtlSttlmInd');
  return {
    isin: optTextAt(t, 'FinInstrmId', 'ISIN') ?? refuse(one(t, 'FinInstrmId'), 'ISIN is missing: Postera identifies securities by ISIN'),
    quantityType: q.type,
    quantity: q.value,
    settlementDate: dateIn(one(t, 'SttlmDt')),
    tradeDate: trade ? dateIn(trade) : null,
    movement: codeAt(t, ['RECE', 'DELI'] as const, 'SctiesMvmntTp'),
    payment: codeAt(t, ['APMT', 'FREE'] as const, 'Pmt'),
    settlementAmount: amt ? amountIn(amt) : null,
    safekeepingAccount: optTextAt(t, 'SfkpgAcct', 'Id'),
    partialSettlement: partial === null ? null : codeAt(t, ['PART', 'NPAR', 'PARC', 'PARQ'] as const, 'SttlmParams', 'PrtlSttlmInd'),
    transactionType: optTextAt(t, 'SttlmParams', 'SctiesTxTp', 'Cd') ?? textAt(t, 'SttlmParams', 'SctiesTxTp', 'Prtry', 'Id'),
  };
}

/**
 * A sese.024 of .012 or .011, as a CSD sends it. The advice may carry several status groups; the
 * status returned is the decisive one: a rejection or cancellation first, then the settlement
 * status, then the matching status (`MtchgSts`, else `IfrrdMtchgSts`), then processing. Its day
 * (`statusDate`) is read from the acknowledgement or matching time stamp where there is one.
 */
export function parseSese024(xml: string | Uint8Array): Sese024Read {
  const m = messageOf(xml, SESE024_VERSIONS, 'SctiesSttlmTxStsAdvc').m;
  const statuses: Sese024Read['statuses'] = [];
  for (const group of ['PrcgSts', 'IfrrdMtchgSts', 'MtchgSts', 'SttlmSts'] as const) {
    const g = opt(m, group);
    if (!g) continue;
    const read = groupIn(g);
    statuses.push({ group, ...read });
  }
  const by = (group: Sese024Read['statuses'][number]['group']) => statuses.find((s) => s.group === group);
  const processing = by('PrcgSts');
  const decisive =
    (processing && ['REJT', 'CAND'].includes(processing.status) ? processing : undefined) ??
    by('SttlmSts') ??
    by('MtchgSts') ??
    by('IfrrdMtchgSts') ??
    processing;
  if (!decisive) refuse(m, 'no status: none of PrcgSts, MtchgSts, IfrrdMtchgSts, SttlmSts');
  const tx = opt(m, 'TxDtls');
  const stamp = decisive.status === 'MACH' ? optAt(m, 'TxDtls', 'MtchdStsTmStmp') : decisive.status === 'PACK' ? optAt(m, 'TxDtls', 'AckdStsTmStmp') : null;
  if (stamp && !/^\d{4}-\d{2}-\d{2}T/.test(stamp.text.trim())) refuse(stamp, `"${stamp.text.trim()}" is not an ISO date-time`);
  return {
    transactionId: textAt(m, 'TxId', 'AcctOwnrTxId'),
    status: decisive.status,
    reasons: decisive.reasons,
    statusDate: stamp ? stamp.text.trim().slice(0, 10) : null,
    transaction: tx ? transactionIn(tx) : null,
    statuses,
    proprietaryStatus: decisive.proprietary,
    accountServicerTransactionId: optTextAt(m, 'TxId', 'AcctSvcrTxId'),
  };
}
