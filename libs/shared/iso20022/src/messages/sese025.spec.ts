import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateAgainst } from '../schemas.js';
import { parseSese025, renderSese025, type Sese025 } from './sese025.js';
import { expectAllValid, refusal } from './schema-expectations.spec-helper.js';

const TX = '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e';
// 150 TotalEnergies received against 8,784.53 EUR, settled whole on 30 Nov 2026.
const full: Sese025 = {
  transactionId: TX,
  movement: 'RECE',
  payment: 'APMT',
  isin: 'FR0000120271',
  tradeDate: '2026-11-26',
  settlementDate: '2026-11-30',
  effectiveSettlementDate: '2026-11-30',
  quantityType: 'UNIT',
  settledQuantity: '150',
  remainingQuantity: null,
  settledAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' },
  partialSettlement: null,
  safekeepingAccount: 'EF-10003',
  transactionType: 'TRAD',
};

const variants: Record<string, Sese025> = {
  'full DvP shares': full,
  // First part: 60 of 150 at 58.5635…, 3,513.81 EUR paid, 90 left.
  'partial PAIN 60 of 150, 90 remaining': {
    ...full,
    settledQuantity: '60',
    remainingQuantity: '90',
    settledAmount: { amount: '3513.81', currency: 'EUR', creditDebit: 'DBIT' },
    partialSettlement: 'PAIN',
  },
  // Last part: the 90 left, 5,270.72 EUR (8,784.53 − 3,513.81), nothing remaining.
  'last part PARC 90, 0 remaining': {
    ...full,
    effectiveSettlementDate: '2026-12-01',
    settledQuantity: '90',
    remainingQuantity: '0',
    settledAmount: { amount: '5270.72', currency: 'EUR', creditDebit: 'DBIT' },
    partialSettlement: 'PARC',
  },
  'FoP delivery of a bond (FAMT), partial': {
    ...full,
    movement: 'DELI',
    payment: 'FREE',
    isin: 'FR0013341781',
    quantityType: 'FAMT',
    settledQuantity: '400000',
    remainingQuantity: '600000',
    settledAmount: null,
    partialSettlement: 'PAIN',
  },
  'DvP bond USD, net instruction, minimal dates': {
    ...full,
    movement: 'DELI',
    isin: 'US912810TM09',
    quantityType: 'FAMT',
    settledQuantity: '250000.00',
    settledAmount: { amount: '248437.50', currency: 'USD', creditDebit: 'CRDT' },
    tradeDate: null,
    settlementDate: null,
    safekeepingAccount: null,
    transactionType: 'NETT',
  },
};

