import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics, type EventEnvelope, type TradeEconomics } from '@postera/contracts';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { captured, closeDay, confirmed, ev, fileOf, instruction, publishTo, readReporting, trade, validated } from './reporting-fixtures.js';

// The activity report of a day whose counts are known, filed at the close as JSON, CSV and a PDF
// with charts (read back with pdf.js: its text, and the filled rectangles of the bars).
jest.setTimeout(240_000);

const D = '2026-11-26';
const STANDARD_FONTS = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts');
const TTE = 'FR0000120271';
const LVMH = 'FR0000121014';
const t = (ref: string, o: Partial<TradeEconomics>): TradeEconomics => {
  const base = trade(ref, o);
  const g = (Number(base.quantity) * Number(base.price)).toFixed(2); // small exact test figures
  return { ...base, grossAmount: g, netAmount: g };
};

// The day's trades: 5 (A6 is cancelled). 3 straight through, 1 maker-checker, 1 not validated; 3 confirmed.
const A1 = t('FO-EQ:A1', { quantity: '100', price: '58.50' }); // XPAR CLI-0001 5,850.00
const A2 = t('FO-EQ:A2', { account: 'CLI-0002', quantity: '50', price: '58.00' }); // XPAR CLI-0002 2,900.00
const A3 = t('FO-EQ:A3', { isin: LVMH, quantity: '20', price: '600.00' }); // XPAR CLI-0001 12,000.00
const A4 = t('FO-EQ:A4', { venue: 'XOFF', account: 'PROP-1', capacity: 'DEAL', quantity: '10', price: '58.10' }); // 581.00
const A5 = t('FO-EQ:A5', { venue: 'CEUX', account: 'CLI-0002', isin: LVMH, quantity: '5', price: '601.00' }); // 3,005.00
const A6 = t('FO-EQ:A6', { quantity: '1' });
// Due on the day (traded 24 Nov): 3 settled on time, 1 failing (LACK). Older fails: 20 Nov (CLAC, 6 days), 25 Nov (LACK, 1 day).
const due = (ref: string) => t(ref, { tradeDate: '2026-11-24', executedAt: '2026-11-24T11:00:00.000+01:00', settlementDate: D });
const [B1, B2, B3, B4] = ['FO-EQ:B1', 'FO-EQ:B2', 'FO-EQ:B3', 'FO-EQ:B4'].map(due) as [TradeEconomics, TradeEconomics, TradeEconomics, TradeEconomics];
const C1 = t('FO-EQ:C1', { tradeDate: '2026-11-18', executedAt: '2026-11-18T11:00:00.000+01:00', settlementDate: '2026-11-20' });
const C2 = t('FO-EQ:C2', { tradeDate: '2026-11-21', executedAt: '2026-11-21T11:00:00.000+01:00', settlementDate: '2026-11-25' });

const penalty = (id: string, tr: TradeEconomics, direction: string, amount: string, penaltyDate = D) =>
  ev(
    'PenaltyAccrued',
    tr.tradeRef,
    {
      penaltyId: id, instructionId: `ins-${tr.tradeId}`, tradeRef: tr.tradeRef, kind: 'SEFP', direction, penaltyDate, isin: tr.isin, counterparty: tr.counterparty,
      account: tr.account, book: tr.book, basisQuantity: tr.quantity, referencePrice: tr.price, rate: '0.0001', amount, currency: 'EUR',
    },
    'settlement',
  );

const EXPECTED = {
  businessDate: D,
  volumes: {
    byInstrument: [
      { key: TTE, currency: 'EUR', trades: 3, grossAmount: '9331.00' },
      { key: LVMH, currency: 'EUR', trades: 2, grossAmount: '15005.00' },
    ],
    byVenue: [
      { key: 'CEUX', currency: 'EUR', trades: 1, grossAmount: '3005.00' },
      { key: 'XOFF', currency: 'EUR', trades: 1, grossAmount: '581.00' },
      { key: 'XPAR', currency: 'EUR', trades: 3, grossAmount: '20750.00' },
    ],
    byAccount: [
      { key: 'CLI-0001', currency: 'EUR', trades: 2, grossAmount: '17850.00' },
      { key: 'CLI-0002', currency: 'EUR', trades: 2, grossAmount: '5905.00' },
      { key: 'PROP-1', currency: 'EUR', trades: 1, grossAmount: '581.00' },
    ],
  },
  stp: { trades: 5, straightThrough: 3, rate: '0.6000' },
  confirmation: { trades: 5, confirmed: 3, rate: '0.6000' },
  settlementEfficiency: { due: 4, settledOnTime: 3, rate: '0.7500' },
  fails: {
    total: 3,
    byReason: [
      { reason: 'CLAC', count: 1 },
      { reason: 'LACK', count: 2 },
    ],
    byAge: [
      { bucket: '0', count: 1 },
      { bucket: '1', count: 1 },
      { bucket: '2-5', count: 0 },
      { bucket: '6-10', count: 1 },
      { bucket: '>10', count: 0 },
    ],
  },
  penalties: [
    { direction: 'PAYABLE', currency: 'EUR', count: 2, amount: '13.00' },
    { direction: 'RECEIVABLE', currency: 'EUR', count: 1, amount: '5.85' },
  ],
  fxResults: { available: false, reason: expect.stringContaining('not available') },
  reconciliationBreaks: { available: false, reason: expect.stringContaining('not available') },
};

