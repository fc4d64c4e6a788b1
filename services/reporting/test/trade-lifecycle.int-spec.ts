import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { envelope, physicalTopic, Topics, type EventEnvelope } from '@postera/contracts';
import {
  businessDay as day,
  instructionStatusChanged as instruction,
  produceRaw,
  tradeAmended as amended,
  tradeCancelled as cancelled,
  tradeCaptured as captured,
  tradeConfirmed as confirmed,
  tradeEconomics as trade,
  tradeValidated as validated,
  waitFor,
} from '@postera/testing';
import { count, e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// Reporting as a built process on the real broker and database, fed with hand-built
// trade.events.v1 and settlement.events.v1: the activity read model and the end-of-day report
// follow confirmation, validation, amendment and cancellation.
jest.setTimeout(240_000);

const TRADE_DATE = '2026-11-26';
const NEXT_DAY = '2026-11-27';

const ev = (type: string, correlationId: string, payload: unknown) => envelope({ type, producer: 'capture', correlationId, causationId: null, payload });

describe('reporting follows the trade lifecycle, on the real broker and database', () => {
  let env: E2eEnv;
  const publishTo = async (topic: string, ...events: EventEnvelope[]) => {
    await produceRaw(
      env.prefix,
      topic,
      events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e) })),
    );
    await waitFor(() => groupCaughtUp(`${env.prefix}.reporting.trade-lifecycle`, physicalTopic(env.prefix, topic)), {
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

  // Each buys 150 TotalEnergies at 58.505 EUR: gross 8775.75, commission 8.78 → net 8784.53 (the shared trade).
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
      captured(V),
      confirmed(V, 'CONF-1'),
      validated(V),
      captured(A1),
      amended(A1, A2),
      captured(C),
      validated(C, 'MAKER_CHECKER'),
    );
    await publishTo(Topics.settlementEvents, instruction(C, 'SENT'));
    // The cancellation comes in a later batch than the validation: the row's CANCELLED must win over what it had.
    await publishTo(Topics.tradeEvents, cancelled(C, 2));
    await publishTo(Topics.settlementEvents, instruction(C, 'CANCELLED', { reason: 'TRADE_CANCELLED' }));

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