describe('sese.025.001.11 writer against the official schema', () => {
  it('every variant validates: full, partial (PAIN) and last part (PARC), DvP and FoP, units and face amounts', async () => {
    await expectAllValid('sese.025.001.11', Object.fromEntries(Object.entries(variants).map(([n, v]) => [n, renderSese025(v)])));
  });

  it('writes PrtlSttlm under AddtlParams and the remainder directly under RmngToBeSttldQty (no Qty wrapper)', () => {
    const xml = renderSese025(variants['partial PAIN 60 of 150, 90 remaining']!).replace(/\s+/g, '');
    expect(xml).toContain('</TxIdDtls><AddtlParams><PrtlSttlm>PAIN</PrtlSttlm></AddtlParams><TradDtls>');
    expect(xml).toContain('<SttldQty><Qty><Unit>60</Unit></Qty></SttldQty><RmngToBeSttldQty><Unit>90</Unit></RmngToBeSttldQty>');
    expect(xml).toContain('<SttldAmt><Amt Ccy="EUR">3513.81</Amt><CdtDbtInd>DBIT</CdtDbtInd></SttldAmt>'.replace(/\s+/g, ''));
  });

  it('the check can fail: the old shapes (a Qty wrapper in the remainder, PrtlSttlm in SttlmParams) are reported invalid', async () => {
    const xml = renderSese025(variants['partial PAIN 60 of 150, 90 remaining']!);
    const [wrapped, misplaced] = await validateAgainst('sese.025.001.11', [
      xml.replace('<RmngToBeSttldQty>', '<RmngToBeSttldQty><Qty>').replace('</RmngToBeSttldQty>', '</Qty></RmngToBeSttldQty>'),
      xml.replace(/<AddtlParams>[\s\S]*?<\/AddtlParams>/, '').replace('</SctiesTxTp>', '</SctiesTxTp><PrtlSttlm>PAIN</PrtlSttlm>'),
    ]);
    expect(wrapped!.valid).toBe(false);
    expect(misplaced!.valid).toBe(false);
  });

  it('property: random settlement steps validate and read back to themselves', async () => {
    const arb = fc
      .record({
        settled: fc.bigInt({ min: 1n, max: 10n ** 12n }),
        remaining: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: null }),
        cents: fc.integer({ min: 0, max: 99 }),
        partial: fc.constantFrom('PAIN' as const, 'PARC' as const, null),
        free: fc.boolean(),
        type: fc.constantFrom('UNIT' as const, 'FAMT' as const),
      })
      .map((g): Sese025 => ({
        ...full,
        quantityType: g.type,
        settledQuantity: String(g.settled),
        remainingQuantity: g.remaining === null ? null : String(g.remaining),
        payment: g.free ? 'FREE' : 'APMT',
        settledAmount: g.free ? null : { amount: `${g.settled}.${String(g.cents).padStart(2, '0')}`, currency: 'EUR', creditDebit: 'CRDT' },
        partialSettlement: g.partial,
      }));
    const inputs = fc.sample(arb, { numRuns: 150, seed: 2026 });
    await expectAllValid('sese.025.001.11', Object.fromEntries(inputs.map((v, i) => [`#${i}`, renderSese025(v)])));
    for (const v of inputs) expect(parseSese025(renderSese025(v))).toEqual({ ...v, accountServicerTransactionId: null });
  });
});

