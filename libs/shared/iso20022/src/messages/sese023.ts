import { many, one, opt, optTextAt, textAt, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { code, dateChoice as dt, messageOf } from './common.js';

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

function party(p: Sese023Party): XmlOut {
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
      { xmlns: namespaceOf('sese.023.001.11') },
    ),
  );
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

export function parseSese023(xml: string): Sese023 {
  const m = messageOf(xml, ['sese.023.001.11'], 'SctiesSttlmTxInstr').m;
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
