import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  envelope,
  Topics,
  type EventEnvelope,
  type ExecutionOutcome,
  type IntakeExceptionRaisedV1,
  type NotificationSentV1,
  type ReconciliationKind,
  type TradeEconomics,
} from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import { deterministicId } from '@postera/kernel';
import { businessDay, instrumentUpserted, produceRaw, waitFor } from '@postera/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import {
  callReporting,
  captured,
  closeDay,
  confirmed,
  ev,
  fileOf,
  instruction,
  LEI_DE,
  parkOnDlq,
  publishTo,
  readReporting,
  trade,
  validated,
} from './reporting-fixtures.js';

// The activity report of a day whose figures are known, as of that day: filed at the close, then filed
// again after facts of the next day arrived — the same files, byte for byte. The PDFs are read back with
// poppler's pdftotext (key figures on page 1).
jest.setTimeout(240_000);

const D = '2026-11-26'; // a Thursday
const NEXT = '2026-11-27';
const TTE = 'FR0000120271';
const LVMH = 'FR0000121014';
const t = (ref: string, o: Partial<TradeEconomics>): TradeEconomics => {
  const base = trade(ref, o);
  const g = (Number(base.quantity) * Number(base.price)).toFixed(2); // small exact test figures
  return { ...base, grossAmount: g, netAmount: g };
};

// Traded on D: 6 captured, A6 cancelled the same day. Validated on D: A1–A3 straight through, A4 by a
// maker and a checker; A5 neither confirmed nor validated. Confirmed on D: A1–A3.
const A1 = t('FO-EQ:A1', { quantity: '100', price: '58.50' }); // XPAR CLI-0001 5,850.00
const A2 = t('FO-EQ:A2', { account: 'CLI-0002', quantity: '50', price: '58.00' }); // XPAR CLI-0002 2,900.00
const A3 = t('FO-EQ:A3', { isin: LVMH, quantity: '20', price: '600.00' }); // XPAR CLI-0001 12,000.00
const A4 = t('FO-EQ:A4', { venue: 'XOFF', account: 'PROP-1', capacity: 'DEAL', quantity: '10', price: '58.10' }); // 581.00
const A5 = t('FO-EQ:A5', { venue: 'CEUX', account: 'CLI-0002', isin: LVMH, quantity: '5', price: '601.00' }); // 3,005.00
const A6 = t('FO-EQ:A6', { quantity: '1' });
// Captured, confirmed, validated and instructed on 24 Nov. B1–B4 due on D (5,850.00 each): B1–B3 settle on D,
// B4 fails (LACK). C1 due 20 Nov fails (CLAC), C2 due 25 Nov fails (LACK).
const due = (ref: string) => t(ref, { tradeDate: '2026-11-24', executedAt: '2026-11-24T11:00:00.000+01:00', settlementDate: D });
const [B1, B2, B3, B4] = ['FO-EQ:B1', 'FO-EQ:B2', 'FO-EQ:B3', 'FO-EQ:B4'].map(due) as [TradeEconomics, TradeEconomics, TradeEconomics, TradeEconomics];
const C1 = t('FO-EQ:C1', { tradeDate: '2026-11-18', executedAt: '2026-11-18T11:00:00.000+01:00', settlementDate: '2026-11-20' });
const C2 = t('FO-EQ:C2', { tradeDate: '2026-11-20', executedAt: '2026-11-20T11:00:00.000+01:00', settlementDate: '2026-11-25' });
// The next day: E1 traded and failing on its intended date (LACK).
const E1 = t('FO-EQ:E1', { tradeDate: NEXT, executedAt: '2026-11-27T10:00:00.000+01:00', settlementDate: NEXT });

const penalty = (id: string, tr: TradeEconomics, direction: string, amount: string, penaltyDate = D) =>
  ev(
    'PenaltyAccrued',
    tr.tradeRef,
    {
      penaltyId: id,
      instructionId: `ins-${tr.tradeId}`,
      tradeRef: tr.tradeRef,
      kind: 'SEFP',
      direction,
      penaltyDate,
      isin: tr.isin,
      counterparty: tr.counterparty,
      account: tr.account,
      book: tr.book,
      basisQuantity: tr.quantity,
      referencePrice: tr.price,
      rate: '0.0001',
      amount,
      currency: 'EUR',
    },
    'settlement',
  );
