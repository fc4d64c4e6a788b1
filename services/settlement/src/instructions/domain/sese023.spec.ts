import { describe, expect, it } from '@jest/globals';
import { namespaceOf, parseSese023, parseXml, renderSese023, validateAgainst, type XmlElement } from '@postera/iso20022';
import { instructionIdOfTx, toSese023, transactionIdOf, type InstructionForCsd } from './sese023.js';

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
const noSsi = { account: null, counterparty: null };

/** The element tree as paths with their text: what the test compares, element by element, in document order. */
function paths(e: XmlElement, prefix = ''): string[] {
  const here = `${prefix}/${e.name}${Object.entries(e.attrs)
    .map(([k, v]) => `[@${k}=${v}]`)
    .join('')}`;
  if (e.children.length === 0) return [`${here}=${e.text}`];
  return e.children.flatMap((c) => paths(c, here));
}

describe('an instruction as its sese.023.001.11', () => {
  it('a receive against payment: every element in the order of the schema, with its value', () => {
    const doc = parseXml(renderSese023(toSese023(instruction)));
    expect(doc.name).toBe('Document');
    expect(doc.ns).toBe(namespaceOf('sese.023.001.11'));
    const R = '/SctiesSttlmTxInstr';
    expect(paths(doc.children[0]!, '')).toEqual([
      `${R}/TxId=0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e`, // Max35Text: the uuid without hyphens
      `${R}/SttlmTpAndAddtlParams/SctiesMvmntTp=RECE`, // RECE: we receive (a buy)
      `${R}/SttlmTpAndAddtlParams/Pmt=APMT`, // against payment
      `${R}/TradDtls/TradDt/Dt/Dt=2026-11-26`,
      `${R}/TradDtls/SttlmDt/Dt/Dt=2026-11-30`,
      `${R}/FinInstrmId/ISIN=FR0000120271`,
      `${R}/QtyAndAcctDtls/SttlmQty/Qty/Unit=150`, // shares: units
      `${R}/QtyAndAcctDtls/SfkpgAcct/Id=EF-10003`, // our safekeeping account, from our SSI
      `${R}/QtyAndAcctDtls/SfkpgPlc/SfkpgPlcFrmt/TpAndId/SfkpgPlcTp=NCSD`, // Euroclear France: a national CSD
      `${R}/QtyAndAcctDtls/SfkpgPlc/SfkpgPlcFrmt/TpAndId/Id=SICVFRPPXXX`,
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
  });

  it('a deliver free of a bond without SSIs: DELI, FREE, FaceAmt, no SttlmAmt; the counterparty by its LEI, our side by its depository', () => {
    const dfp = { ...instruction, instructionType: 'DFP' as const, quantityType: 'FAMT' as const, quantity: '1000000', ssis: noSsi };
    const m = parseSese023(renderSese023(toSese023(dfp)));
    expect(m).toMatchObject({
      movement: 'DELI',
      payment: 'FREE',
      quantityType: 'FAMT',
      quantity: '1000000',
      settlementAmount: null,
      safekeepingAccount: 'CLI-0003',
    });
    expect(m.delivering).toEqual({ depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: null, safekeepingAccount: null });
    expect(m.receiving).toEqual({ depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: '529900COUNTERPTY0129', safekeepingAccount: null });
  });

  it('what settlement sends validates against the official schema: RVP/DVP/RFP/DFP, with and without SSIs, a net, an ICSD, another currency', async () => {
    const cases: InstructionForCsd[] = [
      instruction,
      { ...instruction, instructionType: 'DVP', cashDirection: 'CRDT', partialIndicator: 'NPAR' },
      { ...instruction, instructionType: 'RFP', ssis: noSsi, partialIndicator: 'PARC' },
      { ...instruction, instructionType: 'DFP', quantityType: 'FAMT', quantity: '1000000', partialIndicator: 'PARQ' },
      // A net: receive 50 and receive 120.00 EUR (netting-close.ts: NPAR, NETT).
      { ...instruction, quantity: '50', settlementAmount: '120.00', cashDirection: 'CRDT', partialIndicator: 'NPAR', isNet: true },
      { ...instruction, placeOfSettlement: 'CEDELULLXXX', ssis: noSsi, currency: 'USD', isin: 'XS2010028343', quantityType: 'FAMT', quantity: '200000' },
    ];
    const docs = cases.map((c) => renderSese023(toSese023(c)));
    const checks = await validateAgainst('sese.023.001.11', docs);
    expect(checks.flatMap((c, i) => (c.valid ? [] : [`#${i}: ${c.problems.map((p) => p.message).join('; ')}`]))).toEqual([]);
    expect(parseSese023(docs[4]!)).toMatchObject({
      transactionType: 'NETT',
      partialSettlement: 'NPAR',
      settlementAmount: { amount: '120.00', creditDebit: 'CRDT' },
    });
    expect(parseSese023(docs[5]!).placeOfSafekeeping).toEqual({ type: 'ICSD', bic: 'CEDELULLXXX' });
  });

  it('a counterparty whose id is no LEI is not written as one (its SSI BIC identifies it)', () => {
    const m = parseSese023(renderSese023(toSese023({ ...instruction, counterparty: 'LEI-A' })));
    expect(m.delivering).toEqual({ depositoryBic: 'SICVFRPPXXX', partyBic: 'SOGEFRPPXXX', lei: null, safekeepingAccount: 'EF-99129' });
  });

  it('the transaction id maps back to the instruction id', () => {
    expect(transactionIdOf(instruction.instructionId)).toBe('0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e');
    expect(instructionIdOfTx(transactionIdOf(instruction.instructionId))).toBe(instruction.instructionId);
    expect(instructionIdOfTx('BNP-000417')).toBe('BNP-000417');
  });
});
