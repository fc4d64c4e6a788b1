import { describe, expect, it } from '@jest/globals';
import { NS, parseSese023, parseXml, XmlParseError, type XmlElement } from '@postera/iso20022';
import { toSese023, instructionIdOfTx, transactionIdOf, type InstructionForCsd } from './sese023.js';
import { renderSese023 } from '@postera/iso20022';

// Buy 150 TotalEnergies (FR0000120271) for CLI-0003 from 529900COUNTERPTY0129, net 8,784.53 EUR, both SSIs known.
const instruction: InstructionForCsd = {
  instructionId: '0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d6e',
  instructionType: 'RVP',
  isin: 'FR0000120271',
  quantity: '150',
  quantityType: 'UNIT',
  settlementAmount: '8784.53',
  cashDirection: 'DBIT',
  currency: 'EUR',
  tradeDate: '2026-11-26',
  intendedSettlementDate: '2026-11-30',
  account: 'CLI-0003',
  counterparty: '529900COUNTERPTY0129',
  placeOfSettlement: 'SICVFRPPXXX',
  partialIndicator: 'PART',
  ssis: {
    account: { owner: 'CLI-0003', placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'EF-10003', cashAccount: 'FR76-0003', agentBic: 'BNPAFRPPXXX' },
    counterparty: {
      owner: '529900COUNTERPTY0129',
      placeOfSettlement: 'SICVFRPPXXX',
      safekeepingAccount: 'EF-99129',
      cashAccount: null,
      agentBic: 'SOGEFRPPXXX',
    },
  },
};

/** The element tree as paths with their text: what the test compares, element by element, in document order. */
function paths(e: XmlElement, prefix = ''): string[] {
  const here = `${prefix}/${e.name}${Object.entries(e.attrs)
    .map(([k, v]) => `[@${k}=${v}]`)
    .join('')}`;
  if (e.children.length === 0) return [`${here}=${e.text}`];
  return e.children.flatMap((c) => paths(c, here));
}

describe('sese.023.001.11 SecuritiesSettlementTransactionInstruction', () => {
  it('a receive against payment: every element in the order of the schema, with its value', () => {
    const xml = renderSese023(toSese023(instruction));
    const doc = parseXml(xml);
    expect(doc.name).toBe('Document');
    expect(doc.attrs.xmlns).toBe(NS.sese023);
    const R = '/SctiesSttlmTxInstr';
    expect(paths(doc.children[0]!, '')).toEqual([
      `${R}/TxId=0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e`, // Max35Text: the uuid without dashes
      `${R}/SttlmTpAndAddtlParams/SctiesMvmntTp=RECE`, // RECE: we receive (a buy)
      `${R}/SttlmTpAndAddtlParams/Pmt=APMT`, // against payment
      `${R}/TradDtls/TradDt/Dt=2026-11-26`,
      `${R}/TradDtls/SttlmDt/Dt/Dt=2026-11-30`,
      `${R}/FinInstrmId/ISIN=FR0000120271`,
      `${R}/QtyAndAcctDtls/SttlmQty/Qty/Unit=150`, // shares: units
      `${R}/QtyAndAcctDtls/SfkpgAcct/Id=EF-10003`, // our safekeeping account, from our SSI
      `${R}/QtyAndAcctDtls/SfkpgPlc/SfkpgPlcFrmt/Id/SfkpgPlcTp=CUST`,
      `${R}/QtyAndAcctDtls/SfkpgPlc/SfkpgPlcFrmt/Id/Id=SICVFRPPXXX`, // place of settlement: Euroclear France
      `${R}/SttlmParams/SctiesTxTp/Cd=TRAD`,
      `${R}/SttlmParams/PrtlSttlmInd=PART`,
      // Delivering side: the counterparty (we receive), its CSD, agent, LEI and account from its SSI.
      `${R}/DlvrgSttlmPties/Dpstry/Id/AnyBIC=SICVFRPPXXX`,
      `${R}/DlvrgSttlmPties/Pty1/Id/AnyBIC=SOGEFRPPXXX`,
      `${R}/DlvrgSttlmPties/Pty1/LEI=529900COUNTERPTY0129`,
      `${R}/DlvrgSttlmPties/Pty1/SfkpgAcct/Id=EF-99129`,
      // Receiving side: us.
      `${R}/RcvgSttlmPties/Dpstry/Id/AnyBIC=SICVFRPPXXX`,
      `${R}/RcvgSttlmPties/Pty1/Id/AnyBIC=BNPAFRPPXXX`,
      `${R}/RcvgSttlmPties/Pty1/SfkpgAcct/Id=EF-10003`,
      `${R}/SttlmAmt/Amt[@Ccy=EUR]=8784.53`, // the decimal string as is
      `${R}/SttlmAmt/CdtDbtInd=DBIT`, // we pay
    ]);
    // The top-level order is the schema's: TxId, SttlmTpAndAddtlParams, TradDtls, FinInstrmId, QtyAndAcctDtls, SttlmParams, DlvrgSttlmPties, RcvgSttlmPties, SttlmAmt.
    expect(doc.children[0]!.children.map((c) => c.name)).toEqual([
      'TxId',
      'SttlmTpAndAddtlParams',
      'TradDtls',
      'FinInstrmId',
      'QtyAndAcctDtls',
      'SttlmParams',
      'DlvrgSttlmPties',
      'RcvgSttlmPties',
      'SttlmAmt',
    ]);
  });

  it('a deliver free of payment of a bond: DELI, FREE, FaceAmt, no SttlmAmt; we are the delivering party; no SSI → LEI and the place of settlement', () => {
    const dfp = {
      ...instruction,
      instructionType: 'DFP' as const,
      quantityType: 'FAMT' as const,
      quantity: '1000000',
      ssis: { account: null, counterparty: null },
    };
    const m = parseSese023(renderSese023(toSese023(dfp)));
    expect(m).toMatchObject({ movement: 'DELI', payment: 'FREE', quantityType: 'FAMT', quantity: '1000000', settlementAmount: null });
    expect(m.delivering).toEqual({ depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: null, safekeepingAccount: 'CLI-0003' });
    expect(m.receiving).toEqual({ depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: '529900COUNTERPTY0129', safekeepingAccount: null });
  });

  it('reads back what it wrote, and the transaction id maps back to the instruction id', () => {
    const m = parseSese023(renderSese023(toSese023(instruction)));
    expect(m.settlementAmount).toEqual({ amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' });
    expect(instructionIdOfTx(transactionIdOf(instruction.instructionId))).toBe(instruction.instructionId);
  });

  it('the strict reader refuses a missing 1..1 element, a wrong namespace, a bad code, mismatched tags', () => {
    const xml = renderSese023(toSese023(instruction));
    expect(() => parseSese023(xml.replace(/<FinInstrmId>[\s\S]*?<\/FinInstrmId>/, ''))).toThrow(/exactly one FinInstrmId/);
    expect(() => parseSese023(xml.replace('sese.023.001.11', 'sese.023.001.09'))).toThrow(XmlParseError);
    expect(() => parseSese023(xml.replace('<PrtlSttlmInd>PART', '<PrtlSttlmInd>MAYBE'))).toThrow(/PrtlSttlmInd/);
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a><![CDATA[x]]></a>')).toThrow(/CDATA/);
  });
});
