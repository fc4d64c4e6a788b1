import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  envelope,
  physicalTopic,
  Topics,
  type CalendarRefEvent,
  type CustodianStatusEvent,
  type CustodianStatusV1,
  type EventEnvelope,
} from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import { deterministicId } from '@postera/kernel';
import { eventHeaders } from '@postera/platform';
import { businessDay, instructionIdOf, produceRaw, tradeEconomics, tradeValidated, waitFor, targetCalendarUpserted } from '@postera/testing';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// Settlement as a built process on the real broker and database: the TARGET calendar it counts
// business days on is the one the referential publishes on refdata.calendars.v1, not the one built
// into the kernel. Worked example, trades of Thu 26 Nov 2026 due Mon 30 Nov, matched by the CSD on
// Thu 3 Dec:
// - version 1, TARGET's closing days as built in: 30 Nov, 1, 2 and 3 Dec are all open.
//   E, matched on 3 Dec, owes late matching (LMFP) for 30 Nov, 1 Dec and 2 Dec (three days); an
//   unsettled instruction due 30 Nov is 4 business days old as of 3 Dec (30 Nov, 1, 2, 3 Dec).
// - version 2 adds Tue 1 Dec as a closing day: F, matched on 3 Dec, owes LMFP for 30 Nov and 2 Dec
//   only (two days); both are 3 business days old as of 3 Dec (30 Nov, 2, 3 Dec). E's days, counted
//   when it matched, stay as recorded.
// - version 1 again, arriving late: changes nothing (the higher version wins).
jest.setTimeout(180_000);

const TRADE_DATE = '2026-11-26';
const ISD = '2026-11-30';
const MATCHED_ON = '2026-12-03';
const EXTRA_CLOSING_DAY = '2026-12-01';

const E = tradeEconomics('FO-EQ:CAL-E', { tradeDate: TRADE_DATE, settlementDate: ISD });
const F = tradeEconomics('FO-EQ:CAL-F', { tradeDate: TRADE_DATE, settlementDate: ISD });

/** What the CSD says of one instruction: accepted, then matched on MATCHED_ON (no document: the event's fields are read). */
function acceptedThenMatched(t: typeof E): CustodianStatusEvent[] {
  const instructionId = instructionIdOf(t.tradeRef, 1);
  const none = { reason: null, settledQuantity: null, settledAmount: null, effectiveSettlementDate: null };
  const advice = (p: Omit<CustodianStatusV1, 'instructionId' | 'tradeRef'>): CustodianStatusEvent =>
    envelope({
      eventId: deterministicId('custodian', instructionId, p.status, MATCHED_ON),
      type: 'StatusAdvice',
      producer: 'market-sim',
      correlationId: t.tradeRef,
      causationId: null,
      payload: { instructionId, tradeRef: t.tradeRef, ...p },
    });
  return [advice({ status: 'PACK', ...none }), advice({ status: 'MACH', ...none, businessDate: MATCHED_ON })];
}

