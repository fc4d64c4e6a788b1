import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { minorUnits } from '@postera/kernel';
import { validateAgainst } from '../schemas.js';
import { XmlReadError } from '../xml/read.js';
import { SeseWriteError } from './sese-formats.js';
import { parseSese023, renderSese023, type Sese023, type Sese023Party } from './sese023.js';
import { expectAllValid } from './schema-expectations.spec-helper.js';

// Our side: CLI-0003 at BNP Paribas, safekept at Euroclear France; the counterparty at Société Générale.
const us: Sese023Party = { depositoryBic: 'SICVFRPPXXX', partyBic: 'BNPAFRPPXXX', lei: null, safekeepingAccount: 'EF-10003' };
const them: Sese023Party = { depositoryBic: 'SICVFRPPXXX', partyBic: 'SOGEFRPPXXX', lei: '529900COUNTERPTY0129', safekeepingAccount: 'EF-99129' };

// Receive 150 TotalEnergies (FR0000120271) against 8,784.53 EUR.
const rvp: Sese023 = {
  transactionId: '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e', // a UUID without its hyphens: 32 characters
  movement: 'RECE',
  payment: 'APMT',
  tradeDate: '2026-11-26',
  settlementDate: '2026-11-30',
  isin: 'FR0000120271',
  quantityType: 'UNIT',
  quantity: '150',
  safekeepingAccount: 'EF-10003',
  placeOfSafekeeping: { type: 'NCSD', bic: 'SICVFRPPXXX' },
  transactionType: 'TRAD',
  partialSettlement: 'PART',
  delivering: them,
  receiving: us,
  settlementAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' },
};

const variants: Record<string, Sese023> = {
  'RvP shares PART EUR': rvp,
  'DvP shares NPAR USD': {
    ...rvp,
    movement: 'DELI',
    isin: 'US0378331005',
    quantity: '20',
    partialSettlement: 'NPAR',
    delivering: { ...us, depositoryBic: 'DTCYUS33XXX' },
    receiving: { ...them, depositoryBic: 'DTCYUS33XXX' },
    placeOfSafekeeping: { type: 'NCSD', bic: 'DTCYUS33XXX' },
    settlementAmount: { amount: '4210.40', currency: 'USD', creditDebit: 'CRDT' },
  },
  'RFP bond FAMT PARC, no trade date': {
    ...rvp,
    payment: 'FREE',
    isin: 'FR0013341781',
    quantityType: 'FAMT',
    quantity: '1000000',
    partialSettlement: 'PARC',
    tradeDate: null,
    settlementAmount: null,
  },
  'DFP bond FAMT PARQ at an ICSD': {
    ...rvp,
    movement: 'DELI',
    payment: 'FREE',
    isin: 'XS2010028343',
    quantityType: 'FAMT',
    quantity: '250000.00',
    partialSettlement: 'PARQ',
    placeOfSafekeeping: { type: 'ICSD', bic: 'CEDELULLXXX' },
    delivering: { ...us, depositoryBic: 'CEDELULLXXX' },
    receiving: { ...them, depositoryBic: 'CEDELULLXXX' },
    settlementAmount: null,
  },
  'DvP bond GBP against 99,125.00': {
    ...rvp,
    movement: 'DELI',
    isin: 'GB00BM8Z2S21',
    quantityType: 'FAMT',
    quantity: '100000',
    delivering: { ...us, depositoryBic: 'CRSTGB22XXX' },
    receiving: { ...them, depositoryBic: 'CRSTGB22XXX' },
    placeOfSafekeeping: { type: 'NCSD', bic: 'CRSTGB22XXX' },
    settlementAmount: { amount: '99125.00', currency: 'GBP', creditDebit: 'CRDT' },
  },
  // A net of a buy of 150 and a sell of 100: receive 50, and receive 120.00 EUR net (the sell was dearer).
  'net instruction NETT, RvP receiving cash, NPAR': {
    ...rvp,
    quantity: '50',
    transactionType: 'NETT',
    partialSettlement: 'NPAR',
    settlementAmount: { amount: '120.00', currency: 'EUR', creditDebit: 'CRDT' },
  },
  'net of zero cash against payment': { ...rvp, transactionType: 'NETT', settlementAmount: { amount: '0', currency: 'EUR', creditDebit: 'DBIT' } },
  'counterparty by LEI only (no SSI): PrtryId and LEI': {
    ...rvp,
    delivering: { depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: '529900COUNTERPTY0129', safekeepingAccount: null },
  },
  'our side without SSI: depository only': { ...rvp, receiving: { depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: null, safekeepingAccount: null } },
  'no settlement parties at all, no place, no indicator': {
    ...rvp,
    delivering: null,
    receiving: null,
    placeOfSafekeeping: null,
    partialSettlement: null,
    safekeepingAccount: null,
  },
  'JPY without decimals, fractional units': {
    ...rvp,
    quantity: '0.5',
    settlementAmount: { amount: '1250000', currency: 'JPY', creditDebit: 'DBIT' },
  },
  'the largest amount Postera writes: 18 digits, 3 decimals (BHD; the schema takes 5, no currency has them)': {
    ...rvp,
    settlementAmount: { amount: '999999999999999.999', currency: 'BHD', creditDebit: 'DBIT' },
  },
};