describe('sese.025 reader: what a CSD sends', () => {
  // A custodian's partial confirmation with what such messages carry: its own ids, the previously
  // settled quantity, the remaining cash, account owner, safekeeping place, parties, a date-time as
  // effective date, the amount with its trailing zeros, supplementary data.
  const custodian = (version: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:sese.025.001.${version}">
  <SctiesSttlmTxConf>
    <TxIdDtls>
      <AcctOwnrTxId>${TX}</AcctOwnrTxId>
      <AcctSvcrTxId>EF2026112600417</AcctSvcrTxId>
      <MktInfrstrctrTxId>T2S-1234567890</MktInfrstrctrTxId>
      <SctiesMvmntTp>RECE</SctiesMvmntTp>
      <Pmt>APMT</Pmt>
    </TxIdDtls>
    <AddtlParams><PrtlSttlm>PAIN</PrtlSttlm></AddtlParams>
    <TradDtls>
      <TradId>FO-EQ:4711</TradId>
      <TradDt><Dt><Dt>2026-11-26</Dt></Dt></TradDt>
      <SttlmDt><Dt><Dt>2026-11-30</Dt></Dt></SttlmDt>
      <FctvSttlmDt><Dt><DtTm>2026-12-01T10:14:55</DtTm></Dt></FctvSttlmDt>
    </TradDtls>
    <FinInstrmId><ISIN>FR0000120271</ISIN><Desc>TOTALENERGIES SE</Desc></FinInstrmId>
    <QtyAndAcctDtls>
      <SttldQty><Qty><Unit>60</Unit></Qty></SttldQty>
      <PrevslySttldQty><Unit>0</Unit></PrevslySttldQty>
      <RmngToBeSttldQty><Unit>90</Unit></RmngToBeSttldQty>
      <RmngToBeSttldAmt><Amt Ccy="EUR">5270.72</Amt><CdtDbtInd>DBIT</CdtDbtInd></RmngToBeSttldAmt>
      <AcctOwnr><Id><AnyBIC>BNPAFRPPXXX</AnyBIC></Id></AcctOwnr>
      <SfkpgAcct><Id>EF-10003</Id><Nm>CLIENT 0003</Nm></SfkpgAcct>
      <SfkpgPlc><SfkpgPlcFrmt><TpAndId><SfkpgPlcTp>NCSD</SfkpgPlcTp><Id>SICVFRPPXXX</Id></TpAndId></SfkpgPlcFrmt></SfkpgPlc>
    </QtyAndAcctDtls>
    <SttlmParams><SctiesTxTp><Cd>TRAD</Cd></SctiesTxTp><PrtlSttlmInd>PART</PrtlSttlmInd></SttlmParams>
    <DlvrgSttlmPties><Dpstry><Id><AnyBIC>SICVFRPPXXX</AnyBIC></Id></Dpstry><Pty1><Id><AnyBIC>SOGEFRPPXXX</AnyBIC></Id></Pty1></DlvrgSttlmPties>
    <SttldAmt><Amt Ccy="EUR">3513.810</Amt><CdtDbtInd>DBIT</CdtDbtInd><ValDt><Dt>2026-12-01</Dt></ValDt></SttldAmt>
    <SplmtryData><Envlp><Ref xmlns="urn:example:csd">batch 7</Ref></Envlp></SplmtryData>
  </SctiesSttlmTxConf>
</Document>
`;
  const read = {
    transactionId: TX,
    movement: 'RECE',
    payment: 'APMT',
    isin: 'FR0000120271',
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    effectiveSettlementDate: '2026-12-01',
    quantityType: 'UNIT',
    settledQuantity: '60',
    remainingQuantity: '90',
    settledAmount: { amount: '3513.810', currency: 'EUR', creditDebit: 'DBIT' }, // as written: never through a number
    partialSettlement: 'PAIN',
    safekeepingAccount: 'EF-10003',
    transactionType: 'TRAD',
    accountServicerTransactionId: 'EF2026112600417',
  };

  it('the hand-written .011 confirmation is itself valid against the schema', async () => {
    await expectAllValid('sese.025.001.11', { custodian: custodian('11') });
  });

  it('reads it, and the same confirmation in .010 (written by hand: no .010 schema here), to the same figures', () => {
    expect(parseSese025(custodian('11'))).toEqual(read);
    expect(parseSese025(custodian('10'))).toEqual(read);
  });

  it('a bond settled as original and current face: the original face amount; a confirmation without remainder: null, not 0', async () => {
    const face = custodian('11')
      .replace('<Qty><Unit>60</Unit></Qty>', '<OrgnlAndCurFace><FaceAmt>400000</FaceAmt><AmtsdVal>392000</AmtsdVal></OrgnlAndCurFace>')
      .replace(/<PrevslySttldQty>[\s\S]*?<\/RmngToBeSttldQty>/, '');
    await expectAllValid('sese.025.001.11', { face });
    expect(parseSese025(face)).toMatchObject({ quantityType: 'FAMT', settledQuantity: '400000', remainingQuantity: null });
  });

  it('refuses what it cannot use, naming the element and the reason', () => {
    const xml = custodian('11');
    expect(refusal(() => parseSese025(xml.replace('<Unit>90</Unit>', '<FaceAmt>90</FaceAmt>'))).message).toMatch(/RmngToBeSttldQty.*FAMT remaining of a UNIT/);
    expect(refusal(() => parseSese025(xml.replace('<AddtlParams><PrtlSttlm>PAIN', '<AddtlParams><PrtlSttlm>PART'))).message).toMatch(
      /PrtlSttlm.*PART is not one of PAIN, PARC/,
    );
    expect(refusal(() => parseSese025(xml.replace(/<FctvSttlmDt>[\s\S]*?<\/FctvSttlmDt>/, ''))).message).toMatch(/TradDtls.*FctvSttlmDt is missing/);
    expect(refusal(() => parseSese025(xml.replace('<Unit>60</Unit>', '<Unit></Unit>'))).message).toMatch(/SttldQty\/Qty\/Unit.*empty/);
    expect(refusal(() => parseSese025(xml.replace('sese.025.001.11', 'sese.025.001.09'))).message).toMatch(/sese.025.001.09 is not one of/);
  });
});
