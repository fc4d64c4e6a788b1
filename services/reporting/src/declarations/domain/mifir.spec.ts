import { describe, expect, it } from '@jest/globals';
import { parseXml, validateAgainst, type XmlElement } from '@postera/iso20022';
import { leiWithCheckDigits } from '@postera/kernel';
import { tradeEconomics } from '@postera/testing';
import fc from 'fast-check';
import {
  auth016Xml,
  clientOf,
  executionWithinFirm,
  traderAsPerson,
  utcTimestamp,
  validateMifirReport,
  type MifirFirm,
  type MifirPerson,
  type MifirReport,
  type MifirTrade,
} from './mifir.js';

const firm: MifirFirm = { lei: '969500UP76J52A9OXU27', branchCountry: 'FR' };
const COUNTERPARTY = '529900T8BM49AURSDO55';
const CLIENT_LEI = leiWithCheckDigits('969500CLIENTSA00AB');
const JEAN: MifirPerson = { firstName: 'Jean', name: 'Dupont', birthDate: '1980-01-01', nationalId: 'FR19800101JEAN#DUPON', scheme: 'CONCAT' };
const TRADER_CONCAT = 'FR19850315ZOE##LEFEV';

/** The shared trade (buy 150 TotalEnergies at 58.505 EUR on Euronext Paris), dealt on own account, electronically. */
const trade: MifirTrade = {
  ...tradeEconomics('FO-EQ:M1', { counterparty: COUNTERPARTY, capacity: 'DEAL', accountType: 'PROPRIETARY', clientId: 'FIRM' }),
  venueTransactionId: 'XPAR778812',
  client: null,
  execution: null,
  trader: null,
};
const forClient = (o: Partial<MifirTrade>): MifirTrade => ({ ...trade, capacity: 'AOTC', accountType: 'CLIENT', clientId: 'CL-0003', ...o });
const bond = (o: Partial<MifirTrade>): MifirTrade => ({
  ...trade,
  instrumentType: 'BOND',
  priceType: 'PERCENT',
  price: '99.125',
  quantity: '100000',
  isin: 'FR0013341781',
  ...o,
});
const NEW = (transactionReference: string, t: MifirTrade): MifirReport => ({ kind: 'NEW', transactionReference, trade: t });
const NOW = new Date('2026-11-27T08:00:00Z');