// One NotificationSent per notification accepted by its channel (notification.events.v1).
const sent = (tr: TradeEconomics, kind: NotificationSentV1['kind'], channel: NotificationSentV1['channel'] = 'EMAIL') => {
  const notificationId = `n-${kind}-${channel}-${tr.tradeId}`;
  return envelope({
    eventId: deterministicId('NotificationSent', notificationId),
    type: 'NotificationSent',
    producer: 'notification',
    correlationId: tr.tradeRef,
    causationId: null,
    payload: {
      notificationId,
      kind,
      tradeRef: tr.tradeRef,
      account: tr.account,
      channel,
      language: 'fr',
      messageId: `<${notificationId}@postera>`,
      attempts: 1,
    },
  });
};
// An FX revaluation as accounting announces it: a gain credits 766000, a loss debits 666000 (2 lines, total = |result|).
const fxEntry = (book: string, currency: string, accountingDate: string, result: string) => {
  const entryId = deterministicId('fx-entry', book, currency, accountingDate);
  const tradeRef = `FX:${book}:${currency}`;
  return envelope({
    eventId: entryId,
    type: 'JournalEntryPosted',
    producer: 'accounting',
    correlationId: tradeRef,
    causationId: null,
    payload: { entryId, tradeRef, kind: 'FX_REVALUATION', accountingDate, currency: 'EUR', total: result.replace('-', ''), lines: 2, result },
  });
};
// Capture's intake as capture announces it (capture.intake.v1): one ExecutionsReceived per consumer
// batch of trades.executed.v1, its records counted by outcome (id from the batch's first receipt), one
// IntakeExceptionRaised per exception held; dated by capture's business day.
const executionsReceived = (firstMessageId: string, outcomes: Partial<Record<ExecutionOutcome, number>>, businessDate: string, offsets: [number, number]) => {
  const records = Object.values(outcomes).reduce((a, n) => a + n, 0);
  return envelope({
    eventId: deterministicId('ExecutionsReceived', Topics.tradesExecuted, firstMessageId, '1'),
    type: 'ExecutionsReceived',
    producer: 'capture',
    correlationId: firstMessageId,
    causationId: firstMessageId,
    payload: {
      businessDate,
      receivedAt: `${businessDate}T09:00:00.000Z`,
      outcomes,
      records,
      first: `trades.executed.v1/0/${offsets[0]}`,
      last: `trades.executed.v1/0/${offsets[1]}`,
    },
  });
};
const exceptionRaised = (
  exceptionId: string,
  kind: IntakeExceptionRaisedV1['kind'],
  reasons: IntakeExceptionRaisedV1['reasons'],
  businessDate: string,
  sourceTopic: string = Topics.tradesExecuted,
) =>
  envelope({
    eventId: deterministicId('IntakeExceptionRaised', exceptionId),
    type: 'IntakeExceptionRaised',
    producer: 'capture',
    correlationId: `msg-${exceptionId}`,
    causationId: `msg-${exceptionId}`,
    payload: {
      exceptionId,
      messageId: `msg-${exceptionId}`,
      sourceTopic,
      kind,
      reasons,
      tradeRef: null,
      businessDate,
      receivedAt: `${businessDate}T09:00:00.000Z`,
    },
  });
// A reconciliation break's life as accounting announces it (accounting.events.v1).
const breakOpened = (breakId: string, kind: ReconciliationKind, openedOn: string) =>
  envelope({
    eventId: deterministicId('ReconciliationBreakOpened', breakId),
    type: 'ReconciliationBreakOpened',
    producer: 'accounting',
    correlationId: `RECON:${kind}:CLI-0001`,
    causationId: `run-${openedOn}`,
    payload: { breakId, runId: `run-${openedOn}`, kind, subject: 'CLI-0001', item: TTE, field: 'quantity', openedOn },
  });
