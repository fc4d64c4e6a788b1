import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateAgainst } from '../schemas.js';
import { parseSese024, renderSese024, SESE024_REASON_CODES, type Sese024, type Sese024Transaction, type Sese024WrittenStatus } from './sese024.js';
import { expectAllValid, refusal } from './schema-expectations.spec-helper.js';

const TX = '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e';
const base: Sese024 = { transactionId: TX, status: 'PACK', reasons: [], statusDate: null, transaction: null };
// Receive 150 TotalEnergies against 8,784.53 EUR on 30 Nov 2026.
const details: Sese024Transaction = {
  isin: 'FR0000120271',
  quantityType: 'UNIT',
  quantity: '150',
  settlementDate: '2026-11-30',
  tradeDate: '2026-11-26',
  movement: 'RECE',
  payment: 'APMT',
  settlementAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' },
  safekeepingAccount: 'EF-10003',
  partialSettlement: 'PART',
  transactionType: 'TRAD',
};
const code = (c: string, text: string | null = null) => ({ code: c, issuer: null, text });

/** The reasons DOMAIN.md §2 names, status by status, as the schema codes them. */
const UNMATCHED = ['CMIS', 'DDAT', 'DDEA', 'DELN', 'DMON', 'DEPT'];
const PENDING = ['LACK', 'CLAC', 'MONY', 'CMON', 'PREA', 'PRCY', 'BOTH', 'LINK', 'FUTU', 'LATE', 'ADEA'];
const FAILING = ['LACK', 'CLAC', 'MONY', 'CMON', 'PREA', 'PRCY', 'BOTH', 'LINK', 'CYCL', 'LATE', 'ADEA'];

const variants: Record<string, Sese024> = {
  'PACK bare': base,
  'PACK with the transaction and its acknowledgement day': { ...base, transaction: details, statusDate: '2026-11-26' },
  'REJT OTHR with a narrative (a schema failure)': { ...base, status: 'REJT', reasons: [code('OTHR', 'line 12: element SttlmDt: missing')] },
  'REJT two reasons: safekeeping account and security': { ...base, status: 'REJT', reasons: [code('SAFE'), code('DSEC')] },
  'REJT proprietary reason': { ...base, status: 'REJT', reasons: [{ code: 'R042', issuer: 'SICVFRPP', text: 'unknown account' }] },
  'REJT no reason': { ...base, status: 'REJT' },
  'CAND bare': { ...base, status: 'CAND' },
  'CAND requested by the account owner (CXLR)': { ...base, status: 'CAND', reasons: [code('CXLR')] },
  'MACH bare': { ...base, status: 'MACH' },
  'MACH dated, with the transaction (bond, free, net)': {
    ...base,
    status: 'MACH',
    statusDate: '2026-12-01',
    transaction: {
      ...details,
      quantityType: 'FAMT',
      quantity: '1000000',
      payment: 'FREE',
      settlementAmount: null,
      transactionType: 'NETT',
      partialSettlement: null,
    },
  },
  'MACH with a proprietary reason': { ...base, status: 'MACH', reasons: [{ code: 'FORC', issuer: 'SICVFRPP', text: 'forced match' }] },
  'NMAT no reason': { ...base, status: 'NMAT' },
  'PEND no reason': { ...base, status: 'PEND' },
  'PENF no reason, with the transaction': { ...base, status: 'PENF', transaction: details },
  ...Object.fromEntries(UNMATCHED.map((r) => [`NMAT ${r}`, { ...base, status: 'NMAT', reasons: [code(r)] }])),
  ...Object.fromEntries(PENDING.map((r) => [`PEND ${r}`, { ...base, status: 'PEND', reasons: [code(r)] }])),
  ...Object.fromEntries(FAILING.map((r) => [`PENF ${r}`, { ...base, status: 'PENF', reasons: [code(r)] }])),
};