describe('settlement counts business days on the TARGET calendar imported on refdata.calendars.v1', () => {
  let env: E2eEnv;
  const publish = (topic: string, messages: Array<{ key: string; event: EventEnvelope }>) =>
    produceRaw(
      env.prefix,
      topic,
      messages.map((m) => ({ key: m.key, value: JSON.stringify(m.event), headers: eventHeaders(m.event) })),
    );
  const publishCalendar = (event: CalendarRefEvent) => publish(Topics.refdataCalendars, [{ key: 'TARGET', event }]);
  const storedVersion = async () =>
    ((await env.db.query(`SELECT version FROM settlement.calendars WHERE code = 'TARGET'`)).rows[0] as { version: number } | undefined)?.version ?? null;
  const calendarsCaughtUp = () =>
    waitFor(() => groupCaughtUp(`${env.prefix}.settlement.refdata-calendars`, physicalTopic(env.prefix, Topics.refdataCalendars)), {
      timeoutMs: 60_000,
      what: 'settlement to consume refdata.calendars.v1',
    });
  const statusOf = async (t: typeof E) =>
    (
      (await env.db.query(`SELECT status FROM settlement.instructions WHERE instruction_id = $1`, [instructionIdOf(t.tradeRef, 1)])).rows[0] as
        { status: string } | undefined
    )?.status ?? null;
  const matched = async (t: typeof E) => {
    await publish(
      Topics.custodianStatus,
      acceptedThenMatched(t).map((event) => ({ key: t.tradeRef, event })),
    );
    await waitFor(async () => (await statusOf(t)) === 'MATCHED', { timeoutMs: 60_000, what: `${t.tradeRef} to be matched` });
  };
  /** The late-matching days recorded for a trade (matching and penalty days are written in one transaction). */
  const lateMatchingDays = async (t: typeof E) =>
    (
      (await env.db.query(
        `SELECT to_char(penalty_date, 'YYYY-MM-DD') AS d FROM settlement.penalties WHERE trade_ref = $1 AND kind = 'LMFP' ORDER BY penalty_date`,
        [t.tradeRef],
      )) as { rows: Array<{ d: string }> }
    ).rows.map((r) => r.d);
  /** Each trade's fail age in business days as of MATCHED_ON, from GET /fails. */
  const agesAsOf3Dec = async () => {
    const url = `${env.stack.url('settlement')}/fails?asOf=${MATCHED_ON}`;
    const res = await fetch(url, { headers: await env.stack.as(PEOPLE.operator, 'GET', url) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { fails: Array<{ tradeRef: string; ageBusinessDays: number }> };
    return Object.fromEntries(body.fails.map((f) => [f.tradeRef, f.ageBusinessDays]));
  };

  beforeAll(async () => {
    env = await e2eEnv('settlement-calendars', { basePort: 6200, smtpUrl: 'smtp://127.0.0.1:1', services: ['settlement'] });
    await env.stack.startAll();
    await publish(Topics.businessDay, [{ key: 'TARGET', event: businessDay('BusinessDayOpened', TRADE_DATE) }]);
    await publish(
      Topics.tradeEvents,
      [E, F].map((t) => ({ key: t.tradeRef, event: tradeValidated(t) })),
    );
    await waitFor(async () => (await statusOf(E)) === 'SENT' && (await statusOf(F)) === 'SENT', { timeoutMs: 60_000, what: 'settlement to instruct E and F' });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('version 1 (TARGET as built in): E matched on Thu 3 Dec owes LMFP for 30 Nov, 1 and 2 Dec; E and F are 4 business days old as of 3 Dec', async () => {
    await publishCalendar(targetCalendarUpserted(1, []));
    await waitFor(async () => (await storedVersion()) === 1, { timeoutMs: 60_000, what: 'settlement to store TARGET version 1' });

    await matched(E);
    expect(await lateMatchingDays(E)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(await agesAsOf3Dec()).toEqual({ [E.tradeRef]: 4, [F.tradeRef]: 4 });
  });

  it('version 2 closes Tue 1 Dec: F matched on 3 Dec owes LMFP for 30 Nov and 2 Dec only; both are 3 business days old; E’s days stay as recorded', async () => {
    await publishCalendar(targetCalendarUpserted(2, [EXTRA_CLOSING_DAY]));
    await waitFor(async () => (await storedVersion()) === 2, { timeoutMs: 60_000, what: 'settlement to store TARGET version 2' });
    const stored = (await env.db.query(`SELECT weekend, holidays @> $1::jsonb AS closes_1_dec FROM settlement.calendars WHERE code = 'TARGET'`, [
      JSON.stringify([{ date: EXTRA_CLOSING_DAY, name: 'Market closure' }]),
    ])) as { rows: unknown[] };
    expect(stored.rows).toEqual([{ weekend: [0, 6], closes_1_dec: true }]);

    await matched(F);
    expect(await lateMatchingDays(F)).toEqual(['2026-11-30', '2026-12-02']);
    expect(await lateMatchingDays(E)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(await agesAsOf3Dec()).toEqual({ [E.tradeRef]: 3, [F.tradeRef]: 3 });
  });

  it('version 1 arriving after version 2 changes nothing: 1 Dec stays closed, the ages stay 3', async () => {
    await publishCalendar(targetCalendarUpserted(1, [], 'late'));
    await calendarsCaughtUp();
    expect(await storedVersion()).toBe(2);
    expect(await agesAsOf3Dec()).toEqual({ [E.tradeRef]: 3, [F.tradeRef]: 3 });
  });
});
