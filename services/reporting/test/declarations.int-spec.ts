/* eslint-disable @typescript-eslint/no-explicit-any -- XML and JSON read back as untyped trees */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics, type EventEnvelope, type TradeEconomics } from '@postera/contracts';
import { validateAgainst } from '@postera/iso20022';
import { consumeAll, instrumentUpserted, produceRaw, waitFor } from '@postera/testing';
import { XMLParser } from 'fast-xml-parser';
import { createHash } from 'node:crypto';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import { PEOPLE } from '@postera/devstack';
import {
  callReporting,
  captured,
  closeDay,
  ev,
  fileOf,
  instruction,
  LEI_DE,
  LEI_FR,
  LEI_US,
  publishTo,
  readReporting,
  trade,
  validated,
} from './reporting-fixtures.js';

// Reporting as a built process on the real broker and database, fed with hand-built events: the
// MiFIR auth.016 reports of each close (new, amended = cancel + new, cancelled), the November TTF
// declaration and Banque de France reports filed at the first close of December, a correction
// through the HTTP API, and the database refusing to change a filed report.
jest.setTimeout(300_000);

const TTE = 'FR0000120271';
const LVMH = 'FR0000121014';
const APPLE = 'US0378331005';
const gross = (q: string, p: string) => (Number(q) * Number(p)).toFixed(2); // test figures only: small exact values
const t = (ref: string, o: Partial<TradeEconomics>): TradeEconomics => {
  const base = trade(ref, o);
  const g = gross(base.quantity, base.price);
  return { ...base, grossAmount: g, netAmount: g };
};

const T1 = t('FO-EQ:D1', { quantity: '100', price: '58.50' });
const T2 = t('FO-EQ:D2', { isin: LVMH, quantity: '20', price: '600.00', counterparty: LEI_FR });
const T3 = t('FO-EQ:D3', { isin: LVMH, side: 'SELL', quantity: '5', price: '610.00', counterparty: LEI_US });
const T4 = t('FO-EQ:D4', {
  account: 'PROP-MM',
  clientId: 'FIRM',
  accountType: 'PROPRIETARY',
  book: 'MM-EQ',
  capacity: 'DEAL',
  quantity: '1000',
  price: '58.00',
});
const T5 = t('FO-US:D5', {
  isin: APPLE,
  currency: 'USD',
  quantity: '10',
  price: '230.00',
  counterparty: LEI_US,
  venue: 'XNAS',
  account: 'CLI-0002',
  clientId: 'CL-0002',
});
const T6 = t('FO-EQ:D6', { account: 'CLI-0002', clientId: 'CL-0002', quantity: '50', price: '58.00', counterparty: LEI_FR });
const T6v2 = { ...T6, version: 2, quantity: '40', grossAmount: '2320.00', netAmount: '2320.00' };
const T7 = t('FO-EQ:D7', { quantity: '10' });
// Executed the day before its trade date: fails the trading-date-time check, never filed.
const T8 = t('FO-EQ:D8', { executedAt: '2026-11-25T17:40:00.000+01:00' });
// For a client the referential knows no natural-person data of: an exception, never filed (never settled here).
const T9 = t('FO-EQ:D9', { account: 'CLI-0009', clientId: 'CL-0009', quantity: '7' });
// The natural persons of the client accounts, as the referential publishes them (MiFIR buyer/seller).
const JEAN = { firstName: 'Jean', name: 'Dupont', birthDate: '1980-01-01', nationalId: 'FR19800101JEAN#DUPON', scheme: 'CONCAT' };
const ANNA = { firstName: 'Anna', name: 'Peeters', birthDate: '1975-06-30', nationalId: 'BE75063012345', scheme: 'NIDN' };
const account = (id: string, clientId: string, naturalPerson: unknown) => ({
  account: id,
  clientId,
  clientName: clientId,
  accountType: 'CLIENT',
  book: 'CLIENT-EQ',
  language: 'fr',
  email: null,
  baseCurrency: 'EUR',
  accountingCategory: 'PLACEMENT',
  costMethod: 'CMP',
  contacts: [],
  netting: false,
  naturalPerson,
  version: 1,
});

const xml = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (_n, jpath) => ['Document.FinInstrmRptgTxRpt.Tx', 'BalanceOfPaymentsReport.Settlement', 'SecuritiesHoldingsReport.Holding'].includes(String(jpath)),
});