describe('sese.024.001.12 writer against the official schema', () => {
  it('every status and reason Postera writes validates (PACK, REJT, CAND, MACH, NMAT, pending and failing with each reason)', async () => {
    await expectAllValid('sese.024.001.12', Object.fromEntries(Object.entries(variants).map(([n, v]) => [n, renderSese024(v)])));
  });

  it('writes .012 with each reason where the schema puts it: Pdg for pending, Flng for failing, Umtchd/Rsn/Cd/Cd, NoSpcfdRsn NORE, Mtchd empty', () => {
    const xml = (v: Sese024) => renderSese024(v).replace(/\s+/g, '');
    expect(renderSese024(base)).toContain('xmlns="urn:iso:std:iso:20022:tech:xsd:sese.024.001.12"');
    expect(xml({ ...base, status: 'PEND', reasons: [code('FUTU')] })).toContain('<SttlmSts><Pdg><Rsn><Cd><Cd>FUTU</Cd></Cd></Rsn></Pdg></SttlmSts>');
    expect(xml({ ...base, status: 'PENF', reasons: [code('CYCL')] })).toContain('<SttlmSts><Flng><Rsn><Cd><Cd>CYCL</Cd></Cd></Rsn></Flng></SttlmSts>');
    expect(xml({ ...base, status: 'NMAT', reasons: [code('DMON')] })).toContain('<MtchgSts><Umtchd><Rsn><Cd><Cd>DMON</Cd></Cd></Rsn></Umtchd></MtchgSts>');
    expect(xml(base)).toContain('<PrcgSts><AckdAccptd><NoSpcfdRsn>NORE</NoSpcfdRsn></AckdAccptd></PrcgSts>');
    expect(xml({ ...base, status: 'MACH' })).toContain('<MtchgSts><Mtchd/></MtchgSts>');
    expect(xml({ ...base, status: 'REJT', reasons: [{ code: 'R042', issuer: 'SICVFRPP', text: null }] })).toContain(
      '<Rjctd><Rsn><Cd><Prtry><Id>R042</Id><Issr>SICVFRPP</Issr></Prtry></Cd></Rsn></Rjctd>',
    );
  });

  it('refuses a reason outside its status’s list (FUTU cannot fail, CYCL is no pending reason), and a date with no place', () => {
    expect(() => renderSese024({ ...base, status: 'PENF', reasons: [code('FUTU')] })).toThrow(/PENF: FUTU is not a reason of its list/);
    expect(() => renderSese024({ ...base, status: 'PEND', reasons: [code('CYCL')] })).toThrow(/PEND: CYCL is not a reason of its list/);
    expect(() => renderSese024({ ...base, status: 'NMAT', reasons: [code('LACK')] })).toThrow(/NMAT: LACK/);
    expect(() => renderSese024({ ...base, status: 'MACH', reasons: [code('CMIS')] })).toThrow(/MACH: at most one reason, and a proprietary one/);
    expect(() => renderSese024({ ...base, status: 'PENF', statusDate: '2026-12-01' })).toThrow(/a status date has a place only/);
    expect(() => renderSese024({ ...base, status: 'REJT', reasons: [code('OTHR', 'x'.repeat(211))] })).toThrow(/AddtlRsnInf: .* 1 to 210 characters/);
    expect(() => renderSese024({ ...base, status: 'PRTY' })).toThrow(/does not write status PRTY/);
  });

  it('the check can fail: the old shapes (a bare TxDtls, NoSpcfdRsn under Mtchd) are reported invalid', async () => {
    const [bare, mtchd] = await validateAgainst('sese.024.001.12', [
      renderSese024(base).replace('</PrcgSts>', '</PrcgSts>\n<TxDtls><SttlmDt><Dt><Dt>2026-12-01</Dt></Dt></SttlmDt></TxDtls>'),
      renderSese024({ ...base, status: 'MACH' }).replace('<Mtchd/>', '<Mtchd><NoSpcfdRsn>NORE</NoSpcfdRsn></Mtchd>'),
    ]);
    expect(bare!.valid).toBe(false);
    expect(mtchd!.valid).toBe(false);
  });

  it('property: any written status with reasons drawn from its own list validates and reads back to itself', async () => {
    const listed = (['PACK', 'REJT', 'CAND', 'NMAT', 'PEND', 'PENF'] as const).map((s) => ({ s, codes: SESE024_REASON_CODES[s] }));
    const arb = fc
      .constantFrom(...listed)
      .chain(({ s, codes }) =>
        fc.record({
          status: fc.constant<Sese024WrittenStatus>(s),
          reasons: fc.array(
            fc.record({
              code: fc.constantFrom(...codes),
              issuer: fc.constant(null),
              text: fc.option(fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9 ]{0,38}[A-Za-z0-9])?$/) /* the reader trims a narrative */, { nil: null }),
            }),
            { maxLength: 3 },
          ),
        }),
      )
      .map((g): Sese024 => ({ ...base, ...g }));
    const inputs = fc.sample(arb, { numRuns: 150, seed: 2026 });
    await expectAllValid('sese.024.001.12', Object.fromEntries(inputs.map((v, i) => [`#${i}`, renderSese024(v)])));
    for (const v of inputs) expect(parseSese024(renderSese024(v))).toMatchObject(v);
  });
});