const breakClosed = (breakId: string, kind: ReconciliationKind, openedOn: string, closedOn: string, closedBy: 'RUN' | 'RESOLVED' = 'RUN') =>
  envelope({
    eventId: deterministicId('ReconciliationBreakClosed', breakId),
    type: 'ReconciliationBreakClosed',
    producer: 'accounting',
    correlationId: `RECON:${kind}:CLI-0001`,
    causationId: `run-${closedOn}`,
    payload: {
      breakId,
      closedBy,
      runId: closedBy === 'RUN' ? `run-${closedOn}` : null,
      kind,
      subject: 'CLI-0001',
      item: TTE,
      field: 'quantity',
      openedOn,
      closedOn,
    },
  });
const openDay = (businessDate: string) => businessDay('BusinessDayOpened', businessDate);
const instrument = (isin: string, name: string) => instrumentUpserted(isin, name);

function pdfText(pdf: Buffer, first: number, last: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'activity-int-'));
  writeFileSync(join(dir, 'r.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', String(first), '-l', String(last), join(dir, 'r.pdf'), '-'], { encoding: 'utf8' })
    .replaceAll('\u00a0', ' ')
    .replace(/[ ]+/g, ' ');
}

describe('the activity report of a day with known figures, as of that day', () => {
  let env: E2eEnv;
  const open = async (businessDate: string) => {
    await produceRaw(env.prefix, Topics.businessDay, [{ key: 'TARGET', value: JSON.stringify(openDay(businessDate)) }]);
    await waitFor(
      async () =>
        (await env.db.query(`SELECT 1 FROM reporting.business_day WHERE calendar = 'TARGET' AND business_date = $1 AND status = 'OPEN'`, [businessDate]))
          .rowCount === 1,
      { timeoutMs: 30_000, what: `reporting to open ${businessDate}` },
    );
  };
  const publish = (topic: string, ...events: EventEnvelope[]) => publishTo(env, topic, ...events);
  const files = async (version: number) => ({
    json: await fileOf(env, 'ACTIVITY', D, '.json', version),
    csv: await fileOf(env, 'ACTIVITY', D, '.csv', version),
    fr: await fileOf(env, 'ACTIVITY', D, '.fr.pdf', version),
    en: await fileOf(env, 'ACTIVITY', D, '.en.pdf', version),
  });
  let filedAtClose: Awaited<ReturnType<typeof files>>;

  beforeAll(async () => {
    env = await e2eEnv('reporting-activity', { basePort: 5210, smtpUrl: 'smtp://127.0.0.1:1', services: ['reporting'] });
    await env.stack.startAll();
    await publish(Topics.refdataInstruments, instrument(TTE, 'TotalEnergies SE'), instrument(LVMH, 'LVMH Moët Hennessy Louis Vuitton'));
    await publish(Topics.refdataParties, ev('PartyUpserted', LEI_DE, { lei: LEI_DE, name: 'Deutsche CP', country: 'DE', bic: null, version: 1 }));

    await open('2026-11-24');
    await publish(Topics.tradeEvents, ...[B1, B2, B3, B4, C1, C2].flatMap((x) => [captured(x), confirmed(x), validated(x)]));
    await publish(Topics.settlementEvents, ...[B1, B2, B3, B4, C1, C2].map((x) => instruction(x, 'SENT')));
    // B1 and B2's avis on their trade date (deadline 25 Nov).
    await publish(Topics.notificationEvents, sent(B1, 'AVIS_OPERE'), sent(B2, 'AVIS_OPERE'));
    await publish(Topics.accountingEvents, fxEntry('BOOK-1', 'USD', '2026-11-24', '10.00'));
    // 24 Nov's reconciliations: a HOLDINGS break and a PNL break open.
    await publish(Topics.accountingEvents, breakOpened('brk-h1', 'HOLDINGS', '2026-11-24'), breakOpened('brk-p1', 'PNL', '2026-11-24'));

    await open(D);
    await publish(
      Topics.tradeEvents,
      captured(A1),
      confirmed(A1),
      validated(A1),
      captured(A2),
      confirmed(A2),
      validated(A2),
      captured(A3),
      confirmed(A3),
      validated(A3),
      captured(A4),
      validated(A4, 'MAKER_CHECKER'),
      captured(A5),
      captured(A6),
      ev('TradeCancelled', A6.tradeRef, { trade: A6, cancelVersion: 2, status: 'CANCELLED' }),
    );
    await publish(
      Topics.settlementEvents,
      instruction(B1, 'SETTLED'),
      instruction(B2, 'SETTLED'),
      instruction(B3, 'SETTLED'),
      instruction(B4, 'FAILING', { reason: 'LACK' }),
      instruction(C1, 'FAILING', { reason: 'CLAC' }),
      instruction(C2, 'FAILING', { reason: 'LACK' }),
      penalty('p1', C1, 'RECEIVABLE', '5.85'),
      penalty('p2', C2, 'PAYABLE', '12.30'),
      penalty('p3', C2, 'PAYABLE', '0.70'),
      penalty('p0', C1, 'PAYABLE', '99.00', '2026-11-25'),
    );
    // Avis sent on D: A1 and A2 (traded on D, on time); B3's (traded 24 Nov, deadline 25 Nov: late), to
    // two recipients and redelivered, counted once; a settlement confirmation is not an avis.
    const b3Mail = sent(B3, 'AVIS_OPERE');
    await publish(
      Topics.notificationEvents,
      sent(A1, 'AVIS_OPERE'),
      sent(A2, 'AVIS_OPERE', 'WEBHOOK'),
      b3Mail,
      sent(B3, 'AVIS_OPERE', 'WEBHOOK'),
      b3Mail,
      sent(B1, 'SETTLEMENT_CONFIRMATION'),
    );
    // D's close revalues two positions: a loss of 120.40 on USD, a gain of 35.10 on GBP (the USD one redelivered).
    const usdOnD = fxEntry('BOOK-1', 'USD', D, '-120.40');
    await publish(Topics.accountingEvents, usdOnD, fxEntry('BOOK-1', 'GBP', D, '35.10'), usdOnD);
    // Capture's intake on D: 10 records of trades.executed.v1 in two batches — the first: A1–A6
    // captured and A6 cancelled (7 records); the second: A1 sent again (a duplicate) and two exceptions
    // (one breaking two rules, one not JSON) (3 records) — and a counterparty's confirmation held as a
    // mismatch. The second batch's announcement redelivered: its 3 records counted once.
    const secondBatch = executionsReceived('m-A1-again', { DUPLICATE: 1, EXCEPTION: 2 }, D, [7, 9]);
    const badInput = exceptionRaised(
      'x1',
      'INPUT',
      [
        { field: 'isin', rule: 'ISIN (ISO 6166) with a valid check digit' },
        { field: 'account', rule: 'unknown account' },
      ],
      D,
    );
    await publish(
      Topics.captureIntake,
      executionsReceived(`m-${A1.tradeId}`, { CAPTURED: 6, CANCELLED: 1 }, D, [0, 6]),
      secondBatch,
      badInput,
      exceptionRaised('x2', 'INPUT', [{ field: '(message)', rule: 'not a JSON object' }], D),
      exceptionRaised('x3', 'CONFIRMATION', [{ field: 'price', rule: 'confirmation mismatch: price beyond tolerance' }], D, Topics.confirmationsReceived),
      secondBatch,
      badInput,
    );
    // D's reconciliations: a CASH break opens, the PNL break of 24 Nov is no longer found (closed).
    await publish(Topics.accountingEvents, breakOpened('brk-c1', 'CASH', D), breakClosed('brk-p1', 'PNL', '2026-11-24', D));
    // Three records parked on dead-letter topics on D (reporting's business day when it reads them).
    await parkOnDlq(env, Topics.settlementEvents, '17', `${D}T10:00:00.000Z`);
    await parkOnDlq(env, Topics.settlementEvents, '18', `${D}T10:00:01.000Z`);
    await parkOnDlq(env, Topics.tradeEvents, '40', `${D}T11:00:00.000Z`);
    await closeDay(env, D);
    filedAtClose = await files(1);

    // The next day's facts: B4 settles, A1 is cancelled, A5 confirmed, E1 traded and failing, a penalty.
    await open(NEXT);
    await publish(
      Topics.tradeEvents,
      confirmed(A5),
      ev('TradeCancelled', A1.tradeRef, { trade: A1, cancelVersion: 2, status: 'CANCELLED' }),
      captured(E1),
      confirmed(E1),
      validated(E1),
    );
    await publish(
      Topics.settlementEvents,
      instruction(B4, 'SETTLED', { effectiveSettlementDate: NEXT }),
      instruction(E1, 'SENT'),
      instruction(E1, 'FAILING', { reason: 'LACK' }),
      penalty('p4', C2, 'PAYABLE', '4.00', NEXT),
    );
    // The next day's avis: A3 (traded on D, deadline 27 Nov: on time) and B4 (deadline 25 Nov: late).
    await publish(Topics.notificationEvents, sent(A3, 'AVIS_OPERE'), sent(B4, 'AVIS_OPERE'));
    await publish(Topics.accountingEvents, fxEntry('BOOK-1', 'USD', NEXT, '7.00'));
    // The next day's intake, breaks and dead letters: E1 received, the HOLDINGS break resolved by two people, one more dead letter.
    await publish(Topics.captureIntake, executionsReceived(`m-${E1.tradeId}`, { CAPTURED: 1 }, NEXT, [10, 10]));
    await publish(Topics.accountingEvents, breakClosed('brk-h1', 'HOLDINGS', '2026-11-24', NEXT, 'RESOLVED'));
    await parkOnDlq(env, Topics.tradeEvents, '41', `${NEXT}T10:00:00.000Z`);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('files the figures of the day at the close', async () => {
    const r = JSON.parse(filedAtClose.json.toString('utf8'));
    expect(r.day).toEqual({
      from: D,
      to: D,
      captured: 6,
      cancelled: 1,
      amended: 0,
      confirmed: 3,
      validated: 4,
      straightThrough: 3,
      stpRate: '0.7500',
      instructed: 0,
      matched: 0,
      settled: 3,
      partiallySettled: 0,
      settledValue: [{ currency: 'EUR', amount: '17550.00' }], // B1–B3, 5,850.00 each
      settlementEfficiency: {
        due: 4,
        settledOnTime: 3,
        rate: '0.7500',
        byValue: [{ currency: 'EUR', due: '23400.00', settledOnTime: '17550.00', rate: '0.7500' }],
      },
      penalties: { payable: [{ currency: 'EUR', amount: '13.00', count: 2 }], receivable: [{ currency: 'EUR', amount: '5.85', count: 1 }] },
      avisSent: 3, // A1, A2, B3
      avisLate: 1, // B3
      fxResult: [{ currency: 'EUR', amount: '-85.30' }], // -120.40 + 35.10
      failing: 3,
      // 10 received = 6 captured + 0 amended + 1 cancelled + 0 stale + 2 exceptions + 1 duplicate.
      executions: { received: 10, captured: 6, amended: 0, cancelled: 1, stale: 0, exceptions: 2, duplicates: 1 },
      exceptions: {
        total: 3,
        byKind: [
          { kind: 'CONFIRMATION', count: 1 },
          { kind: 'INPUT', count: 2 },
        ],
        byReason: [
          { kind: 'CONFIRMATION', field: 'price', rule: 'confirmation mismatch: price beyond tolerance', count: 1 },
          { kind: 'INPUT', field: '(message)', rule: 'not a JSON object', count: 1 },
          { kind: 'INPUT', field: 'account', rule: 'unknown account', count: 1 },
          { kind: 'INPUT', field: 'isin', rule: 'ISIN (ISO 6166) with a valid check digit', count: 1 },
        ],
      },
      deadLetters: {
        total: 3,
        byTopic: [
          { topic: Topics.settlementEvents, count: 2 },
          { topic: Topics.tradeEvents, count: 1 },
        ],
      },
      // Opened on D: the CASH break; closed on D: the PNL break; open at the close: HOLDINGS (24 Nov) and CASH.
      breaks: { opened: 1, closed: 1, open: 2 },
    });
    const e = r.day.executions;
    expect(e.received).toBe(e.captured + e.amended + e.cancelled + e.stale + e.exceptions + e.duplicates);
    // The HOLDINGS break is 2 TARGET business days old on D (25, 26 Nov); the CASH one 0.
    expect(r.breaks).toEqual({
      asOf: D,
      open: 2,
      byKind: [
        { kind: 'CASH', count: 1 },
        { kind: 'HOLDINGS', count: 1 },
      ],
      byAge: [
        { bucket: '0', count: 1 },
        { bucket: '1', count: 0 },
        { bucket: '2-5', count: 1 },
        { bucket: '6-10', count: 0 },
        { bucket: '>10', count: 0 },
      ],
    });
    // The previous business day, 25 Nov: C1 (due 20 Nov) and C2 (due that day) were failing, the 99.00 penalty.
    expect(r.previousDay).toMatchObject({
      captured: 0,
      failing: 2,
      executions: { received: 0 },
      deadLetters: { total: 0, byTopic: [] },
      breaks: { opened: 0, closed: 0, open: 2 }, // the HOLDINGS and PNL breaks of 24 Nov
      avisSent: 0,
      fxResult: [],
      penalties: { payable: [{ currency: 'EUR', amount: '99.00', count: 1 }], receivable: [] },
    });
    // November to D: A1–A6, B1–B4 (24 Nov), C1 (18 Nov), C2 (20 Nov); 10 validations, 9 straight through; due: B1–B4, C1, C2.
    expect(r.month).toMatchObject({
      from: '2026-11-01',
      captured: 12,
      cancelled: 1,
      confirmed: 9,
      validated: 10,
      straightThrough: 9,
      stpRate: '0.9000',
      instructed: 6,
      settled: 3,
      settlementEfficiency: { due: 6, settledOnTime: 3, rate: '0.5000' },
      penalties: { payable: [{ currency: 'EUR', amount: '112.00', count: 3 }] },
      avisSent: 5, // B1, B2 on 24 Nov; A1, A2, B3 on D
      avisLate: 1,
      fxResult: [{ currency: 'EUR', amount: '-75.30' }], // 10.00 on 24 Nov, -85.30 on D
      executions: { received: 10 },
      exceptions: { total: 3 },
      deadLetters: { total: 3 },
      breaks: { opened: 3, closed: 1, open: 2 },
    });
    expect(r.notAvailable).toBeUndefined();
    // The dead letters as reporting keeps them: the topic read from, the consumer that parked them, reporting's day.
    expect(
      (
        await env.db.query(
          `SELECT source_topic, consumer, to_char(dead_date, 'YYYY-MM-DD') AS d, date_source FROM reporting.activity_dead_letters ORDER BY position`,
        )
      ).rows[0],
    ).toEqual({ source_topic: Topics.settlementEvents, consumer: 'settlement.trade-events', d: D, date_source: 'BUSINESS_DAY' });
    // The morning summary counts the day's dead letters for the console's alerts: D's three, none without a day.
    expect(((await readReporting(env, `/summary?businessDate=${D}`)) as { deadLetters: number | null }).deadLetters).toBe(3);
    expect(((await readReporting(env, '/summary')) as { deadLetters: number | null }).deadLetters).toBeNull();
    // One row per capture batch, its counts by outcome: D's two (the redelivered one stored once), the next day's one.
    expect(
      (
        await env.db.query(
          `SELECT to_char(received_date, 'YYYY-MM-DD') AS d, first_position, last_position, records, captured, amended, cancelled, stale, exceptions, duplicates
           FROM reporting.activity_executions_received ORDER BY received_date, records DESC`,
        )
      ).rows,
    ).toEqual([
      {
        d: D,
        first_position: 'trades.executed.v1/0/0',
        last_position: 'trades.executed.v1/0/6',
        records: 7,
        captured: 6,
        amended: 0,
        cancelled: 1,
        stale: 0,
        exceptions: 0,
        duplicates: 0,
      },
      {
        d: D,
        first_position: 'trades.executed.v1/0/7',
        last_position: 'trades.executed.v1/0/9',
        records: 3,
        captured: 0,
        amended: 0,
        cancelled: 0,
        stale: 0,
        exceptions: 2,
        duplicates: 1,
      },
      {
        d: NEXT,
        first_position: 'trades.executed.v1/0/10',
        last_position: 'trades.executed.v1/0/10',
        records: 1,
        captured: 1,
        amended: 0,
        cancelled: 0,
        stale: 0,
        exceptions: 0,
        duplicates: 0,
      },
    ]);
    // An FX position is not a trade: it adds no row to the trades' activity.
    expect((await env.db.query(`SELECT 1 FROM reporting.trade_activity WHERE trade_ref LIKE 'FX:%'`)).rowCount).toBe(0);
    // The fails on D (E1's fail of the next day is not one of them): ages in business days 0 (B4), 1 (C2), 4 (C1).
    expect(r.fails).toEqual({
      asOf: D,
      total: 3,
      value: [{ currency: 'EUR', amount: '17550.00' }],
      byReason: [
        { reason: 'CLAC', count: 1 },
        { reason: 'LACK', count: 2 },
      ],
      byAge: [
        { bucket: '0', count: 1 },
        { bucket: '1', count: 1 },
        { bucket: '2-5', count: 1 },
        { bucket: '6-10', count: 0 },
        { bucket: '>10', count: 0 },
      ],
    });
    expect(r.volumes.byInstrument).toEqual([
      { key: TTE, name: 'TotalEnergies SE', currency: 'EUR', day: { trades: 3, grossAmount: '9331.00' }, month: { trades: 9, grossAmount: '44431.00' } },
      {
        key: LVMH,
        name: 'LVMH Moët Hennessy Louis Vuitton',
        currency: 'EUR',
        day: { trades: 2, grossAmount: '15005.00' },
        month: { trades: 2, grossAmount: '15005.00' },
      },
    ]);
    expect(r.volumes.byCounterparty).toEqual([
      { key: LEI_DE, name: 'Deutsche CP', currency: 'EUR', day: { trades: 5, grossAmount: '24336.00' }, month: { trades: 11, grossAmount: '59436.00' } },
    ]);
    expect(r.volumes.byVenue.map((v: { key: string; day: { trades: number } }) => [v.key, v.day.trades])).toEqual([
      ['CEUX', 1],
      ['XOFF', 1],
      ['XPAR', 3],
    ]);
    expect(r.trend.find((p: { date: string }) => p.date === '2026-11-24')).toEqual({
      date: '2026-11-24',
      captured: 4,
      validated: 6,
      stpRate: '1.0000',
      settled: 0,
      failing: 1, // C1
      settlementEfficiency: null,
    });
  });

  it('filed again after the next day’s facts, the report of D is the same, byte for byte', async () => {
    const res = await callReporting(env, PEOPLE.operator, 'POST', '/reports/runs', { kind: 'ACTIVITY', period: D });
    expect(res.status).toBe(201);
    const again = await files(2);
    expect(again.json.toString('utf8')).toBe(filedAtClose.json.toString('utf8'));
    expect(again.csv.toString('utf8')).toBe(filedAtClose.csv.toString('utf8'));
    expect(again.fr.equals(filedAtClose.fr)).toBe(true);
    expect(again.en.equals(filedAtClose.en)).toBe(true);
    const { rows } = await env.db.query(
      `SELECT version, checksum_sha256 FROM reporting.report_runs WHERE kind = 'ACTIVITY' AND period_start = $1 ORDER BY version`,
      [D],
    );
    expect(rows).toHaveLength(2);
    expect(rows[1].checksum_sha256).toBe(rows[0].checksum_sha256);
    expect(await readReporting(env, `/activity-report?businessDate=${D}`)).toEqual(JSON.parse(filedAtClose.json.toString('utf8')));
  });

  it('the next day has its own facts: B4 settled, A1 cancelled, E1 failing', async () => {
    const r = (await readReporting(env, `/activity-report?businessDate=${NEXT}`)) as {
      day: {
        captured: number;
        cancelled: number;
        confirmed: number;
        settled: number;
        instructed: number;
        avisSent: number;
        avisLate: number;
        fxResult: unknown;
        executions: unknown;
        exceptions: unknown;
        deadLetters: unknown;
        breaks: unknown;
      };
      fails: { total: number; byReason: unknown };
    };
    expect(r.day).toMatchObject({
      captured: 1,
      cancelled: 1,
      confirmed: 2,
      settled: 1,
      instructed: 1,
      avisSent: 2,
      avisLate: 1,
      executions: { received: 1, captured: 1 },
      exceptions: { total: 0 },
      deadLetters: { total: 1, byTopic: [{ topic: Topics.tradeEvents, count: 1 }] },
      breaks: { opened: 0, closed: 1, open: 1 }, // the HOLDINGS break closed; CASH still open
    });
    expect(r.day.fxResult).toEqual([{ currency: 'EUR', amount: '7.00' }]);
    expect(r.fails.total).toBe(3); // C1, C2, E1
    expect(r.fails.byReason).toEqual([
      { reason: 'CLAC', count: 1 },
      { reason: 'LACK', count: 2 },
    ]);
  });

  it('the CSV has one row per figure', async () => {
    const rows = filedAtClose.csv.toString('utf8').split('\r\n');
    expect(rows).toEqual(
      expect.arrayContaining([
        'section;period;key;name;currency;count;value',
        'counts;day;captured;;;6;',
        'stp_rate;day;straight_through/validated;;;3/4;0.7500',
        'settlement_efficiency;day;settled_on_time/due;;;3/4;0.7500',
        'fails_by_reason;2026-11-26;LACK;;;2;',
        'penalties;day;PAYABLE;;EUR;2;13.00',
        'counts;day;avisSent;;;3;',
        'counts;day;avisLate;;;1;',
        'fx_result;day;revaluation;;EUR;;-85.30',
        'executions;day;received;;;10;',
        'executions;day;duplicates;;;1;',
        'exceptions_by_reason;day;INPUT/account;unknown account;;1;',
        'dead_letters_by_topic;day;settlement.events.v1;;;2;',
        'breaks;day;open;;;2;',
        'breaks_open_by_age_business_days;2026-11-26;2-5;;;1;',
        `volume_by_instrument;day;${LVMH};LVMH Moët Hennessy Louis Vuitton;EUR;2;15005.00`,
      ]),
    );
  });

  it('the PDFs say the key figures on page 1, in English and in French', () => {
    const en = pdfText(filedAtClose.en, 1, 1);
    for (const s of [
      'Activity report 2026-11-26',
      'Trades captured 6 +6 12',
      'STP rate 75.00 %',
      'Value settled 17,550.00 EUR 17,550.00 EUR',
      'Settlement efficiency (count) 75.00 %',
      'Failing at the close 3 +1',
      'Fails at the close of 2026-11-26: 3',
      'Trade confirmations (avis) sent 3 +3 5',
      'of which late 1 +1 1',
      'FX result (revaluation) -85.30 EUR -75.30 EUR',
      'Executions received 10 +10 10',
      'of which exceptions 2 +2 2',
      'of which duplicates ignored 1 +1 1',
      'Exceptions raised (all inputs) 3 +3 3',
      'Dead letters 3 +3 3',
      'Reconciliation breaks opened 1 +1 3',
      'Reconciliation breaks closed 1 +1 1',
      'Breaks open at the close 2 0',
    ])
      expect(en).toContain(s);
    const fr = pdfText(filedAtClose.fr, 1, 1);
    for (const s of [
      'Rapport d’activité 2026-11-26',
      'Opérations saisies 6 +6 12',
      'Taux STP 75,00 %',
      'Montant dénoué 17 550,00 EUR 17 550,00 EUR',
      'Exécutions reçues 10 +10 10',
      'Écarts ouverts à la clôture 2 0',
    ])
      expect(fr).toContain(s);
  });
});