/** An element as a plain tree: a leaf is its text (`{ '#': text, ...attrs }` when it has attributes), repeated names become arrays. */
function tree(e: XmlElement): unknown {
  if (e.children.length === 0) return Object.keys(e.attrs).length ? { '#': e.text, ...e.attrs } : e.text;
  const o: Record<string, unknown> = {};
  for (const c of e.children) {
    const v = tree(c);
    o[c.name] = c.name in o ? [...(Array.isArray(o[c.name]) ? (o[c.name] as unknown[]) : [o[c.name]]), v] : v;
  }
  return o;
}
const txsOf = (xml: string) => parseXml(xml).children[0]!.children.map((tx) => tree(tx) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
const newOf = (t: MifirTrade, ref = 'PST2026112600000001') => txsOf(auth016Xml([NEW(ref, t)], firm))[0]!.New;

/** Every variant the writer produces, each a valid report (checked below) and a document of its own. */
const VARIANTS: Record<string, MifirReport[]> = {
  'DEAL, firm buys from a legal entity on venue, electronic without trader (algorithm)': [NEW('PST2026112600000001', trade)],
  'DEAL sale with a named trader (CONCAT)': [
    NEW('PST2026112600000002', { ...trade, side: 'SELL', trader: TRADER_CONCAT, execution: traderAsPerson(TRADER_CONCAT, 'FR') }),
  ],
  'MTCH off venue (XOFF)': [NEW('PST2026112600000003', { ...trade, capacity: 'MTCH', venue: 'XOFF', venueTransactionId: null })],
  'AOTC for a natural-person client, buy, no trader (NORE)': [NEW('PST2026112600000004', forClient({ client: { person: JEAN } }))],
  'AOTC for a natural-person client, sale, with trader': [
    NEW('PST2026112600000005', forClient({ side: 'SELL', client: { person: JEAN }, trader: TRADER_CONCAT, execution: traderAsPerson(TRADER_CONCAT, 'FR') })),
  ],
  'AOTC for a legal-entity client': [NEW('PST2026112600000006', forClient({ clientId: CLIENT_LEI, client: clientOf(CLIENT_LEI, null) }))],
  'bond (nominal, PERCENT price) AOTC sale off venue': [
    NEW('PST2026112600000007', bond({ ...forClient({ side: 'SELL', client: { person: JEAN } }), venue: 'XOFF', venueTransactionId: null })),
  ],
  'bond DEAL on venue': [NEW('PST2026112600000008', bond({}))],
  'AOTC for a client identified by national id (NIDN) with a passport-identified trader (CCPT)': [
    NEW(
      'PST2026112600000009',
      forClient({
        client: { person: { ...JEAN, nationalId: 'BE80010112345', scheme: 'NIDN' } },
        execution: { person: { branchCountry: 'FR', nationalId: 'FR12AB34567', scheme: 'CCPT' } },
        trader: 'FR12AB34567',
      }),
    ),
  ],
  'a CANC': [{ kind: 'CANC', transactionReference: 'PST2026112600000001', originalTradeRef: 'FO-EQ:M1' }],
};
const SEVERAL = Object.values(VARIANTS).flat();

describe('MiFIR auth.016.001.03', () => {
  it('every variant, and all of them in one file, validate against the official schema', async () => {
    const docs = [...Object.values(VARIANTS).map((rs) => auth016Xml(rs, firm)), auth016Xml(SEVERAL, firm)];
    const checks = await validateAgainst('auth.016.001.03', docs);
    const names = [...Object.keys(VARIANTS), 'several reports in one file'];
    expect(checks.map((c, i) => ({ variant: names[i], valid: c.valid, problems: c.problems }))).toEqual(
      names.map((variant) => ({ variant, valid: true, problems: [] })),
    );
    expect(txsOf(docs[docs.length - 1]!)).toHaveLength(SEVERAL.length);
  });

  it('every variant passes the RTS 22 checks (so none of them is a report the service would hold back)', () => {
    for (const r of SEVERAL) expect(validateMifirReport(r, firm, NOW)).toEqual([]);
  });

  it('property: whatever passes the RTS 22 checks validates against the schema (200 generated reports, one xmllint run)', async () => {
    const decimalString = (intDigits: number, fraction: number) =>
      fc.tuple(fc.bigInt({ min: 1n, max: 10n ** BigInt(intDigits) - 1n }), fc.integer({ min: 0, max: fraction })).map(([n, scale]) => {
        const s = n.toString().padStart(scale + 1, '0');
        return scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
      });
    const generated = fc.record({
      side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
      capacity: fc.constantFrom('DEAL', 'MTCH', 'AOTC'),
      accountType: fc.constantFrom<'CLIENT' | 'PROPRIETARY'>('CLIENT', 'PROPRIETARY'),
      bondTrade: fc.boolean(),
      venue: fc.constantFrom('XPAR', 'XOFF', 'XNAS', 'XXXX'),
      venueTransactionId: fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,52}$/)),
      client: fc.constantFrom<MifirTrade['client']>({ person: JEAN }, { lei: CLIENT_LEI }),
      withTrader: fc.boolean(),
      executedAt: fc.constantFrom('2026-11-26T00:00:00+01:00', '2026-11-26T23:59:59.999999-05:00', '2026-11-26T10:15:02.1Z'),
      unitPrice: decimalString(5, 13),
      percentPrice: decimalString(3, 8),
      units: decimalString(18, 0),
      nominal: decimalString(13, 5),
    });
    const reports = fc.sample(generated, { numRuns: 200, seed: 20261126 }).map((g, i): MifirReport => {
      const t: MifirTrade = {
        ...trade,
        ...g,
        instrumentType: g.bondTrade ? 'BOND' : 'SHARE',
        priceType: g.bondTrade ? 'PERCENT' : 'UNIT',
        price: g.bondTrade ? g.percentPrice : g.unitPrice,
        quantity: g.bondTrade ? g.nominal : g.units,
        trader: g.withTrader ? TRADER_CONCAT : null,
        execution: g.withTrader ? traderAsPerson(TRADER_CONCAT, 'FR') : null,
      };
      return NEW(`PST20261126${String(i).padStart(8, '0')}`, t);
    });
    expect(reports.map((r) => validateMifirReport(r, firm, NOW)).filter((p) => p.length > 0)).toEqual([]);
    const checks = await validateAgainst(
      'auth.016.001.03',
      reports.map((r) => auth016Xml([r], firm)),
    );
    expect(checks.filter((c) => !c.valid)).toEqual([]);
  });

  it('negative control: the schema refuses what the old writer wrote (TradgVnTxId, no ExctgPrsn) and a client person without birth date', async () => {
    const good = auth016Xml([NEW('PST2026112600000001', trade)], firm);
    const oldField = good.replace(/<TradPlcMtchgId>(.*)<\/TradPlcMtchgId>/, '<TradgVnTxId>$1</TradgVnTxId>');
    const noExecutor = good.replace(/\s*<ExctgPrsn>[\s\S]*?<\/ExctgPrsn>/, '');
    const noBirth = auth016Xml([NEW('PST2026112600000004', forClient({ client: { person: JEAN } }))], firm).replace(/\s*<BirthDt>.*<\/BirthDt>/, '');
    const checks = await validateAgainst('auth.016.001.03', [oldField, noExecutor, noBirth]);
    expect(checks.map((c) => c.valid)).toEqual([false, false, false]);
    expect(checks[0]!.problems[0]!.message).toMatch(/TradgVnTxId.*not expected/);
    expect(checks[1]!.problems[0]!.message).toMatch(/AddtlAttrbts.*Expected is.*ExctgPrsn/);
    expect(checks[2]!.problems[0]!.message).toMatch(/Othr.*Expected is.*BirthDt/);
  });

  it('a NEW on venue, DEAL, electronic: every field read back', () => {
    const xml = auth016Xml([NEW('PST2026112600000001', trade)], firm);
    expect(parseXml(xml).ns).toBe('urn:iso:std:iso:20022:tech:xsd:auth.016.001.03');
    expect(newOf(trade)).toEqual({
      TxId: 'PST2026112600000001',
      ExctgPty: '969500UP76J52A9OXU27',
      InvstmtPtyInd: 'true',
      SubmitgPty: '969500UP76J52A9OXU27',
      Buyr: { AcctOwnr: { Id: { LEI: '969500UP76J52A9OXU27' } } }, // DEAL: the firm buys for itself
      Sellr: { AcctOwnr: { Id: { LEI: COUNTERPARTY } } },
      OrdrTrnsmssn: { TrnsmssnInd: 'false' },
      Tx: {
        TradDt: '2026-11-26T09:15:02.120Z',
        TradgCpcty: 'DEAL',
        Qty: { Unit: '150' },
        Pric: { Pric: { MntryVal: { Amt: { '#': '58.505', Ccy: 'EUR' } } } },
        TradVn: 'XPAR',
        CtryOfBrnch: 'FR',
        TradPlcMtchgId: 'XPAR778812', // field 3 on a trading venue
      },
      FinInstrm: { Id: 'FR0000120271' },
      InvstmtDcsnPrsn: { Algo: 'FO-EQ' }, // field 57: the firm decided, by the platform's algorithm
      ExctgPrsn: { Algo: 'FO-EQ' }, // field 59
      AddtlAttrbts: { SctiesFincgTxInd: 'false' },
    });
  });

  it('trading date time (field 28) in UTC with the precision stamped: worked examples', () => {
    expect(utcTimestamp('2026-12-03T10:15:30+01:00')).toBe('2026-12-03T09:15:30Z');
    expect(utcTimestamp('2026-12-03T00:15:30.123456+01:00')).toBe('2026-12-02T23:15:30.123456Z'); // the day before in UTC, microseconds kept
    expect(utcTimestamp('2026-07-01T17:35:00.5-0400')).toBe('2026-07-01T21:35:00.5Z');
    expect(utcTimestamp('2026-12-03T09:15:30Z')).toBe('2026-12-03T09:15:30Z');
    expect(newOf({ ...trade, executedAt: '2026-11-26T10:15:30+01:00' }).Tx.TradDt).toBe('2026-11-26T09:15:30Z');
  });

  it('property: the UTC time written is the same instant as the one stamped, with its fraction', () => {
    const offsets = fc
      .integer({ min: -12 * 60, max: 14 * 60 })
      .map((m) => `${m < 0 ? '-' : '+'}${String(Math.floor(Math.abs(m) / 60)).padStart(2, '0')}:${String(Math.abs(m) % 60).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        offsets,
        fc.stringMatching(/^(\.\d{1,6})?$/),
        (d, zone, fraction) => {
          const local = `${d.toISOString().slice(0, 19)}${fraction}${zone}`;
          const utc = utcTimestamp(local);
          expect(utc.endsWith(`${fraction}Z`)).toBe(true);
          expect(Date.parse(utc.replace(fraction, ''))).toBe(Date.parse(`${d.toISOString().slice(0, 19)}${zone}`));
        },
      ),
    );
  });

  it('AOTC for a natural-person client: the client buys, identified by first name, name, birth date and CONCAT; execution NORE', () => {
    const n = newOf(forClient({ client: { person: JEAN } }));
    expect(n.Buyr).toEqual({
      AcctOwnr: {
        Id: { Prsn: { FrstNm: 'Jean', Nm: 'Dupont', BirthDt: '1980-01-01', Othr: { Id: 'FR19800101JEAN#DUPON', SchmeNm: { Prtry: 'CONCAT' } } } },
        CtryOfBrnch: 'FR',
      },
    });
    expect(n.Sellr).toEqual({ AcctOwnr: { Id: { LEI: COUNTERPARTY } } });
    expect(n.InvstmtDcsnPrsn).toBeUndefined(); // the client decided
    expect(n.ExctgPrsn).toEqual({ Clnt: 'NORE' });
  });

  it('a sale for a client with a named trader: the client sells, the trader executed (field 59), short selling not known (UNDI)', () => {
    const n = newOf(forClient({ side: 'SELL', client: { person: JEAN }, trader: TRADER_CONCAT, execution: traderAsPerson(TRADER_CONCAT, 'FR') }));
    expect(n.Sellr.AcctOwnr.Id.Prsn.Othr.Id).toBe('FR19800101JEAN#DUPON');
    expect(n.Buyr.AcctOwnr.Id.LEI).toBe(COUNTERPARTY);
    expect(n.ExctgPrsn).toEqual({ Prsn: { CtryOfBrnch: 'FR', Othr: { Id: TRADER_CONCAT, SchmeNm: { Prtry: 'CONCAT' } } } });
    expect(n.InvstmtDcsnPrsn).toBeUndefined();
    expect(n.AddtlAttrbts).toEqual({ ShrtSellgInd: 'UNDI', SctiesFincgTxInd: 'false' });
  });

  it('a legal-entity client is named by its LEI; MTCH names the firm, off venue with no venue transaction id', () => {
    expect(newOf(forClient({ clientId: CLIENT_LEI, client: clientOf(CLIENT_LEI, null) })).Buyr).toEqual({
      AcctOwnr: { Id: { LEI: CLIENT_LEI }, CtryOfBrnch: 'FR' },
    });
    const m = newOf({ ...trade, capacity: 'MTCH', venue: 'XOFF' }); // an id given off venue is not written
    expect([m.Buyr.AcctOwnr.Id.LEI, m.Tx.TradgCpcty, m.Tx.TradVn, m.Tx.TradPlcMtchgId, m.InvstmtDcsnPrsn, m.ExctgPrsn]).toEqual([
      firm.lei,
      'MTCH',
      'XOFF',
      undefined,
      undefined,
      { Algo: 'FO-EQ' },
    ]);
  });

  it('a bond: nominal in the currency and a percentage price; decimals written as plain decimals', () => {
    const n = newOf(bond({ price: '99.1250', quantity: '100000.00' }));
    expect(n.Tx.Qty).toEqual({ NmnlVal: { '#': '100000', Ccy: 'EUR' } });
    expect(n.Tx.Pric).toEqual({ Pric: { Pctg: '99.125' } });
    expect(newOf({ ...trade, price: '0.0000001', quantity: '1e3' }).Tx).toMatchObject({
      Qty: { Unit: '1000' },
      Pric: { Pric: { MntryVal: { Amt: { '#': '0.0000001' } } } },
    });
  });

  it('a CANC names only the reference it cancels', () => {
    expect(txsOf(auth016Xml([{ kind: 'CANC', transactionReference: 'PST2026112600000001', originalTradeRef: 'FO-EQ:M1' }], firm))).toEqual([
      { Cxl: { TxId: 'PST2026112600000001', ExctgPty: '969500UP76J52A9OXU27', SubmitgPty: '969500UP76J52A9OXU27' } },
    ]);
  });

  it('execution within the firm by capacity and input: person, algorithm, NORE, or nobody (held back)', () => {
    expect(executionWithinFirm({ ...trade, capacity: 'AOTC' })).toEqual({ client: true });
    expect(executionWithinFirm({ ...trade, capacity: 'MTCH' })).toEqual({ algorithm: 'FO-EQ' });
    expect(executionWithinFirm({ ...trade, origin: 'MANUAL' })).toBeNull();
    expect(executionWithinFirm({ ...trade, capacity: 'AOTC', trader: 'Zoë Lefèvre — desk actions' })).toBeNull();
    expect(traderAsPerson('Zoë Lefèvre — desk actions', 'FR')).toBeNull();
    expect(traderAsPerson(TRADER_CONCAT, 'FR')).toEqual({ person: { branchCountry: 'FR', nationalId: TRADER_CONCAT, scheme: 'CONCAT' } });
    expect(clientOf('CL-0003', null)).toBeNull();
    expect(clientOf('CL-0003', JEAN)).toEqual({ person: JEAN });
  });

  it('a client without natural-person data, or a trader named without a national id, is an exception listed with the reason', () => {
    expect(validateMifirReport(NEW('PST1', forClient({ client: null })), firm, NOW)).toEqual([
      {
        field: 'Buyr',
        value: 'CL-0003',
        rule: 'the client is identified by its LEI, or as a natural person by first name, name, birth date and national id (none in the referential)',
      },
    ]);
    expect(validateMifirReport(NEW('PST1', { ...trade, trader: 'Zoë Lefèvre — desk actions' }), firm, NOW)).toEqual([
      {
        field: 'ExctgPrsn',
        value: 'Zoë Lefèvre — desk actions',
        rule: 'the trader who executed, identified by a national id (NIDN, CCPT or CONCAT), not by a name or desk code',
      },
    ]);
    expect(validateMifirReport(NEW('PST1', { ...trade, origin: 'MANUAL' }), firm, NOW).map((p) => p.field)).toEqual(['ExctgPrsn']);
    const partial = { ...JEAN, firstName: ' ', birthDate: '1980-02-30', nationalId: 'FR1980JEAN' };
    expect(validateMifirReport(NEW('PST1', forClient({ side: 'SELL', client: { person: partial } })), firm, NOW).map((p) => p.field)).toEqual([
      'Sellr/FrstNm',
      'Sellr/BirthDt',
      'Sellr/Othr/Id',
    ]);
    expect(() => auth016Xml([NEW('PST1', forClient({ client: null }))], firm)).toThrow(/client CL-0003 is not identified/);
  });

  it('figures the schema cannot hold are problems before filing, never rounded', () => {
    const problems = validateMifirReport(NEW('PST1', { ...trade, price: '1.12345678901234', quantity: '1234567890123456789' }), firm, NOW);
    expect(problems).toEqual([
      { field: 'Pric', value: '1.12345678901234', rule: 'at most 13 decimals and 18 digits (auth.016)' },
      { field: 'Qty', value: '1234567890123456789', rule: 'at most 17 decimals and 18 digits (auth.016)' },
    ]);
    expect(validateMifirReport(NEW('PST1', bond({ quantity: '1000.123456' })), firm, NOW).map((p) => p.field)).toEqual(['Qty']);
  });

  it('a valid report has no problem', () => {
    expect(validateMifirReport(NEW('PST20261126000001', trade), firm, NOW)).toEqual([]);
  });

  it('every broken rule is named: LEIs, ISIN, MIC, price, quantity, capacity, trading date time', () => {
    const bad: MifirTrade = {
      ...trade,
      counterparty: '529900T8BM49AURSDO56',
      isin: 'FR0000120272',
      venue: 'paris',
      price: '0',
      quantity: '-5',
      capacity: 'PRIN',
      executedAt: '2026-11-28T10:00:00',
    };
    const problems = validateMifirReport(NEW('PST-1', bad), { ...firm, lei: '969500UP76J52A9OXU28' }, NOW);
    expect(problems.map((p) => p.field)).toEqual(['ExctgPty', 'TxId', 'Buyr/Sellr', 'FinInstrm/Id', 'TradVn', 'Pric', 'Qty', 'TradgCpcty', 'TradDt']);
    expect(problems.find((p) => p.field === 'TradVn')).toEqual({ field: 'TradVn', value: 'paris', rule: 'an ISO 10383 MIC (XOFF off venue)' });
    const future = validateMifirReport(NEW('PST1', { ...trade, executedAt: '2026-11-28T10:00:00+01:00', tradeDate: '2026-11-28' }), firm, NOW);
    expect(future).toEqual([{ field: 'TradDt', value: '2026-11-28T10:00:00+01:00', rule: 'not in the future' }]);
    const otherDay = validateMifirReport(NEW('PST1', { ...trade, executedAt: '2026-11-25T17:40:00.000+01:00' }), firm, NOW);
    expect(otherDay).toEqual([{ field: 'TradDt', value: '2026-11-25T17:40:00.000+01:00', rule: 'on the trade date 2026-11-26' }]);
  });
});