/** Valid inputs drawn at random: any movement and payment, either quantity type, any indicator, amounts at their currency's minor units. */
const sese023Arb: fc.Arbitrary<Sese023> = fc
  .record({
    movement: fc.constantFrom('RECE' as const, 'DELI' as const),
    payment: fc.constantFrom('APMT' as const, 'FREE' as const),
    quantityType: fc.constantFrom('UNIT' as const, 'FAMT' as const),
    int: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    frac: fc.integer({ min: 0, max: 99999 }),
    currency: fc.constantFrom('EUR', 'USD', 'GBP', 'CHF', 'JPY', 'SEK'),
    creditDebit: fc.constantFrom('CRDT' as const, 'DBIT' as const),
    partial: fc.constantFrom('PART' as const, 'NPAR' as const, 'PARC' as const, 'PARQ' as const, null),
    tx: fc.uuid().map((u) => u.replace(/-/g, '')),
    txType: fc.constantFrom('TRAD', 'NETT'),
    lei: fc.boolean(),
  })
  .map((g) => {
    // The amount at its currency's minor units, the one form a writer writes (JPY: none).
    const units = minorUnits(g.currency);
    const n = units === 0 ? String(g.int) : `${g.int}.${String(g.frac).padStart(5, '0').slice(0, units)}`;
    return {
      ...rvp,
      transactionId: g.tx,
      movement: g.movement,
      payment: g.payment,
      quantityType: g.quantityType,
      quantity: g.int === 0n ? '1' : String(g.int),
      transactionType: g.txType,
      partialSettlement: g.partial,
      delivering: g.lei ? { ...them, partyBic: null } : them,
      settlementAmount: g.payment === 'APMT' ? { amount: n, currency: g.currency, creditDebit: g.creditDebit } : null,
    };
  });