describe('the activity report of a day with known counts', () => {
  let env: E2eEnv;
  const sent: EventEnvelope[] = [];
  const publish = async (topic: string, ...events: EventEnvelope[]) => {
    sent.push(...events);
    await publishTo(env, topic, ...events);
  };

  beforeAll(async () => {
    env = await e2eEnv('reporting-activity', { basePort: 5210, smtpUrl: 'smtp://127.0.0.1:1', services: ['reporting'] });
    await env.stack.startAll();
    await publish(
      Topics.tradeEvents,
      captured(A1), confirmed(A1), validated(A1),
      captured(A2), confirmed(A2), validated(A2),
      captured(A3), confirmed(A3), validated(A3),
      captured(A4), validated(A4, 'MAKER_CHECKER'),
      captured(A5),
      captured(A6), ev('TradeCancelled', A6.tradeRef, { trade: A6, cancelVersion: 2, status: 'CANCELLED' }),
      ...[B1, B2, B3, B4, C1, C2].flatMap((x) => [captured(x), confirmed(x), validated(x)]),
    );
    await publish(
      Topics.settlementEvents,
      instruction(B1, 'SETTLED'), instruction(B2, 'SETTLED'), instruction(B3, 'SETTLED'),
      instruction(B4, 'FAILING', { reason: 'LACK' }), instruction(C1, 'FAILING', { reason: 'CLAC' }), instruction(C2, 'FAILING', { reason: 'LACK' }),
      penalty('p1', C1, 'RECEIVABLE', '5.85'), penalty('p2', C2, 'PAYABLE', '12.30'), penalty('p3', C2, 'PAYABLE', '0.70'), penalty('p0', C2, 'PAYABLE', '99.00', '2026-11-25'),
    );
    await closeDay(env, D);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('the JSON through the API and the filed JSON have the figures of the day', async () => {
    const live = await readReporting(env, `/activity-report?businessDate=${D}`);
    expect(live).toEqual(EXPECTED);
    expect(JSON.parse((await fileOf(env, 'ACTIVITY', D, '.json')).toString('utf8'))).toEqual(EXPECTED);
  });

  it('each consumer takes only the events it reads: the others are skipped without a transaction', async () => {
    const inbox = async (consumer: string, type: string) =>
      (
        await env.db.query(`SELECT count(*)::int AS n FROM reporting.inbox WHERE consumer_id = $1 AND message_id = ANY($2::text[])`, [
          consumer,
          sent.filter((e) => e.type === type).map((e) => e.eventId),
        ])
      ).rows[0].n as number;
    // 9 confirmations (A1–A3, B1–B4, C1, C2): the activity counts them, the records have nothing to do with them.
    expect(await inbox('reporting.activity', 'TradeConfirmed')).toBe(9);
    expect(await inbox('reporting.records', 'TradeConfirmed')).toBe(0);
    // 4 penalties: the records keep them, the activity does not read them.
    expect(await inbox('reporting.records', 'PenaltyAccrued')).toBe(4);
    expect(await inbox('reporting.activity', 'PenaltyAccrued')).toBe(0);
    // What both read, both took: the 12 captures (A1–A6, B1–B4, C1, C2).
    expect(await inbox('reporting.activity', 'TradeCaptured')).toBe(12);
    expect(await inbox('reporting.records', 'TradeCaptured')).toBe(12);
  });

  it('the CSV has one row per figure', async () => {
    const rows = (await fileOf(env, 'ACTIVITY', D, '.csv')).toString('utf8').split('\r\n');
    expect(rows).toEqual(
      expect.arrayContaining([
        'section;key;currency;count;value',
        'volume_by_venue;XPAR;EUR;3;20750.00',
        'volume_by_account;PROP-1;EUR;1;581.00',
        'stp_rate;straight_through/trades;;3/5;0.6000',
        'confirmation_rate;confirmed/trades;;3/5;0.6000',
        'settlement_efficiency;settled_on_time/due;;3/4;0.7500',
        'fails_by_reason;LACK;;2;',
        'fails_by_age_days;6-10;;1;',
        'penalties;PAYABLE;EUR;2;13.00',
      ]),
    );
    expect(rows.find((r) => r.startsWith('fx_results;'))).toMatch(/^fx_results;not available;;;not available: accounting publishes no FX result/);
  });

  it('the PDF opens, says its figures and draws its charts', async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const pdf = await fileOf(env, 'ACTIVITY', D, '.pdf');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl: `${STANDARD_FONTS}/` }).promise;
    expect(doc.numPages).toBe(2);
    const page = await doc.getPage(1);
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('\n');
    for (const s of [
      'activity report 2026-11-26',
      'STP rate: 60.00 % (3 straight through)',
      'Confirmation rate: 60.00 % (3 confirmed)',
      'Settlement efficiency: 75.00 % (3 settled on time of 4 due)',
      'Chart 1 — rates',
      'Chart 2 — trades by venue',
      'Chart 3 — fails by reason',
      'Chart 4 — fails by age (days)',
      'XPAR EUR',
      '3 trades, 20750.00',
    ])
      expect(text).toContain(s);
    // The bars: one filled rectangle each — 3 rates, 3 venues, 2 reasons, 5 age buckets.
    const ops = await page.getOperatorList();
    const fills = ops.fnArray.filter((fn) => fn === pdfjs.OPS.fill || fn === pdfjs.OPS.eoFill).length;
    const paths = ops.fnArray.filter((fn) => fn === pdfjs.OPS.constructPath).length;
    expect(fills + paths).toBeGreaterThanOrEqual(13);
    // The same in the (uncompressed) content stream: `x y w h re` then a fill.
    const rectangles = pdf.toString('latin1').match(/^[\d.]+ [\d.]+ [\d.]+ 14 re$/gm) ?? [];
    expect(rectangles).toHaveLength(13);
  });
});
