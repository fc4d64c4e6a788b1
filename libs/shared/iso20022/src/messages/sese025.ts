import { at, codeAt, one, opt, optAt, optTextAt, refuse, textAt } from '../xml/read.js';
import { el, renderXml } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { dateChoice as dt, messageOf } from './common.js';
import * as f from './sese-formats.js';
import { amountIn, amountOut, dateIn, instrumentQuantityIn, quantityIn, quantityOut, type Sese023Amount } from './sese023.js';

/**
 * sese.025 SecuritiesSettlementTransactionConfirmation: one settlement step — this step's settled
 * quantity and cash — of a full settlement, of a partial one (PAIN) that leaves a remainder, or of
 * the last part (PARC) of a partially settled instruction.
 */
export interface Sese025 {
  /** `TxIdDtls/AcctOwnrTxId`: the instruction's TxId (Postera's: a UUID without its hyphens). */
  transactionId: string;
  movement: 'RECE' | 'DELI';
  payment: 'APMT' | 'FREE';
  isin: string;
  tradeDate: string | null;
  /** The intended settlement date (`TradDtls/SttlmDt`), when given. */
  settlementDate: string | null;
  effectiveSettlementDate: string;
  quantityType: 'UNIT' | 'FAMT';
  /** This step's quantity (`QtyAndAcctDtls/SttldQty`). */
  settledQuantity: string;
  /** What is left to settle after this step (`RmngToBeSttldQty`); null when the confirmation does not say. */
  remainingQuantity: string | null;
  /** This step's cash (`SttldAmt`); null free of payment. */
  settledAmount: Sese023Amount | null;
  /** `AddtlParams/PrtlSttlm`: PAIN a partial settlement leaving a remainder, PARC the last part; null settled whole at once. */
  partialSettlement: 'PAIN' | 'PARC' | null;
  safekeepingAccount: string | null;
  /** `SttlmParams/SctiesTxTp`: TRAD, NETT… */
  transactionType: string;
}

export interface Sese025Read extends Sese025 {
  /** `TxIdDtls/AcctSvcrTxId`: the CSD's reference of the transaction. */
  accountServicerTransactionId: string | null;
}

/** sese.025.001.11, in the schema's order; every value checked against its schema type first. */
export function renderSese025(m: Sese025): string {
  if ((m.payment === 'APMT') !== (m.settledAmount !== null))
    throw new f.SeseWriteError(`SttldAmt: ${m.payment} ${m.settledAmount ? 'with' : 'without'} a settled amount`);
  return renderXml(
    el(
      'Document',
      [
        el('SctiesSttlmTxConf', [
          el('TxIdDtls', [el('AcctOwnrTxId', f.maxText('TxIdDtls/AcctOwnrTxId', m.transactionId, 35)), el('SctiesMvmntTp', m.movement), el('Pmt', m.payment)]),
          m.partialSettlement ? el('AddtlParams', [el('PrtlSttlm', m.partialSettlement)]) : null,
          el('TradDtls', [
            m.tradeDate ? el('TradDt', [dt(f.isoDate('TradDt', m.tradeDate))]) : null,
            m.settlementDate ? el('SttlmDt', [dt(f.isoDate('SttlmDt', m.settlementDate))]) : null,
            el('FctvSttlmDt', [dt(f.isoDate('FctvSttlmDt', m.effectiveSettlementDate))]),
          ]),
          el('FinInstrmId', [el('ISIN', f.isin('FinInstrmId/ISIN', m.isin))]),
          el('QtyAndAcctDtls', [
            el('SttldQty', [el('Qty', [quantityOut('SttldQty/Qty', m.quantityType, m.settledQuantity)])]),
            m.remainingQuantity !== null ? el('RmngToBeSttldQty', [quantityOut('RmngToBeSttldQty', m.quantityType, m.remainingQuantity)]) : null,
            m.safekeepingAccount ? el('SfkpgAcct', [el('Id', f.maxText('QtyAndAcctDtls/SfkpgAcct/Id', m.safekeepingAccount, 35))]) : null,
          ]),
          el('SttlmParams', [el('SctiesTxTp', [el('Cd', f.code4('SttlmParams/SctiesTxTp/Cd', m.transactionType))])]),
          m.settledAmount ? amountOut('SttldAmt', m.settledAmount) : null,
        ]),
      ],
      { xmlns: namespaceOf('sese.025.001.11') },
    ),
  );
}

/** The versions read: .011 (the schema carried) and .010 before it, alike in every element read here. */
export const SESE025_VERSIONS = ['sese.025.001.11', 'sese.025.001.10'] as const;

/**
 * A sese.025 of .011 or .010 as a CSD sends it. The settled and remaining quantities are of one
 * type (a confirmation in units with a remainder in face amount is refused: no figure would be
 * right); the amounts stay the text they were.
 */
export function parseSese025(xml: string | Uint8Array): Sese025Read {
  const m = messageOf(xml, SESE025_VERSIONS, 'SctiesSttlmTxConf').m;
  const qa = one(m, 'QtyAndAcctDtls');
  const settled = quantityIn(one(qa, 'SttldQty'));
  const remainingAt = opt(qa, 'RmngToBeSttldQty');
  const remaining = remainingAt ? instrumentQuantityIn(remainingAt) : null;
  if (remaining && remainingAt && remaining.type !== settled.type) refuse(remainingAt, `${remaining.type} remaining of a ${settled.type} settled quantity`);
  const trade = optAt(m, 'TradDtls', 'TradDt');
  const intended = optAt(m, 'TradDtls', 'SttlmDt');
  const amt = opt(m, 'SttldAmt');
  const partial = optTextAt(m, 'AddtlParams', 'PrtlSttlm');
  const txType = at(m, 'SttlmParams', 'SctiesTxTp');
  return {
    transactionId: textAt(m, 'TxIdDtls', 'AcctOwnrTxId'),
    movement: codeAt(m, ['RECE', 'DELI'] as const, 'TxIdDtls', 'SctiesMvmntTp'),
    payment: codeAt(m, ['APMT', 'FREE'] as const, 'TxIdDtls', 'Pmt'),
    isin: textAt(m, 'FinInstrmId', 'ISIN'),
    tradeDate: trade ? dateIn(trade) : null,
    settlementDate: intended ? dateIn(intended) : null,
    effectiveSettlementDate: dateIn(at(m, 'TradDtls', 'FctvSttlmDt')),
    quantityType: settled.type,
    settledQuantity: settled.value,
    remainingQuantity: remaining ? remaining.value : null,
    settledAmount: amt ? amountIn(amt) : null,
    partialSettlement: partial === null ? null : codeAt(m, ['PAIN', 'PARC'] as const, 'AddtlParams', 'PrtlSttlm'),
    safekeepingAccount: optTextAt(qa, 'SfkpgAcct', 'Id'),
    transactionType: optTextAt(txType, 'Cd') ?? textAt(txType, 'Prtry', 'Id'),
    accountServicerTransactionId: optTextAt(m, 'TxIdDtls', 'AcctSvcrTxId'),
  };
}