describe('sese.023.001.11 writer against the official schema', () => {
  it('every variant Postera writes validates: DvP/RvP/DFP/RFP, shares and bonds, each indicator, a net, with and without SSIs, several currencies', async () => {
    await expectAllValid('sese.023.001.11', Object.fromEntries(Object.entries(variants).map(([n, v]) => [n, renderSese023(v)])));
  });

  it('property: 200 random valid inputs all validate, and each reads back to itself', async () => {
    const inputs = fc.sample(sese023Arb, { numRuns: 200, seed: 2026 });
    await expectAllValid('sese.023.001.11', Object.fromEntries(inputs.map((v, i) => [`#${i}`, renderSese023(v)])));
    fc.assert(fc.property(sese023Arb, (v) => expect(parseSese023(renderSese023(v))).toEqual(v)));
  });

  it('the check can fail: a document without its settlement date, or with the trade date written directly in TradDt, is reported invalid', async () => {
    const xml = renderSese023(rvp);
    const [noDate, oldTradeDate] = await validateAgainst('sese.023.001.11', [
      xml.replace(/<SttlmDt>[\s\S]*?<\/SttlmDt>/, ''),
      xml.replace(/<TradDt>[\s\S]*?<\/TradDt>/, '<TradDt><Dt>2026-11-26</Dt></TradDt>'),
    ]);
    expect(noDate!.valid).toBe(false);
    expect(noDate!.problems.map((p) => p.message).join(' ')).toMatch(/FinInstrmId.*Expected is.*SttlmDt|SttlmDt/);
    expect(oldTradeDate!.valid).toBe(false);
  });

  it('writes the place of safekeeping under TpAndId, the trade date under Dt/Dt, the LEI-only party as PrtryId + LEI, the amount as given', () => {
    const xml = renderSese023(variants['counterparty by LEI only (no SSI): PrtryId and LEI']!);
    expect(xml).toMatch(/<TradDt>\s*<Dt>\s*<Dt>2026-11-26<\/Dt>\s*<\/Dt>\s*<\/TradDt>/);
    expect(xml).toMatch(/<SfkpgPlcFrmt>\s*<TpAndId>\s*<SfkpgPlcTp>NCSD<\/SfkpgPlcTp>\s*<Id>SICVFRPPXXX<\/Id>/);
    expect(xml).toMatch(
      /<PrtryId>\s*<Id>529900COUNTERPTY0129<\/Id>\s*<Issr>GLEIF<\/Issr>\s*<SchmeNm>LEI<\/SchmeNm>\s*<\/PrtryId>\s*<\/Id>\s*<LEI>529900COUNTERPTY0129<\/LEI>/,
    );
    expect(xml).toContain('<Amt Ccy="EUR">8784.53</Amt>');
  });

  it("writes an amount at its currency's minor units: 8775 EUR as 8775.00, a net of 0 EUR as 0.00, 1250000 JPY as it is", () => {
    const amountOf = (v: Sese023) => /<Amt Ccy="[A-Z]{3}">([^<]*)<\/Amt>/.exec(renderSese023(v))?.[1];
    expect(amountOf({ ...rvp, settlementAmount: { amount: '8775', currency: 'EUR', creditDebit: 'DBIT' } })).toBe('8775.00');
    expect(amountOf(variants['net of zero cash against payment']!)).toBe('0.00');
    expect(amountOf(variants['JPY without decimals, fractional units']!)).toBe('1250000');
  });

  it('refuses to write what the schema would refuse, naming the element (our bug, never sent)', () => {
    const bad: Array<[Partial<Sese023>, RegExp]> = [
      [{ transactionId: 'x'.repeat(36) }, /TxId: .* 1 to 35 characters/],
      [{ settlementAmount: { amount: '-1.00', currency: 'EUR', creditDebit: 'DBIT' } }, /SttlmAmt\/Amt: "-1.00" is negative/],
      [{ settlementAmount: { amount: '1.000001', currency: 'EUR', creditDebit: 'DBIT' } }, /more than 5 decimals/],
      [{ settlementAmount: { amount: '12345678901234.56789', currency: 'EUR', creditDebit: 'DBIT' } }, /more than 18 digits/],
      [{ settlementAmount: { amount: '1', currency: 'eur', creditDebit: 'DBIT' } }, /Ccy: "eur" is not a currency code/],
      [{ settlementAmount: { amount: '1.005', currency: 'EUR', creditDebit: 'DBIT' } }, /SttlmAmt\/Amt: "1.005" has more decimals than the 2 of EUR/],
      [{ settlementAmount: { amount: '100.5', currency: 'JPY', creditDebit: 'DBIT' } }, /SttlmAmt\/Amt: "100.5" has more decimals than the 0 of JPY/],
      [{ settlementAmount: { amount: '1.00', currency: 'XAU', creditDebit: 'DBIT' } }, /SttlmAmt\/Amt: currency XAU has no minor unit Postera knows/],
      [{ isin: 'FR000012027' }, /ISIN: "FR000012027" is not an ISIN/],
      [{ delivering: { ...them, partyBic: 'SOGE' } }, /DlvrgSttlmPties\/Pty1\/Id\/AnyBIC: "SOGE" is not a BIC/],
      [{ delivering: { ...them, partyBic: null, lei: 'LEI-A' } }, /PrtryId\/Id: "LEI-A" is not an LEI/],
      [{ payment: 'FREE' }, /SttlmAmt: FREE with a settlement amount/],
      [{ transactionType: 'XXXX' }, /SctiesTxTp\/Cd: XXXX/],
    ];
    for (const [patch, message] of bad) expect(() => renderSese023({ ...rvp, ...patch })).toThrow(message);
    expect(() => renderSese023({ ...rvp, transactionId: '' })).toThrow(SeseWriteError);
  });
});

