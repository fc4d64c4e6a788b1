import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { envelope, physicalTopic, Topics, type EventEnvelope, type TradeEconomics } from '@postera/contracts';
import { produceRaw, waitFor } from '@postera/testing';
import { count, e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// Reporting as a built process on the real broker and database, fed with hand-built
// trade.events.v1 and settlement.events.v1: the activity read model and the end-of-day report
// follow confirmation, validation, amendment and cancellation.
jest.setTimeout(240_000);

const TRADE_DATE = '2026-11-26';
const NEXT_DAY = '2026-11-27';

function trade(ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics {
  const [sourceSystem = '', tradeId = ''] = ref.split(':');
  return {
    tradeRef: ref,
    sourceSystem,
    tradeId,
    version: 1,
    side: 'BUY',
    isin: 'FR0000120271',
    quantity: '150',
    price: '58.505',
    priceType: 'UNIT',
    currency: 'EUR',
    grossAmount: '8775.75',
    accruedInterest: '0.00',
    feesAmount: '8.78',
    netAmount: '8784.53',
    fees: [{ type: 'COMMISSION', amount: '8.78', currency: 'EUR' }],
    tradeDate: TRADE_DATE,
    settlementDate: '2026-11-30',
    executedAt: '2026-11-26T10:15:02.120+01:00',
    venue: 'XPAR',
    account: 'CLI-0003',
    counterparty: '529900COUNTERPTY0129',
    capacity: 'AOTC',
    orderType: 'LIMIT',
    clientId: 'CL-0003',
    accountType: 'CLIENT',
    book: 'CLIENT-EQ',
    instrumentType: 'SHARE',
    settlementMarket: 'EU',
    placeOfSettlement: 'SICVFRPPXXX',
    ssis: { account: null, counterparty: null },
    origin: 'ELECTRONIC',
    lateBooking: false,
    ...o,
  };
}

const ev = (type: string, correlationId: string, payload: unknown) => envelope({ type, producer: 'capture', correlationId, causationId: null, payload });
const instruction = (t: TradeEconomics, status: string, reason: string | null) =>
  envelope({
    type: 'InstructionStatusChanged',
    producer: 'settlement',
    correlationId: t.tradeRef,
    causationId: null,
    payload: {
      instructionId: '3b0c6f0e-0000-5000-8000-000000000001',
      tradeRef: t.tradeRef,
      tradeVersion: t.version,
      status,
      reason,
      isin: t.isin,
      side: t.side,
      account: t.account,
      counterparty: t.counterparty,
      currency: t.currency,
      quantity: t.quantity,
      settlementAmount: t.netAmount,
      intendedSettlementDate: t.settlementDate,
      settledQuantity: null,
      settledAmount: null,
      effectiveSettlementDate: null,
      clientId: t.clientId,
      book: t.book,
    },
  });
const day = (type: 'BusinessDayOpened' | 'BusinessDayClosed', businessDate: string) =>
  envelope({ type, producer: 'gateway', correlationId: `business-day:${businessDate}`, causationId: null, payload: { calendar: 'TARGET', businessDate } });

describe('reporting follows the trade lifecycle, on the real broker and database', () => {
  let env: E2eEnv;
  const publishTo = async (topic: string, ...events: EventEnvelope[]) => {
    await produceRaw(
      env.prefix,
      topic,
      events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e) })),
    );
    await waitFor(() => groupCaughtUp(`${env.prefix}.reporting.activity`, physicalTopic(env.prefix, topic)), {
      timeoutMs: 30_000,
      what: `reporting to consume ${topic}`,
    });
  };
  const closeDay = async (businessDate: string) => {
    await produceRaw(env.prefix, Topics.businessDay, [
      { key: 'TARGET', value: JSON.stringify(day('BusinessDayOpened', businessDate)) },
      { key: 'TARGET', value: JSON.stringify(day('BusinessDayClosed', businessDate)) },
    ]);
    await waitFor(async () => (await count(env.db, `SELECT count(*) AS n FROM reporting.eod_reports WHERE business_date = $1`, [businessDate])) === 1, {
      timeoutMs: 30_000,
      what: `the report of ${businessDate}`,
    });
  };
  const activity = async (ref: string) =>
    (
      await env.db.query(
        `SELECT trade_status, trade_version, amendments, gross_amount::text AS gross, instruction_status, confirmed_at IS NOT NULL AS confirmed,
                validated_at IS NOT NULL AS validated, cancelled_at IS NOT NULL AS cancelled FROM reporting.trade_activity WHERE trade_ref = $1`,
        [ref],
      )
    ).rows[0];
  const report = async (businessDate: string) =>
    ((await env.db.query(`SELECT summary FROM reporting.eod_reports WHERE business_date = $1`, [businessDate])).rows[0] as { summary: Record<string, unknown> })
      .summary;

  const V = trade('FO-EQ:RP-V');
  const A1 = trade('FO-EQ:RP-A');
  const A2 = { ...A1, version: 2, quantity: '100', grossAmount: '5850.50', feesAmount: '5.85', netAmount: '5856.35' };
  const C = trade('FO-EQ:RP-C');

  beforeAll(async () => {
    env = await e2eEnv('reporting-lifecycle', { basePort: 4700, smtpUrl: 'smtp://127.0.0.1:1', services: ['reporting'] });
    await env.stack.startAll();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('the activity rows follow confirmation, validation, amendment and cancellation', async () => {
    await publishTo(
      Topics.tradeEvents,
      ev('TradeCaptured', V.tradeRef, { trade: V, status: 'CAPTURED' }),
      ev('TradeConfirmed', V.tradeRef, { tradeRef: V.tradeRef, version: 1, confirmationId: 'CONF-1', status: 'CONFIRMED' }),
      ev('TradeValidated', V.tradeRef, { trade: V, how: 'STRAIGHT_THROUGH', validatedBy: null, status: 'VALIDATED' }),
      ev('TradeCaptured', A1.tradeRef, { trade: A1, status: 'CAPTURED' }),
      ev('TradeAmended', A1.tradeRef, { before: A1, after: A2, status: 'CAPTURED' }),
      ev('TradeCaptured', C.tradeRef, { trade: C, status: 'CAPTURED' }),
      ev('TradeValidated', C.tradeRef, { trade: C, how: 'MAKER_CHECKER', validatedBy: 'supervisor-1', status: 'VALIDATED' }),
    );
    await publishTo(Topics.settlementEvents, instruction(C, 'SENT', null));
    // The cancellation comes in a later batch than the validation: the row's CANCELLED must win over what it had.
    await publishTo(Topics.tradeEvents, ev('TradeCancelled', C.tradeRef, { trade: C, cancelVersion: 2, status: 'CANCELLED' }));
    await publishTo(Topics.settlementEvents, instruction(C, 'CANCELLED', 'TRADE_CANCELLED'));

    expect(await activity(V.tradeRef)).toEqual({
      trade_status: 'VALIDATED',
      trade_version: 1,
      amendments: 0,
      gross: '8775.75',
      instruction_status: null,
      confirmed: true,
      validated: true,
      cancelled: false,
    });
    expect(await activity(A1.tradeRef)).toEqual({
      trade_status: 'CAPTURED',
      trade_version: 2,
      amendments: 1,
      gross: '5850.50',
      instruction_status: null,
      confirmed: false,
      validated: false,
      cancelled: false,
    });
    expect(await activity(C.tradeRef)).toEqual({
      trade_status: 'CANCELLED',
      trade_version: 1,
      amendments: 0,
      gross: '8775.75',
      instruction_status: 'CANCELLED',
      confirmed: false,
      validated: true,
      cancelled: true,
    });
  });

  it('the end-of-day report counts confirmed, validated, amended and cancelled trades, and lists the unconfirmed ones', async () => {
    const unconfirmed = [{ tradeRef: A1.tradeRef, version: 2, counterparty: A1.counterparty, tradeDate: TRADE_DATE, settlementDate: '2026-11-30' }];
    await publishTo(
      Topics.tradeEvents,
      ev('UnconfirmedTradesAtClose', `business-day:${TRADE_DATE}`, { businessDate: TRADE_DATE, total: 1, trades: unconfirmed }),
    );
    await closeDay(TRADE_DATE);
    expect(await report(TRADE_DATE)).toMatchObject({
      businessDate: TRADE_DATE,
      captured: 3,
      confirmed: 1,
      validated: 2,
      amended: 1,
      cancelled: 1,
      // C's instruction is cancelled: nothing is instructed.
      instructed: 0,
      unconfirmedAtClose: { total: 1, trades: unconfirmed },
    });
  });

  it('an unconfirmed list arriving after the day’s report is added to the stored report', async () => {
    await closeDay(NEXT_DAY);
    expect((await report(NEXT_DAY)).unconfirmedAtClose).toBeNull();
    await publishTo(Topics.tradeEvents, ev('UnconfirmedTradesAtClose', `business-day:${NEXT_DAY}`, { businessDate: NEXT_DAY, total: 0, trades: [] }));
    expect((await report(NEXT_DAY)).unconfirmedAtClose).toEqual({ total: 0, trades: [] });
  });
});