describe('sese.024 reader: what a CSD sends', () => {
  const ns = (v: string) => `urn:iso:std:iso:20022:tech:xsd:sese.024.001.${v}`;
  // A T2S-style advice: matched and pending before the intended date (FUTU), the CSD's own ids,
  // the full transaction details with the account owner, parties and a supplementary data block.
  const matchedPending = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="${ns('12')}">
  <SctiesSttlmTxStsAdvc>
    <TxId>
      <AcctOwnrTxId>${TX}</AcctOwnrTxId>
      <AcctSvcrTxId>EF2026112600417</AcctSvcrTxId>
      <MktInfrstrctrTxId>T2S-1234567890</MktInfrstrctrTxId>
    </TxId>
    <MtchgSts><Mtchd/></MtchgSts>
    <SttlmSts><Pdg><Rsn><Cd><Cd>FUTU</Cd></Cd><AddtlRsnInf>awaiting settlement date</AddtlRsnInf></Rsn></Pdg></SttlmSts>
    <TxDtls>
      <TradId>FO-EQ:4711</TradId>
      <AcctOwnr><Id><AnyBIC>BNPAFRPPXXX</AnyBIC></Id></AcctOwnr>
      <SfkpgAcct><Id>EF-10003</Id></SfkpgAcct>
      <FinInstrmId><ISIN>FR0000120271</ISIN></FinInstrmId>
      <SttlmQty><Qty><Unit>150</Unit></Qty></SttlmQty>
      <SttlmAmt><Amt Ccy="EUR">8784.53</Amt><CdtDbtInd>DBIT</CdtDbtInd></SttlmAmt>
      <SttlmDt><Dt><Dt>2026-11-30</Dt></Dt></SttlmDt>
      <TradDt><Dt><DtTm>2026-11-26T15:42:07</DtTm></Dt></TradDt>
      <MtchdStsTmStmp>2026-11-27T09:01:12</MtchdStsTmStmp>
      <SctiesMvmntTp>RECE</SctiesMvmntTp>
      <Pmt>APMT</Pmt>
      <SttlmParams><SctiesTxTp><Cd>TRAD</Cd></SctiesTxTp><PrtlSttlmInd>PART</PrtlSttlmInd></SttlmParams>
      <DlvrgSttlmPties><Dpstry><Id><AnyBIC>SICVFRPPXXX</AnyBIC></Id></Dpstry><Pty1><Id><AnyBIC>SOGEFRPPXXX</AnyBIC></Id></Pty1></DlvrgSttlmPties>
    </TxDtls>
    <SplmtryData><Envlp><Ref xmlns="urn:example:csd">batch 7</Ref></Envlp></SplmtryData>
  </SctiesSttlmTxStsAdvc>
</Document>
`;
  // Failing after the intended date with a proprietary reason, prefixed namespace.
  const failingProprietary = `<?xml version="1.0" encoding="UTF-8"?>
<n:Document xmlns:n="${ns('12')}"><n:SctiesSttlmTxStsAdvc>
  <n:TxId><n:AcctOwnrTxId>${TX}</n:AcctOwnrTxId></n:TxId>
  <n:SttlmSts><n:Flng><n:Rsn><n:Cd><n:Prtry><n:Id>B012</n:Id><n:Issr>SICVFRPP</n:Issr></n:Prtry></n:Cd></n:Rsn></n:Flng></n:SttlmSts>
</n:SctiesSttlmTxStsAdvc></n:Document>
`;
  // Accepted and unmatched in one advice (the counterparty's instruction is missing).
  const acceptedUnmatched = `<Document xmlns="${ns('12')}"><SctiesSttlmTxStsAdvc>
  <TxId><AcctOwnrTxId>${TX}</AcctOwnrTxId></TxId>
  <PrcgSts><AckdAccptd><NoSpcfdRsn>NORE</NoSpcfdRsn></AckdAccptd></PrcgSts>
  <MtchgSts><Umtchd><Rsn><Cd><Cd>CMIS</Cd></Cd></Rsn></Umtchd></MtchgSts>
</SctiesSttlmTxStsAdvc></Document>`;
  // Rejected with two reasons, one of them proprietary; a matching status beside it does not win.
  const rejected = `<Document xmlns="${ns('12')}"><SctiesSttlmTxStsAdvc>
  <TxId><AcctOwnrTxId>${TX}</AcctOwnrTxId></TxId>
  <PrcgSts><Rjctd>
    <Rsn><Cd><Cd>SAFE</Cd></Cd><AddtlRsnInf>account EF-10003 closed</AddtlRsnInf></Rsn>
    <Rsn><Cd><Prtry><Id>R042</Id><Issr>SICVFRPP</Issr></Prtry></Cd></Rsn>
  </Rjctd></PrcgSts>
  <IfrrdMtchgSts><Umtchd><NoSpcfdRsn>NORE</NoSpcfdRsn></Umtchd></IfrrdMtchgSts>
</SctiesSttlmTxStsAdvc></Document>`;
  const proprietaryStatus = `<Document xmlns="${ns('12')}"><SctiesSttlmTxStsAdvc>
  <TxId><AcctOwnrTxId>${TX}</AcctOwnrTxId></TxId>
  <SttlmSts><Prtry><PrtrySts><Id>HOLD</Id><Issr>SICVFRPP</Issr></PrtrySts><PrtryRsn><Rsn><Id>CSDH</Id><Issr>SICVFRPP</Issr></Rsn></PrtryRsn></Prtry></SttlmSts>
</SctiesSttlmTxStsAdvc></Document>`;

  it('the hand-written .012 advices are themselves valid against the schema', async () => {
    await expectAllValid('sese.024.001.12', { matchedPending, failingProprietary, acceptedUnmatched, rejected, proprietaryStatus });
  });

  it('matched and pending FUTU before the intended date: PEND (not a fail), its reason and narrative, the matching day, the details', () => {
    expect(parseSese024(matchedPending)).toEqual({
      transactionId: TX,
      status: 'PEND',
      reasons: [{ code: 'FUTU', issuer: null, text: 'awaiting settlement date' }],
      statusDate: null,
      transaction: { ...details, tradeDate: '2026-11-26' },
      statuses: [
        { group: 'MtchgSts', status: 'MACH', reasons: [], proprietary: null },
        { group: 'SttlmSts', status: 'PEND', reasons: [{ code: 'FUTU', issuer: null, text: 'awaiting settlement date' }], proprietary: null },
      ],
      proprietaryStatus: null,
      accountServicerTransactionId: 'EF2026112600417',
    });
    // The same advice matched only: its day comes from MtchdStsTmStmp.
    expect(parseSese024(matchedPending.replace(/<SttlmSts>[\s\S]*?<\/SttlmSts>/, ''))).toMatchObject({ status: 'MACH', statusDate: '2026-11-27' });
  });

  it('failing with a proprietary reason; accepted + unmatched → NMAT CMIS; rejected wins over a matching status; a proprietary status', () => {
    expect(parseSese024(failingProprietary)).toMatchObject({ status: 'PENF', reasons: [{ code: 'B012', issuer: 'SICVFRPP', text: null }] });
    expect(parseSese024(acceptedUnmatched)).toMatchObject({ status: 'NMAT', reasons: [code('CMIS')] });
    expect(parseSese024(rejected)).toMatchObject({
      status: 'REJT',
      reasons: [code('SAFE', 'account EF-10003 closed'), { code: 'R042', issuer: 'SICVFRPP', text: null }],
    });
    expect(parseSese024(proprietaryStatus)).toMatchObject({
      status: 'PRTY',
      proprietaryStatus: { code: 'HOLD', issuer: 'SICVFRPP' },
      reasons: [{ code: 'CSDH', issuer: 'SICVFRPP', text: null }],
    });
  });

  it('reads .011 advices as a CSD still on the previous version sends them (written by hand: no .011 schema here)', () => {
    const v11 = (body: string) =>
      `<Document xmlns="${ns('11')}"><SctiesSttlmTxStsAdvc><TxId><AcctOwnrTxId>${TX}</AcctOwnrTxId><AcctSvcrTxId>EF-77</AcctSvcrTxId></TxId>${body}</SctiesSttlmTxStsAdvc></Document>`;
    expect(parseSese024(v11('<PrcgSts><AckdAccptd><NoSpcfdRsn>NORE</NoSpcfdRsn></AckdAccptd></PrcgSts>'))).toMatchObject({ status: 'PACK', reasons: [] });
    expect(parseSese024(v11('<SttlmSts><Flng><Rsn><Cd><Cd>LACK</Cd></Cd></Rsn></Flng></SttlmSts>'))).toMatchObject({ status: 'PENF', reasons: [code('LACK')] });
    expect(parseSese024(v11('<SttlmSts><Pdg><Rsn><Cd><Cd>CLAC</Cd></Cd></Rsn></Pdg></SttlmSts>'))).toMatchObject({ status: 'PEND', reasons: [code('CLAC')] });
    expect(parseSese024(v11('<MtchgSts><Umtchd><Rsn><Cd><Cd>DDAT</Cd></Cd></Rsn></Umtchd></MtchgSts>'))).toMatchObject({
      status: 'NMAT',
      reasons: [code('DDAT')],
    });
    expect(parseSese024(v11('<PrcgSts><Canc><NoSpcfdRsn>NORE</NoSpcfdRsn></Canc></PrcgSts>'))).toMatchObject({
      status: 'CAND',
      accountServicerTransactionId: 'EF-77',
    });
  });

  it('refuses what it cannot use, naming the element and the reason', () => {
    const body = (b: string, v = '12') =>
      `<Document xmlns="${ns(v)}"><SctiesSttlmTxStsAdvc><TxId><AcctOwnrTxId>${TX}</AcctOwnrTxId></TxId>${b}</SctiesSttlmTxStsAdvc></Document>`;
    expect(refusal(() => parseSese024(body('<PrcgSts><AckdAccptd><NoSpcfdRsn>NORE</NoSpcfdRsn></AckdAccptd></PrcgSts>', '10'))).message).toMatch(
      /namespace .*sese.024.001.10 is not one of/,
    );
    expect(refusal(() => parseSese024(body(''))).message).toMatch(/SctiesSttlmTxStsAdvc.*no status/);
    expect(refusal(() => parseSese024(body('<SttlmSts><Flng/></SttlmSts>'))).message).toMatch(/SttlmSts\/Flng.*NoSpcfdRsn or Rsn expected/);
    expect(refusal(() => parseSese024(body('<SttlmSts><Flng><Rsn><AddtlRsnInf>x</AddtlRsnInf></Rsn></Flng></SttlmSts>'))).message).toMatch(
      /Rsn.*Cd is missing/,
    );
    expect(refusal(() => parseSese024(body('<SttlmSts><Sttld/></SttlmSts>'))).message).toMatch(/SttlmSts\/Sttld.*Sttld is not a status of SttlmSts/);
    expect(
      refusal(() => parseSese024(body('<MtchgSts><Mtchd/></MtchgSts>').replace(/<TxId>.*<\/TxId>/, '<TxId><AcctSvcrTxId>X</AcctSvcrTxId></TxId>'))).message,
    ).toMatch(/TxId.*AcctOwnrTxId is missing/);
  });
});