describe('sese.023 reader', () => {
  // As another system would send it: prefixed namespace, the trade date as a date-time, the account
  // owner, a named account, the place as a proprietary-free TpAndId, extra optional elements, supplementary data.
  const foreign = `<?xml version="1.0" encoding="UTF-8"?>
<s:Document xmlns:s="urn:iso:std:iso:20022:tech:xsd:sese.023.001.11">
  <s:SctiesSttlmTxInstr>
    <s:TxId>BNP-2026-11-26-000417</s:TxId>
    <s:SttlmTpAndAddtlParams><s:SctiesMvmntTp>DELI</s:SctiesMvmntTp><s:Pmt>APMT</s:Pmt><s:CmonId>MATCH-88123</s:CmonId></s:SttlmTpAndAddtlParams>
    <s:TradDtls>
      <s:TradId>FO-EQ:4711</s:TradId>
      <s:TradDt><s:Dt><s:DtTm>2026-11-26T15:42:07</s:DtTm></s:Dt></s:TradDt>
      <s:SttlmDt><s:Dt><s:Dt>2026-11-30</s:Dt></s:Dt></s:SttlmDt>
    </s:TradDtls>
    <s:FinInstrmId><s:ISIN>FR0000120271</s:ISIN><s:Desc>TOTALENERGIES SE</s:Desc></s:FinInstrmId>
    <s:QtyAndAcctDtls>
      <s:SttlmQty><s:Qty><s:Unit>150</s:Unit></s:Qty></s:SttlmQty>
      <s:AcctOwnr><s:Id><s:AnyBIC>BNPAFRPPXXX</s:AnyBIC></s:Id><s:LEI>R0MUWSFPU8MPRO8K5P83</s:LEI></s:AcctOwnr>
      <s:SfkpgAcct><s:Id>EF-10003</s:Id><s:Nm>CLIENT 0003</s:Nm></s:SfkpgAcct>
      <s:SfkpgPlc><s:SfkpgPlcFrmt><s:TpAndId><s:SfkpgPlcTp>NCSD</s:SfkpgPlcTp><s:Id>SICVFRPPXXX</s:Id></s:TpAndId></s:SfkpgPlcFrmt></s:SfkpgPlc>
    </s:QtyAndAcctDtls>
    <s:SttlmParams><s:SctiesTxTp><s:Cd>TRAD</s:Cd></s:SctiesTxTp><s:PrtlSttlmInd>NPAR</s:PrtlSttlmInd></s:SttlmParams>
    <s:DlvrgSttlmPties>
      <s:Dpstry><s:Id><s:AnyBIC>SICVFRPPXXX</s:AnyBIC></s:Id></s:Dpstry>
      <s:Pty1><s:Id><s:AnyBIC>BNPAFRPPXXX</s:AnyBIC></s:Id><s:SfkpgAcct><s:Id>EF-10003</s:Id></s:SfkpgAcct></s:Pty1>
    </s:DlvrgSttlmPties>
    <s:RcvgSttlmPties>
      <s:Dpstry><s:Id><s:AnyBIC>SICVFRPPXXX</s:AnyBIC></s:Id></s:Dpstry>
      <s:Pty1><s:Id><s:PrtryId><s:Id>529900COUNTERPTY0129</s:Id><s:Issr>GLEIF</s:Issr><s:SchmeNm>LEI</s:SchmeNm></s:PrtryId></s:Id></s:Pty1>
      <s:Pty2><s:Id><s:AnyBIC>SOGEFRPPXXX</s:AnyBIC></s:Id></s:Pty2>
    </s:RcvgSttlmPties>
    <s:SttlmAmt><s:Amt Ccy="EUR">8784.50</s:Amt><s:CdtDbtInd>CRDT</s:CdtDbtInd></s:SttlmAmt>
    <s:SplmtryData><s:Envlp><x:Note xmlns:x="urn:example:bank">desk 7</x:Note></s:Envlp></s:SplmtryData>
  </s:SctiesSttlmTxInstr>
</s:Document>
`;

  it('reads an instruction written by another system (valid against the schema): DtTm trade date, extra elements, LEI from PrtryId, "8784.50" kept', async () => {
    await expectAllValid('sese.023.001.11', { foreign });
    expect(parseSese023(foreign)).toEqual({
      transactionId: 'BNP-2026-11-26-000417',
      movement: 'DELI',
      payment: 'APMT',
      tradeDate: '2026-11-26',
      settlementDate: '2026-11-30',
      isin: 'FR0000120271',
      quantityType: 'UNIT',
      quantity: '150',
      safekeepingAccount: 'EF-10003',
      placeOfSafekeeping: { type: 'NCSD', bic: 'SICVFRPPXXX' },
      transactionType: 'TRAD',
      partialSettlement: 'NPAR',
      delivering: { depositoryBic: 'SICVFRPPXXX', partyBic: 'BNPAFRPPXXX', lei: null, safekeepingAccount: 'EF-10003' },
      receiving: { depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: '529900COUNTERPTY0129', safekeepingAccount: null },
      settlementAmount: { amount: '8784.50', currency: 'EUR', creditDebit: 'CRDT' },
    });
  });

  it('refuses what it cannot use with the element and the reason, never a crash', () => {
    const refusal = (xml: string): XmlReadError => {
      try {
        parseSese023(xml);
      } catch (e) {
        if (e instanceof XmlReadError) return e;
        throw e;
      }
      throw new Error('accepted');
    };
    expect(refusal(foreign.replace(/<s:FinInstrmId>[\s\S]*?<\/s:FinInstrmId>/, '')).message).toMatch(/SctiesSttlmTxInstr.*FinInstrmId is missing/);
    expect(refusal(foreign.replaceAll('sese.023.001.11', 'sese.023.001.09')).message).toMatch(
      /namespace urn:iso:std:iso:20022:tech:xsd:sese.023.001.09 is not one of/,
    );
    expect(refusal(foreign.replace('<s:PrtlSttlmInd>NPAR', '<s:PrtlSttlmInd>MAYBE')).message).toMatch(
      /PrtlSttlmInd.*MAYBE is not one of PART, NPAR, PARC, PARQ/,
    );
    expect(refusal(foreign.replace('<s:Unit>150</s:Unit>', '<s:AmtsdVal>150</s:AmtsdVal>')).message).toMatch(/Qty.*AmtsdVal is not a quantity Postera settles/);
    expect(refusal(foreign.replace(/<s:SttlmDt>[\s\S]*?<\/s:SttlmDt>/, '<s:SttlmDt><s:DtCd><s:Cd>WISS</s:Cd></s:DtCd></s:SttlmDt>')).message).toMatch(
      /SttlmDt.*DtCd gives no date/,
    );
    expect(refusal(foreign.replace('<s:Amt Ccy="EUR">', '<s:Amt>')).message).toMatch(/SttlmAmt\/Amt.*Ccy is missing/);
  });
});
