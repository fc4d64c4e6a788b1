import { many, one, opt, optTextAt, textAt, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { code, dateChoice as dt, messageOf } from './common.js';

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
      { xmlns: namespaceOf('sese.025.001.11') },
    ),
  );
}

export function parseSese025(xml: string): Sese025 {
  const m = messageOf(xml, ['sese.025.001.11'], 'SctiesSttlmTxConf').m;
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