describe('declarations on the real broker and database', () => {
  let env: E2eEnv;
  let url: string;

  beforeAll(async () => {
    env = await e2eEnv('reporting-declarations', {
      basePort: 5200,
      smtpUrl: 'smtp://127.0.0.1:1',
      services: ['reporting'],
      env: { TTF_MARKET_MAKING_BOOKS: 'MM-EQ', TTF_MEMBER_CODE: 'EF0420', BDF_DECLARANT_ID: 'BDF-POSTERA' },
    });
    await env.stack.startAll();
    url = env.stack.url('reporting');
    const ref = (type: string, key: string, payload: unknown) => ev(type, key, payload);
    await publishTo(
      env,
      Topics.refdataInstruments,
      instrumentUpserted(TTE, 'TotalEnergies', { ttfScopeYears: [2025, 2026] }),
      instrumentUpserted(LVMH, 'LVMH'),
      instrumentUpserted(APPLE, 'Apple', { currency: 'USD', issuerCountry: 'US', settlementMarket: 'US', placeOfSettlement: 'DTCYUS33XXX', ttfScopeYears: [] }),
    );
    await publishTo(
      env,
      Topics.refdataParties,
      ref('PartyUpserted', LEI_DE, { lei: LEI_DE, name: 'Deutsche CP', country: 'DE', bic: null, version: 1 }),
      ref('PartyUpserted', LEI_FR, { lei: LEI_FR, name: 'France CP', country: 'FR', bic: null, version: 1 }),
      ref('PartyUpserted', LEI_US, { lei: LEI_US, name: 'US Broker', country: 'US', bic: null, version: 1 }),
    );
    await publishTo(
      env,
      Topics.refdataAccounts,
      ref('AccountUpserted', 'CLI-0001', account('CLI-0001', 'CL-0001', JEAN)),
      ref('AccountUpserted', 'CLI-0002', account('CLI-0002', 'CL-0002', ANNA)),
      ref('AccountUpserted', 'CLI-0009', account('CLI-0009', 'CL-0009', null)),
    );
  });

  afterAll(async () => {
    await env?.teardown();
  });

  // Every file filed is checked against the official auth.016.001.03 schema before it is read back.
  const mifirTx = async (date: string) => {
    const doc = (await fileOf(env, 'MIFIR', date, '.xml')).toString('utf8');
    const [check] = await validateAgainst('auth.016.001.03', [doc]);
    expect(check).toEqual({ valid: true, problems: [] });
    return xml.parse(doc).Document.FinInstrmRptgTxRpt.Tx as Array<Record<string, any>>;
  };
  const references = async () =>
    (await env.db.query(`SELECT trade_ref, trade_version, kind, transaction_reference, status FROM reporting.mifir_reports ORDER BY report_id`)).rows as Array<{
      trade_ref: string;
      trade_version: number;
      kind: string;
      transaction_reference: string;
      status: string;
    }>;

  it('files one NEW auth.016 report per trade at the close, and holds back the one that breaks a rule', async () => {
    await publishTo(env, Topics.tradeEvents, ...[T1, T2, T3, T4, T5, T6, T7, T8, T9].flatMap((x) => [captured(x), validated(x)]));
    await closeDay(env, '2026-11-26');
    const txs = await mifirTx('2026-11-26');
    expect(txs).toHaveLength(7);
    const refs = await references();
    const ref = (tradeRef: string, kind = 'NEW', version = 1) =>
      refs.find((r) => r.trade_ref === tradeRef && r.kind === kind && r.trade_version === version)!.transaction_reference;
    expect(ref(T1.tradeRef)).toMatch(/^PST20261126\d{8}$/);

    const n1 = txs.find((x) => x.New.TxId === ref(T1.tradeRef))!.New;
    expect(n1.ExctgPty).toBe('969500POSTERAFR00003');
    expect(n1.SubmitgPty).toBe('969500POSTERAFR00003');
    // AOTC for a client: the client buys, as the natural person the referential has for its account.
    expect(n1.Buyr.AcctOwnr).toEqual({
      Id: { Prsn: { FrstNm: 'Jean', Nm: 'Dupont', BirthDt: '1980-01-01', Othr: { Id: 'FR19800101JEAN#DUPON', SchmeNm: { Prtry: 'CONCAT' } } } },
      CtryOfBrnch: 'FR',
    });
    expect(n1.ExctgPrsn).toEqual({ Clnt: 'NORE' }); // no trader named: the client's order decided
    expect(n1.Sellr.AcctOwnr.Id.LEI).toBe(LEI_DE);
    expect(n1.Tx).toEqual({
      TradDt: '2026-11-26T09:15:02.120Z',
      TradgCpcty: 'AOTC',
      Qty: { Unit: '100' },
      Pric: { Pric: { MntryVal: { Amt: { '#text': '58.5', '@_Ccy': 'EUR' } } } },
      TradVn: 'XPAR',
      CtryOfBrnch: 'FR',
    });
    expect(n1.FinInstrm.Id).toBe(TTE);
    const n4 = txs.find((x) => x.New.TxId === ref(T4.tradeRef))!.New;
    expect([n4.Buyr.AcctOwnr.Id.LEI, n4.Sellr.AcctOwnr.Id.LEI, n4.Tx.TradgCpcty]).toEqual(['969500POSTERAFR00003', LEI_DE, 'DEAL']);
    // DEAL arrived electronically with no trader: the platform's algorithm decided and executed.
    expect([n4.InvstmtDcsnPrsn, n4.ExctgPrsn]).toEqual([{ Algo: 'FO-EQ' }, { Algo: 'FO-EQ' }]);
    const n3 = txs.find((x) => x.New.TxId === ref(T3.tradeRef))!.New;
    expect([n3.Buyr.AcctOwnr.Id.LEI, n3.Sellr.AcctOwnr.Id.Prsn.Othr.Id, n3.AddtlAttrbts.ShrtSellgInd]).toEqual([LEI_US, 'FR19800101JEAN#DUPON', 'UNDI']);
    const n5 = txs.find((x) => x.New.TxId === ref(T5.tradeRef))!.New;
    expect(n5.Buyr.AcctOwnr.Id.Prsn.Othr).toEqual({ Id: 'BE75063012345', SchmeNm: { Cd: 'NIDN' } });

    const invalid = await readReporting(env, '/mifir/reports?status=INVALID');
    expect(invalid).toEqual([
      expect.objectContaining({
        tradeRef: T8.tradeRef,
        kind: 'NEW',
        problems: [{ field: 'TradDt', value: '2026-11-25T17:40:00.000+01:00', rule: 'on the trade date 2026-11-26' }],
      }),
      expect.objectContaining({
        tradeRef: T9.tradeRef,
        kind: 'NEW',
        problems: [
          {
            field: 'Buyr',
            value: 'CL-0009',
            rule: 'the client is identified by its LEI, or as a natural person by first name, name, birth date and national id (none in the referential)',
          },
        ],
      }),
    ]);
  });

  it('an amendment is a cancel of the reference in force and a new reference; a cancellation is a cancel; no reference is reused', async () => {
    await publishTo(
      env,
      Topics.tradeEvents,
      ev('TradeAmended', T6.tradeRef, { before: T6, after: T6v2, status: 'CAPTURED' }),
      validated(T6v2),
      ev('TradeCancelled', T7.tradeRef, { trade: T7, cancelVersion: 2, status: 'CANCELLED' }),
    );
    await closeDay(env, '2026-11-27');
    const refs = await references();
    const of = (tradeRef: string, kind: string, version: number) =>
      refs.find((r) => r.trade_ref === tradeRef && r.kind === kind && r.trade_version === version)!;
    const txs = await mifirTx('2026-11-27');
    const cancelT6 = { Cxl: { TxId: of(T6.tradeRef, 'NEW', 1).transaction_reference, ExctgPty: '969500POSTERAFR00003', SubmitgPty: '969500POSTERAFR00003' } };
    const cancelT7 = { Cxl: { TxId: of(T7.tradeRef, 'NEW', 1).transaction_reference, ExctgPty: '969500POSTERAFR00003', SubmitgPty: '969500POSTERAFR00003' } };
    expect(txs).toHaveLength(3);
    expect(txs).toEqual(expect.arrayContaining([cancelT6, cancelT7]));
    // The two trades are on different partitions (no order between them); within T6, the cancel comes before the new.
    const newT6 = txs.findIndex((x) => x.New?.TxId === of(T6.tradeRef, 'NEW', 2).transaction_reference);
    expect(newT6).toBeGreaterThan(txs.findIndex((x) => x.Cxl?.TxId === cancelT6.Cxl.TxId));
    expect(txs[newT6]!.New.Tx.Qty).toEqual({ Unit: '40' });
    expect(of(T6.tradeRef, 'NEW', 2).transaction_reference).not.toBe(of(T6.tradeRef, 'NEW', 1).transaction_reference);
    const news = refs.filter((r) => r.kind === 'NEW').map((r) => r.transaction_reference);
    expect(new Set(news).size).toBe(news.length);
    // The cancel reports repeat exactly the references they cancel, nothing else.
    expect(
      refs
        .filter((r) => r.kind === 'CANC')
        .map((r) => [r.trade_ref, r.transaction_reference, r.status])
        .sort(),
    ).toEqual([
      [T6.tradeRef, of(T6.tradeRef, 'NEW', 1).transaction_reference, 'FILED'],
      [T7.tradeRef, of(T7.tradeRef, 'NEW', 1).transaction_reference, 'FILED'],
    ]);
    // A filed report never changes.
    await expect(env.db.query(`UPDATE reporting.mifir_reports SET transaction_reference = 'X' WHERE status = 'FILED'`)).rejects.toThrow(/immutable/);
  });

  it('at the close of November’s last business day the November declarations are filed; the first close of December corrects what reached reporting after it', async () => {
    const runs = async () =>
      (
        await env.db.query(
          `SELECT kind, version, filed_by AS "filedBy", changes FROM reporting.report_runs WHERE kind IN ('TTF', 'BDF_BOP', 'BDF_HOLDINGS') ORDER BY kind, version`,
        )
      ).rows as Array<{
        kind: string;
        version: number;
        filedBy: string;
        changes: { files: Array<{ name: string }>; values: Array<{ path: string; before?: unknown; after?: unknown }> } | null;
      }>;
    // Filing November is refused while it runs, and while its last business day (Mon 30 Nov) is open.
    const early = await callReporting(env, PEOPLE.operator, 'POST', '/reports/runs', { kind: 'BDF_BOP', period: '2026-11' });
    expect([early.status, ((await early.json()) as { message: string }).message]).toEqual([
      422,
      '2026-11 has not ended: it ends with the close of 2026-11-30, and the business day is 2026-11-27 (closed); a test run ({ testRun: true }) is computed and never filed',
    ]);
    expect((await callReporting(env, PEOPLE.operator, 'POST', '/reports/runs', { kind: 'TTF', period: '2027-03' })).status).toBe(422);
    // A test run of the month computes it, any day, and files nothing.
    const test = await callReporting(env, PEOPLE.operator, 'POST', '/reports/runs', { kind: 'TTF', period: '2026-11', testRun: true });
    const tested = (await test.json()) as {
      testRun: boolean;
      filed: boolean;
      runs: Array<{ runId: null; version: null; files: Array<{ name: string; contentBase64: string }> }>;
    };
    expect([test.status, tested.testRun, tested.filed, tested.runs[0]!.runId, tested.runs[0]!.version]).toEqual([201, true, false, null, null]);
    expect(tested.runs[0]!.files.map((f) => f.name)).toEqual(['ttf-2026-11.csv', 'ttf-2026-11.json', 'ttf-2026-11.txt']);
    expect(await runs()).toEqual([]);

    // The Apple purchase settles after the close of 30 Nov (the CSD settles at the close): it is not in the first version.
    await publishTo(env, Topics.settlementEvents, ...[T1, T2, T3, T4, T6v2].map((x) => instruction(x, 'SETTLED')));
    await closeDay(env, '2026-11-30');
    expect((await runs()).map((r) => [r.kind, r.version, r.filedBy, r.changes])).toEqual([
      ['BDF_BOP', 1, 'system', null],
      ['BDF_HOLDINGS', 1, 'system', null],
      ['TTF', 1, 'system', null],
    ]);
    await publishTo(env, Topics.settlementEvents, instruction(T5, 'SETTLED'));
    await closeDay(env, '2026-12-01');
    // Each declaration the settlement changes is corrected, saying what changed.
    const after = await runs();
    expect(after.map((r) => [r.kind, r.version])).toEqual([
      ['BDF_BOP', 1],
      ['BDF_BOP', 2],
      ['BDF_HOLDINGS', 1],
      ['BDF_HOLDINGS', 2],
      ['TTF', 1],
      ['TTF', 2],
    ]);
    // The TTF: Apple now settled in November, out of its scope — one exclusion more, no tax changed.
    expect(after.find((r) => r.kind === 'TTF' && r.version === 2)!.changes!.values).toEqual([
      { path: 'summary.excluded', before: 0, after: 1 },
      { path: 'ttf-2026-11.json.excluded', before: [] },
      { path: `ttf-2026-11.json.excluded[isin=${APPLE}].isin`, after: APPLE },
      { path: `ttf-2026-11.json.excluded[isin=${APPLE}].reason`, after: 'not on the 2026 TTF list' },
      { path: `ttf-2026-11.json.excluded[isin=${APPLE}].tradeRef`, after: 'FO-US:D5' },
    ]);
    // The balance of payments: one purchase from a non-resident more, its row known by what it is, not its place.
    const row = 'bdf-bop-2026-11.json.items[country=US|currency=USD|direction=BUY|instrumentType=SHARE]';
    expect(after.find((r) => r.kind === 'BDF_BOP' && r.version === 2)!.changes!.values).toEqual([
      { path: `${row}.amount`, after: '2300.00' },
      { path: `${row}.count`, after: 1 },
      { path: `${row}.country`, after: 'US' },
      { path: `${row}.currency`, after: 'USD' },
      { path: `${row}.direction`, after: 'BUY' },
      { path: `${row}.instrumentType`, after: 'SHARE' },
      { path: 'summary.items', before: 2, after: 3 },
    ]);
    const holdingsFix = after.find((r) => r.kind === 'BDF_HOLDINGS' && r.version === 2)!.changes!;
    expect(holdingsFix.files.map((f) => f.name)).toEqual(['bdf-holdings-2026-11.json', 'bdf-holdings-2026-11.xml']);
    expect(holdingsFix.values.filter((v) => v.path.includes(APPLE) && v.path.endsWith('.quantity'))).toEqual([
      { path: `bdf-holdings-2026-11.json.holdings[isin=${APPLE}].quantity`, after: '10' },
    ]);
    expect(holdingsFix.values.find((v) => v.path === 'summary.isins')).toEqual({ path: 'summary.isins', before: 2, after: 3 });

    // TTF: CL-0001 100 TTE × 58.50 = 5,850.00 → 23.40; LVMH bought 20 × 600.00, sold 5 → 15 × 600.00 = 9,000.00 → 36.00;
    // CL-0002 40 TTE × 58.00 = 2,320.00 → 9.28 (the amended version); PROP-MM market making: exempt; Apple: out of scope.
    const csv = (await fileOf(env, 'TTF', '2026-11-01', '.csv')).toString('utf8').split('\r\n');
    expect(csv).toEqual([
      'record;member_code;payer;account;isin;trade_date;settlement_date;reference;net_quantity;average_price;base_eur;rate;tax_eur;exemption;trade_refs',
      'LINE;EF0420;CL-0001;CLI-0001;FR0000120271;2026-11-26;2026-11-30;CLI-0001/FR0000120271/2026-11-30;100;58.50000000;5850.00;0.004;23.40;;FO-EQ:D1',
      'LINE;EF0420;CL-0001;CLI-0001;FR0000121014;2026-11-26;2026-11-30;CLI-0001/FR0000121014/2026-11-30;15;600.00000000;9000.00;0.004;36.00;;FO-EQ:D2|FO-EQ:D3',
      'LINE;EF0420;CL-0002;CLI-0002;FR0000120271;2026-11-26;2026-11-30;CLI-0002/FR0000120271/2026-11-30;40;58.00000000;2320.00;0.004;9.28;;FO-EQ:D6',
      'LINE;EF0420;FIRM;PROP-MM;FR0000120271;2026-11-26;2026-11-30;PROP-MM/FR0000120271/2026-11-30/MARKET_MAKING;1000;58.00000000;58000.00;0.004;0.00;MARKET_MAKING;FO-EQ:D4',
      'TOTAL;EF0420;CL-0001;;;;;;;;;;59.00;;',
      'TOTAL;EF0420;CL-0002;;;;;;;;;;9.00;;',
      'TOTAL;EF0420;FIRM;;;;;;;;;;0.00;;',
      '',
    ]);
    const text = (await fileOf(env, 'TTF', '2026-11-01', '.txt', 2)).toString('utf8');
    expect(text).toContain('Total due: 68.00 EUR');
    expect(text).toContain('FO-US:D5 US0378331005: not on the 2026 TTF list');

    // Accounting's TTF payable: one TtfAssessed per taxable line; the correction assesses each line again, superseding the first.
    const assessments = (await consumeAll(physicalTopic(env.prefix, Topics.reportingEvents), { expected: 1, settleMs: 1500 }))
      .map((m) => JSON.parse(m.value))
      .filter((e) => e.type === 'TtfAssessed');
    const events = assessments.filter((e) => !e.payload.supersedes);
    const amounts = (list: typeof assessments) => list.map((e) => `${e.payload.account} ${e.payload.isin} ${e.payload.amount}`).sort();
    expect(amounts(assessments.filter((e) => e.payload.supersedes))).toEqual(amounts(events));
    expect(
      events
        .map((e) => [
          e.payload.account,
          e.payload.book,
          // Who is charged, as the trades carried it (accounting books it without its own copy of the referential).
          e.payload.accountType,
          e.payload.clientId,
          e.payload.isin,
          e.payload.tradeDate,
          e.payload.base,
          e.payload.rate,
          e.payload.amount,
          e.payload.currency,
          e.payload.supersedes,
        ])
        .sort(),
    ).toEqual([
      ['CLI-0001', 'CLIENT-EQ', 'CLIENT', 'CL-0001', TTE, '2026-11-26', '5850.00', '0.004', '23.40', 'EUR', null],
      ['CLI-0001', 'CLIENT-EQ', 'CLIENT', 'CL-0001', LVMH, '2026-11-26', '9000.00', '0.004', '36.00', 'EUR', null],
      ['CLI-0002', 'CLIENT-EQ', 'CLIENT', 'CL-0002', TTE, '2026-11-26', '2320.00', '0.004', '9.28', 'EUR', null],
    ]);

    // Banque de France, balance of payments: the non-resident settlements of November.
    const bop = xml.parse((await fileOf(env, 'BDF_BOP', '2026-11-01', '.xml', 2)).toString('utf8')).BalanceOfPaymentsReport;
    expect(bop.Header).toEqual({ Declarant: 'BDF-POSTERA', Period: '2026-11' });
    expect(bop.Settlement).toEqual([
      { CounterpartyCountry: 'DE', InstrumentType: 'SHARE', Currency: 'EUR', Direction: 'PURCHASE_FROM_NON_RESIDENT', Amount: '63850.00', Count: '2' },
      { CounterpartyCountry: 'US', InstrumentType: 'SHARE', Currency: 'EUR', Direction: 'SALE_TO_NON_RESIDENT', Amount: '3050.00', Count: '1' },
      { CounterpartyCountry: 'US', InstrumentType: 'SHARE', Currency: 'USD', Direction: 'PURCHASE_FROM_NON_RESIDENT', Amount: '2300.00', Count: '1' },
    ]);
    // Holdings at 30 Nov: TTE 100 + 1,000 + 40; LVMH 20 − 5; Apple 10.
    const holdings = xml.parse((await fileOf(env, 'BDF_HOLDINGS', '2026-11-01', '.xml', 2)).toString('utf8')).SecuritiesHoldingsReport;
    expect(holdings.Header).toEqual({ Declarant: 'BDF-POSTERA', ReportingDate: '2026-11-30' });
    expect(holdings.Holding).toEqual([
      { ISIN: TTE, IssuerCountry: 'FR', InstrumentType: 'SHARE', Currency: 'EUR', Quantity: { '#text': '1140', '@_type': 'UNITS' } },
      { ISIN: LVMH, IssuerCountry: 'FR', InstrumentType: 'SHARE', Currency: 'EUR', Quantity: { '#text': '15', '@_type': 'UNITS' } },
      { ISIN: APPLE, IssuerCountry: 'US', InstrumentType: 'SHARE', Currency: 'USD', Quantity: { '#text': '10', '@_type': 'UNITS' } },
    ]);
  });

  it('a correction is a new version that names the one it replaces; files download with their checksum; filed rows refuse UPDATE and DELETE', async () => {
    const ttfRuns = async () => Number((await env.db.query(`SELECT count(*) AS n FROM reporting.report_runs WHERE kind = 'TTF'`)).rows[0].n);
    const filedBefore = await ttfRuns();
    const body = JSON.stringify({ kind: 'TTF', period: '2026-11' });
    const post = (headers: Record<string, string>) =>
      fetch(`${url}/reports/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    // Who may call: a token the gateway signed for reporting and this request, from a person who may file.
    expect((await post({})).status).toBe(401);
    expect((await post(await env.stack.gatewayKey.headers('settlement', 'POST', `${url}/reports/runs`, PEOPLE.operator))).status).toBe(401);
    expect((await post(await env.stack.as(PEOPLE.operator, 'POST', `${url}/reports/runs/other`))).status).toBe(401);
    expect((await callReporting(env, PEOPLE.auditor, 'POST', '/reports/runs', { kind: 'TTF', period: '2026-11' })).status).toBe(403);
    expect((await callReporting(env, PEOPLE.admin, 'POST', '/reports/runs', { kind: 'TTF', period: '2026-11' })).status).toBe(403);
    expect((await post(await env.stack.as(PEOPLE.supervisor, 'POST', `${url}/reports/runs`, { maker: PEOPLE.supervisor }))).status).toBe(403);
    expect(await ttfRuns()).toBe(filedBefore);
    expect((await callReporting(env, PEOPLE.operator, 'POST', '/reports/runs', { kind: 'TTF', period: 'November' })).status).toBe(400);
    const res = await callReporting(env, PEOPLE.operator, 'POST', '/reports/runs', { kind: 'TTF', period: '2026-11' });
    expect(res.status).toBe(201);
    expect(await ttfRuns()).toBe(filedBefore + 1);
    const { runs } = (await res.json()) as { runs: Array<Record<string, any>> };
    const v2 = ((await readReporting(env, '/reports/runs?kind=TTF&period=2026-11-01')) as Array<Record<string, any>>).find((r) => r.version === 2)!;
    expect(runs[0]).toMatchObject({
      kind: 'TTF',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      version: 3,
      replaces: v2.runId,
      // Filed again with nothing new: a correction that changes no byte says so.
      changes: { files: [], values: [], more: 0 },
      filedBy: PEOPLE.operator.id,
      inputsFrom: '2026-11-01',
      inputsTo: '2026-11-30',
    });
    expect(v2).toMatchObject({ filedBy: 'system', replacedBy: runs[0]!.runId });

    const run = runs[0]!;
    const manifest = (run.files as Array<{ name: string; sha256: string }>).map((f) => `${f.sha256}  ${f.name}\n`).join('');
    expect(run.checksumSha256).toBe(createHash('sha256').update(manifest).digest('hex'));
    const download = await callReporting(env, PEOPLE.auditor, 'GET', `/reports/runs/${run.runId}/files/ttf-2026-11.csv`);
    expect(download.headers.get('content-type')).toContain('text/csv');
    const csv = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(csv).digest('hex')).toBe(
      (run.files as Array<{ name: string; sha256: string }>).find((f) => f.name === 'ttf-2026-11.csv')!.sha256,
    );
    expect(download.headers.get('x-content-sha256')).toBe(createHash('sha256').update(csv).digest('hex'));

    // The correction's assessments supersede the first version's, line by line.
    const assessed = (await consumeAll(physicalTopic(env.prefix, Topics.reportingEvents), { expected: 1, settleMs: 1500 }))
      .map((m) => JSON.parse(m.value))
      .filter((e) => e.type === 'TtfAssessed');
    // Three taxable lines, assessed by each of the three versions; each later assessment supersedes one of the version before.
    expect(assessed).toHaveLength(9);
    const superseded = assessed.map((e) => e.payload.supersedes).filter((x) => x);
    expect(superseded).toHaveLength(6);
    expect(superseded.every((id) => assessed.some((e) => e.payload.assessmentId === id))).toBe(true);
    expect(new Set(superseded).size).toBe(6);

    await expect(env.db.query(`UPDATE reporting.report_runs SET filed_by = 'mallory' WHERE run_id = $1`, [run.runId])).rejects.toThrow(/immutable/);
    await expect(env.db.query(`DELETE FROM reporting.report_files WHERE run_id = $1`, [run.runId])).rejects.toThrow(/immutable/);
    await expect(env.db.query(`TRUNCATE reporting.report_files`)).rejects.toThrow(/immutable/);
    const summary = (await readReporting(env, '/summary', PEOPLE.admin)) as { declarations: unknown };
    expect(summary.declarations).toEqual({
      runsFiled: { TTF: 3, BDF_BOP: 2, BDF_HOLDINGS: 2, MIFIR: 2, ACTIVITY: 4 },
      mifirReports: { FILED: 10, PENDING: 0, INVALID: 2, NOT_NEEDED: 0 },
    });
  });

  it('the filed runs page newest first and the MiFIR reports oldest first with `after`: every row once, in order; a bad limit or cursor is refused', async () => {
    // Walks a list a page at a time, each page starting after the last row of the one before.
    const walk = async (path: string, limit: number, id: (row: Record<string, any>) => string) => {
      const seen: Array<Record<string, any>> = [];
      const sizes: number[] = [];
      for (let after: string | undefined, i = 0; i < 100; i++) {
        const query = `${path.includes('?') ? '&' : '?'}limit=${limit}${after ? `&after=${after}` : ''}`;
        const page = (await readReporting(env, `${path}${query}`)) as Array<Record<string, any>>;
        sizes.push(page.length);
        seen.push(...page);
        if (page.length < limit) break;
        after = id(page.at(-1)!);
      }
      return { ids: seen.map(id), rows: seen, sizes };
    };
    const runIds = async (where = 'true') =>
      (await env.db.query(`SELECT run_id FROM reporting.report_runs WHERE ${where} ORDER BY filed_at DESC, version DESC, run_id DESC`)).rows.map(
        (r: { run_id: string }) => r.run_id,
      );

    // The runs of one close share their filing instant, most of them their version too: the run id orders those, across the pages' edges.
    const filed = await runIds();
    const instants = await env.db.query(`SELECT max(n)::int AS together FROM (SELECT count(*) AS n FROM reporting.report_runs GROUP BY filed_at) x`);
    const [{ together }] = instants.rows as [{ together: number }];
    expect(filed).toHaveLength(13);
    expect(together).toBeGreaterThanOrEqual(3);
    const runs = await walk('/reports/runs', 2, (r) => r.runId);
    expect(runs.sizes).toEqual([2, 2, 2, 2, 2, 2, 1]);
    expect(runs.ids).toEqual(filed);
    // Without a limit, one page as before: all of them, in the same order and as each run reads on its own (less its files).
    const whole = (await readReporting(env, '/reports/runs')) as Array<Record<string, any>>;
    expect(whole).toEqual(runs.rows);
    for (const run of whole) {
      const { files: _files, ...one } = (await readReporting(env, `/reports/runs/${run.runId}`)) as Record<string, any>;
      expect(run).toEqual(one);
    }
    // The filters hold on every page: TTF's three versions of November, newest first.
    const ttf = await walk('/reports/runs?kind=TTF&period=2026-11-01', 1, (r) => r.runId);
    expect(ttf.rows.map((r) => r.version)).toEqual([3, 2, 1]);
    expect(ttf.ids).toEqual(await runIds(`kind = 'TTF'`));

    const made = await env.db.query(`SELECT report_id::text AS id, status FROM reporting.mifir_reports ORDER BY report_id`);
    const reports = made.rows as Array<{ id: string; status: string }>;
    expect(reports).toHaveLength(12);
    // Twelve reports by four: the fourth page is empty, after a report that exists — the end of the list, not an error.
    const mifir = await walk('/mifir/reports', 4, (r) => r.reportId);
    expect(mifir.sizes).toEqual([4, 4, 4, 0]);
    expect(mifir.ids).toEqual(reports.map((r) => r.id));
    const filedOnly = await walk('/mifir/reports?status=FILED', 3, (r) => r.reportId);
    expect(filedOnly.sizes).toEqual([3, 3, 3, 1]);
    expect(filedOnly.ids).toEqual(reports.filter((r) => r.status === 'FILED').map((r) => r.id));

    const status = async (path: string) => (await callReporting(env, PEOPLE.auditor, 'GET', path)).status;
    expect(await status('/reports/runs?limit=0')).toBe(400);
    expect(await status('/reports/runs?limit=1001')).toBe(400);
    expect(await status('/reports/runs?after=not-a-run')).toBe(400);
    expect(await status('/reports/runs?after=00000000-0000-4000-8000-000000000000')).toBe(404);
    expect(await status('/mifir/reports?limit=0')).toBe(400);
    expect(await status('/mifir/reports?after=0')).toBe(400);
    expect(await status('/mifir/reports?after=PST2026112600000001')).toBe(400);
    expect(await status('/mifir/reports?after=999999999')).toBe(404);
    const unknown = await callReporting(env, PEOPLE.auditor, 'GET', '/reports/runs?after=00000000-0000-4000-8000-000000000000');
    expect(((await unknown.json()) as { message: string }).message).toBe('after: no report run 00000000-0000-4000-8000-000000000000');
  });

  // Last: December trades that no close of this file files. One produce to one partition is one record
  // batch, so one fetch and one transaction of the trade lifecycle consumer (every row the records projection writes shares its xmin).
  it('one batch of captures, validations, an amendment and a cancellation gives the rows that message-by-message gave', async () => {
    const december = { tradeDate: '2026-12-02', settlementDate: '2026-12-04', executedAt: '2026-12-02T10:15:02.120+01:00' };
    const A = t('FO-EQ:B1', { ...december, quantity: '100', price: '58.50' });
    const B = t('FO-EQ:B2', { ...december, quantity: '50', price: '58.00' });
    const Bv2 = { ...B, version: 2, quantity: '40', grossAmount: '2320.00', netAmount: '2320.00' };
    const C = t('FO-EQ:B3', { ...december, quantity: '10' });
    const oneBatch = async (topic: string, ...events: EventEnvelope[]) => {
      await produceRaw(
        env.prefix,
        topic,
        events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e), partition: 0 })),
      );
      await waitFor(() => groupCaughtUp(`${env.prefix}.reporting.trade-lifecycle`, physicalTopic(env.prefix, topic)), {
        timeoutMs: 30_000,
        what: `the trade lifecycle consumer to consume ${topic}`,
      });
    };
    await oneBatch(
      Topics.tradeEvents,
      captured(A),
      validated(A, 'MAKER_CHECKER'),
      captured(B),
      ev('TradeAmended', B.tradeRef, { before: B, after: Bv2, status: 'CAPTURED' }),
      validated(Bv2),
      captured(C),
      ev('TradeCancelled', C.tradeRef, { trade: C, cancelVersion: 2, status: 'CANCELLED' }),
    );
    const refs = [A, B, C].map((x) => x.tradeRef);

    const trades = (
      await env.db.query(
        `SELECT trade_ref, version, economics, cancelled, xmin::text AS tx FROM reporting.trades WHERE trade_ref = ANY($1) ORDER BY trade_ref`,
        [refs],
      )
    ).rows as Array<{ trade_ref: string; version: number; economics: TradeEconomics; cancelled: boolean; tx: string }>;
    expect(trades.map((r) => [r.trade_ref, r.version, r.cancelled])).toEqual([
      [A.tradeRef, 1, false],
      [B.tradeRef, 2, false],
      [C.tradeRef, 1, true],
    ]);
    // How each trade was validated is in the activity's dated history, which the activity report counts from.
    const validations = await env.db.query(
      `SELECT trade_ref, validated_how FROM reporting.activity_trade_events WHERE kind = 'VALIDATED' AND trade_ref = ANY($1) ORDER BY trade_ref`,
      [refs],
    );
    expect(validations.rows).toEqual([
      { trade_ref: A.tradeRef, validated_how: 'MAKER_CHECKER' },
      { trade_ref: B.tradeRef, validated_how: 'STRAIGHT_THROUGH' },
    ]);
    expect(trades.map((r) => r.economics)).toEqual([A, Bv2, C]);

    const reports = (
      await env.db.query(
        `SELECT trade_ref, trade_version, kind, transaction_reference, trade, xmin::text AS tx FROM reporting.mifir_reports WHERE trade_ref = ANY($1) ORDER BY report_id`,
        [refs],
      )
    ).rows as Array<{ trade_ref: string; trade_version: number; kind: string; transaction_reference: string; trade: TradeEconomics | null; tx: string }>;
    expect(reports.map((r) => [r.trade_ref, r.trade_version, r.kind])).toEqual([
      [A.tradeRef, 1, 'NEW'],
      [B.tradeRef, 1, 'NEW'],
      [B.tradeRef, 1, 'CANC'],
      [B.tradeRef, 2, 'NEW'],
      [C.tradeRef, 1, 'NEW'],
      [C.tradeRef, 1, 'CANC'],
    ]);
    expect(reports.map((r) => r.trade)).toEqual([A, B, null, Bv2, C, null]);
    const [newA, newB1, cancB1, newB2, newC, cancC] = reports.map((r) => r.transaction_reference);
    // Each CANC repeats the reference of the NEW it cancels; the NEW references are fresh and drawn in message order.
    expect(cancB1).toBe(newB1);
    expect(cancC).toBe(newC);
    const news = [newA!, newB1!, newB2!, newC!];
    for (const r of news) expect(r).toMatch(/^PST20261202\d{8}$/);
    const drawn = news.map((r) => Number(r.slice(-8)));
    expect(drawn).toEqual([...drawn].sort((x, y) => x - y));
    expect(new Set(drawn).size).toBe(4);
    expect(new Set([...trades, ...reports].map((r) => r.tx)).size).toBe(1);

    // Settlement steps travel on their own topic: one batch there, two steps of one instruction.
    const partial = instruction(A, 'PARTIALLY_SETTLED', { settledQuantity: '40', settledAmount: '2340.00', stepQuantity: '40', stepAmount: '2340.00' });
    const rest = instruction(A, 'SETTLED', { stepQuantity: '60', stepAmount: '3510.00', effectiveSettlementDate: '2026-12-07' });
    await oneBatch(Topics.settlementEvents, partial, rest);
    const steps = (
      await env.db.query(
        `SELECT event_id, trade_ref, side, quantity::text, amount::text, to_char(intended_settlement_date, 'YYYY-MM-DD') AS intended,
           to_char(effective_settlement_date, 'YYYY-MM-DD') AS effective, xmin::text AS tx
         FROM reporting.settlement_steps WHERE trade_ref = $1 ORDER BY quantity`,
        [A.tradeRef],
      )
    ).rows as Array<Record<string, string>>;
    expect(steps.map(({ tx: _tx, ...s }) => s)).toEqual([
      { event_id: partial.eventId, trade_ref: A.tradeRef, side: 'BUY', quantity: '40', amount: '2340.00', intended: '2026-12-04', effective: '2026-12-04' },
      { event_id: rest.eventId, trade_ref: A.tradeRef, side: 'BUY', quantity: '60', amount: '3510.00', intended: '2026-12-04', effective: '2026-12-07' },
    ]);
    expect(steps[0]!.tx).toBe(steps[1]!.tx);
  });
});
