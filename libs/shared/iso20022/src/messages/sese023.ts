import { at, codeAt, one, opt, optAt, optTextAt, refuse, textAt, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { dateChoice as dt, messageOf } from './common.js';
import * as f from './sese-formats.js';

export { isBic, isLei, SeseWriteError } from './sese-formats.js';

export type PartialSettlementIndicator = 'PART' | 'NPAR' | 'PARC' | 'PARQ';
const PARTIAL_INDICATORS = ['PART', 'NPAR', 'PARC', 'PARQ'] as const;

/** `SafekeepingPlace1Code`: where the securities are held — a national CSD, an international one, a custodian. */
export type SafekeepingPlaceType = 'NCSD' | 'ICSD' | 'CUST' | 'SHHE';

/**
 * A settlement party of sese.023 (`SettlementParties100`): the CSD (depository) and party 1 with its
 * safekeeping account. Party 1 is identified by its BIC, or — when only its LEI is known — by the
 * LEI twice: as a proprietary identification (the schema wants an `Id`, and `PrtryId` is the one
 * choice of `PartyIdentification120Choice` that holds a bare identifier) and in `LEI`. A party with
 * neither is written with its depository alone: no `Pty1` rather than an invented identifier.
 */
export interface Sese023Party {
  depositoryBic: string | null;
  /** BIC of the party (its agent, or itself), or null when only its LEI is known. */
  partyBic: string | null;
  lei: string | null;
  safekeepingAccount: string | null;
}

export interface Sese023Amount {
  /** ≥ 0: the direction is `creditDebit`. */
  amount: string;
  currency: string;
  /** DBIT: the account owner pays; CRDT: it receives. */
  creditDebit: 'CRDT' | 'DBIT';
}

export interface Sese023 {
  /** Max35Text. Postera writes a UUID without its hyphens: 32 characters. */
  transactionId: string;
  movement: 'RECE' | 'DELI';
  payment: 'APMT' | 'FREE';
  /** Null when the message gives none (optional in the schema); Postera always writes it. */
  tradeDate: string | null;
  settlementDate: string;
  isin: string;
  /** UNIT for shares and ETFs, FAMT (face amount) for bonds. */
  quantityType: 'UNIT' | 'FAMT';
  quantity: string;
  /** The account owner's safekeeping account (`QtyAndAcctDtls/SfkpgAcct`). */
  safekeepingAccount: string | null;
  /** The place of safekeeping (`SfkpgPlc/SfkpgPlcFrmt/TpAndId`): its type and BIC. */
  placeOfSafekeeping: { type: SafekeepingPlaceType; bic: string } | null;
  /** `SctiesTxTp`: TRAD for a trade, NETT for a net of trades (a code of `SecuritiesTransactionType23Code`). */
  transactionType: string;
  /** Null when the message does not say (the CSD's default applies). */
  partialSettlement: PartialSettlementIndicator | null;
  delivering: Sese023Party | null;
  receiving: Sese023Party | null;
  /** Absent for a free-of-payment instruction. */
  settlementAmount: Sese023Amount | null;
}

const TX_TYPES = [
  'BSBK', 'COLI', 'COLO', 'MKDW', 'MKUP', 'NETT', 'NSYN', 'PAIR', 'PLAC', 'PORT', 'REAL', 'REDM', 'REPU', 'RODE', 'RVPO', 'SECB', 'SECL', 'SUBS',
  'SYND', 'TBAC', 'TRAD', 'TRPO', 'TRVO', 'TURN', 'BYIY', 'CNCB', 'OWNE', 'FCTA', 'OWNI', 'RELE', 'SBRE', 'CORP', 'CLAI', 'AUTO', 'SWIF', 'SWIT',
  'CONV', 'ETFT', 'ISSU', 'SLRE', 'INSP', 'SBBK', 'REDI',
] as const; // prettier-ignore

/** `Qty/Unit` or `Qty/FaceAmt` of a quantity, checked against its type. */
export function quantityOut(what: string, type: 'UNIT' | 'FAMT', v: string): XmlOut {
  return type === 'UNIT' ? el('Unit', f.units(`${what}/Unit`, v)) : el('FaceAmt', f.amount(`${what}/FaceAmt`, v));
}

export function amountOut(name: string, a: Sese023Amount): XmlOut {
  const ccy = f.currency(`${name}/Amt/@Ccy`, a.currency);
  return el(name, [el('Amt', f.currencyAmount(`${name}/Amt`, a.amount, ccy), { Ccy: ccy }), el('CdtDbtInd', a.creditDebit)]);
}

function partyOut(name: string, p: Sese023Party | null): XmlOut | null {
  if (!p) return null;
  const id = p.partyBic
    ? el('Id', [el('AnyBIC', f.bic(`${name}/Pty1/Id/AnyBIC`, p.partyBic))])
    : p.lei
      ? el('Id', [el('PrtryId', [el('Id', f.lei(`${name}/Pty1/Id/PrtryId/Id`, p.lei)), el('Issr', 'GLEIF'), el('SchmeNm', 'LEI')])])
      : null;
  return el(name, [
    p.depositoryBic ? el('Dpstry', [el('Id', [el('AnyBIC', f.bic(`${name}/Dpstry/Id/AnyBIC`, p.depositoryBic))])]) : null,
    id
      ? el('Pty1', [
          id,
          p.lei ? el('LEI', f.lei(`${name}/Pty1/LEI`, p.lei)) : null,
          p.safekeepingAccount ? el('SfkpgAcct', [el('Id', f.maxText(`${name}/Pty1/SfkpgAcct/Id`, p.safekeepingAccount, 35))]) : null,
        ])
      : null,
  ]);
}

/**
 * sese.023.001.11 SecuritiesSettlementTransactionInstruction, in the schema's order. Every value is
 * checked against its schema type first (SeseWriteError when one is outside it: our bug, never sent).
 */
export function renderSese023(m: Sese023): string {
  if ((m.payment === 'APMT') !== (m.settlementAmount !== null))
    throw new f.SeseWriteError(`SttlmAmt: ${m.payment} ${m.settlementAmount ? 'with' : 'without'} a settlement amount`);
  if (!(TX_TYPES as readonly string[]).includes(m.transactionType))
    throw new f.SeseWriteError(`SctiesTxTp/Cd: ${m.transactionType} is not a SecuritiesTransactionType23Code`);
  return renderXml(
    el(
      'Document',
      [
        el('SctiesSttlmTxInstr', [
          el('TxId', f.maxText('TxId', m.transactionId, 35)),
          el('SttlmTpAndAddtlParams', [el('SctiesMvmntTp', m.movement), el('Pmt', m.payment)]),
          el('TradDtls', [
            m.tradeDate ? el('TradDt', [dt(f.isoDate('TradDt', m.tradeDate))]) : null,
            el('SttlmDt', [dt(f.isoDate('SttlmDt', m.settlementDate))]),
          ]),
          el('FinInstrmId', [el('ISIN', f.isin('FinInstrmId/ISIN', m.isin))]),
          el('QtyAndAcctDtls', [
            el('SttlmQty', [el('Qty', [quantityOut('SttlmQty/Qty', m.quantityType, m.quantity)])]),
            m.safekeepingAccount ? el('SfkpgAcct', [el('Id', f.maxText('QtyAndAcctDtls/SfkpgAcct/Id', m.safekeepingAccount, 35))]) : null,
            m.placeOfSafekeeping
              ? el('SfkpgPlc', [
                  el('SfkpgPlcFrmt', [
                    el('TpAndId', [el('SfkpgPlcTp', m.placeOfSafekeeping.type), el('Id', f.bic('SfkpgPlc/SfkpgPlcFrmt/TpAndId/Id', m.placeOfSafekeeping.bic))]),
                  ]),
                ])
              : null,
          ]),
          el('SttlmParams', [el('SctiesTxTp', [el('Cd', m.transactionType)]), m.partialSettlement ? el('PrtlSttlmInd', m.partialSettlement) : null]),
          partyOut('DlvrgSttlmPties', m.delivering),
          partyOut('RcvgSttlmPties', m.receiving),
          m.settlementAmount ? amountOut('SttlmAmt', m.settlementAmount) : null,
        ]),
      ],
      { xmlns: namespaceOf('sese.023.001.11') },
    ),
  );
}

/** An ISO date from a `SettlementDate17Choice`/`TradeDate8Choice`: its `Dt` (a date or a date-time); a date code (`DtCd`) names no day and is refused. */
export function dateIn(e: XmlElement): string {
  const d = opt(e, 'Dt');
  if (!d) refuse(e, `${e.children[0]?.name ?? 'Dt'} gives no date`);
  return f.dateOfChoice(d);
}

/** A `Quantity51Choice` (`Qty/Unit`, `Qty/FaceAmt`, or the face amount of `OrgnlAndCurFace`) as Postera counts it. */
export function quantityIn(e: XmlElement): { type: 'UNIT' | 'FAMT'; value: string } {
  const q = opt(e, 'Qty');
  if (q) return instrumentQuantityIn(q);
  return { type: 'FAMT', value: textAt(e, 'OrgnlAndCurFace', 'FaceAmt') };
}

/** A `FinancialInstrumentQuantity33Choice`: units or a face amount; an amortised value or digital token units are refused (not quantities Postera settles). */
export function instrumentQuantityIn(q: XmlElement): { type: 'UNIT' | 'FAMT'; value: string } {
  const u = opt(q, 'Unit');
  if (u) return { type: 'UNIT', value: textAt(q, 'Unit') };
  if (opt(q, 'FaceAmt')) return { type: 'FAMT', value: textAt(q, 'FaceAmt') };
  return refuse(q, `${q.children[0]?.name ?? 'a quantity'} is not a quantity Postera settles (Unit or FaceAmt)`);
}

export function amountIn(e: XmlElement): Sese023Amount {
  const amt = one(e, 'Amt');
  const currency = amt.attrs.Ccy;
  if (!currency) refuse(amt, 'Ccy is missing');
  return { amount: textAt(e, 'Amt'), currency, creditDebit: codeAt(e, ['CRDT', 'DBIT'] as const, 'CdtDbtInd') };
}

function partyIn(p: XmlElement | null): Sese023Party | null {
  if (!p) return null;
  const pty1 = opt(p, 'Pty1');
  return {
    depositoryBic: optTextAt(p, 'Dpstry', 'Id', 'AnyBIC'),
    partyBic: pty1 ? optTextAt(pty1, 'Id', 'AnyBIC') : null,
    lei: pty1 ? (optTextAt(pty1, 'LEI') ?? (optTextAt(pty1, 'Id', 'PrtryId', 'SchmeNm') === 'LEI' ? optTextAt(pty1, 'Id', 'PrtryId', 'Id') : null)) : null,
    safekeepingAccount: pty1 ? optTextAt(pty1, 'SfkpgAcct', 'Id') : null,
  };
}

/** A sese.023.001.11 as the CSD reads it: every element it settles on, the optional ones null when absent. */
export function parseSese023(xml: string | Uint8Array): Sese023 {
  const m = messageOf(xml, ['sese.023.001.11'], 'SctiesSttlmTxInstr').m;
  const qa = one(m, 'QtyAndAcctDtls');
  const qty = quantityIn(one(qa, 'SttlmQty'));
  const tradeDate = optAt(m, 'TradDtls', 'TradDt');
  const place = optAt(qa, 'SfkpgPlc', 'SfkpgPlcFrmt', 'TpAndId');
  const txType = one(one(m, 'SttlmParams'), 'SctiesTxTp');
  const partial = optTextAt(m, 'SttlmParams', 'PrtlSttlmInd');
  const amt = opt(m, 'SttlmAmt');
  return {
    transactionId: textAt(m, 'TxId'),
    movement: codeAt(m, ['RECE', 'DELI'] as const, 'SttlmTpAndAddtlParams', 'SctiesMvmntTp'),
    payment: codeAt(m, ['APMT', 'FREE'] as const, 'SttlmTpAndAddtlParams', 'Pmt'),
    tradeDate: tradeDate ? dateIn(tradeDate) : null,
    settlementDate: dateIn(at(m, 'TradDtls', 'SttlmDt')),
    isin: textAt(m, 'FinInstrmId', 'ISIN'),
    quantityType: qty.type,
    quantity: qty.value,
    safekeepingAccount: optTextAt(qa, 'SfkpgAcct', 'Id'),
    placeOfSafekeeping: place ? { type: codeAt(place, ['NCSD', 'ICSD', 'CUST', 'SHHE'] as const, 'SfkpgPlcTp'), bic: textAt(place, 'Id') } : null,
    transactionType: optTextAt(txType, 'Cd') ?? textAt(txType, 'Prtry', 'Id'),
    partialSettlement: partial === null ? null : codeAt(m, PARTIAL_INDICATORS, 'SttlmParams', 'PrtlSttlmInd'),
    delivering: partyIn(opt(m, 'DlvrgSttlmPties')),
    receiving: partyIn(opt(m, 'RcvgSttlmPties')),
    settlementAmount: amt ? amountIn(amt) : null,
  };
}
