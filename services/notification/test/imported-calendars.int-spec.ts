import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics, type EventEnvelope } from '@postera/contracts';
import { eventHeaders } from '@postera/platform';
import { produceRaw, tradeCaptured, tradeEconomics, waitFor, type SmtpSink, targetCalendarUpserted } from '@postera/testing';
import { groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import { notificationEnv } from './notification-fixtures.js';

// Notification as a built process on the real broker and database: the avis d'opéré is due by the
// end of the first TARGET business day after the trading day, TARGET as the referential publishes
// it on refdata.calendars.v1. Worked example, client trades of Thu 26 Nov 2026:
// - before any import, the kernel's TARGET (the seed): Fri 27 Nov is open, the deadline is 27 Nov;
// - version 2 closes Fri 27 Nov: the next business day after 26 Nov is Mon 30 Nov (28 and 29 are
//   the weekend), the deadline of a trade captured since is 30 Nov; the one set before stays;
// - version 1 (TARGET as built in) arriving late changes nothing: still 30 Nov.
jest.setTimeout(120_000);

const TRADE_DATE = '2026-11-26';
const EXTRA_CLOSING_DAY = '2026-11-27';

describe("the avis d'opéré's deadline skips a closing day imported on refdata.calendars.v1", () => {
  let env: E2eEnv;
  let smtp: SmtpSink;
  const publish = (topic: string, messages: Array<{ key: string; event: EventEnvelope }>) =>
    produceRaw(
      env.prefix,
      topic,
      messages.map((m) => ({ key: m.key, value: JSON.stringify(m.event), headers: eventHeaders(m.event) })),
    );
  const storedVersion = async () =>
    ((await env.db.query(`SELECT version FROM notification.calendars WHERE code = 'TARGET'`)).rows[0] as { version: number } | undefined)?.version ?? null;
  /** Captures a client trade of TRADE_DATE and returns the deadline notification set for its avis. */
  const deadlineOfCaptured = async (ref: string) => {
    await publish(Topics.tradeEvents, [{ key: ref, event: tradeCaptured(tradeEconomics(ref, { tradeDate: TRADE_DATE, accountType: 'CLIENT' })) }]);
    let deadline: string | undefined;
    await waitFor(
      async () => {
        const { rows } = await env.db.query(`SELECT to_char(deadline, 'YYYY-MM-DD') AS d FROM notification.avis_deadlines WHERE trade_ref = $1`, [ref]);
        deadline = (rows[0] as { d: string } | undefined)?.d;
        return deadline !== undefined;
      },
      { timeoutMs: 60_000, what: `the avis deadline of ${ref}` },
    );
    return deadline;
  };

  beforeAll(async () => {
    ({ env, smtp } = await notificationEnv('notif-calendars', 6300));
    await env.stack.startAll();
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
  });

  it('before any import, TARGET as built in: a trade of Thu 26 Nov is due by Fri 27 Nov', async () => {
    expect(await storedVersion()).toBeNull();
    expect(await deadlineOfCaptured('FO-EQ:AVIS-CAL-1')).toBe('2026-11-27');
  });

  it('version 2 closes Fri 27 Nov: a trade of Thu 26 Nov captured since is due by Mon 30 Nov; the deadline set before stays', async () => {
    await publish(Topics.refdataCalendars, [{ key: 'TARGET', event: targetCalendarUpserted(2, [EXTRA_CLOSING_DAY]) }]);
    await waitFor(async () => (await storedVersion()) === 2, { timeoutMs: 60_000, what: 'notification to store TARGET version 2' });
    expect(await deadlineOfCaptured('FO-EQ:AVIS-CAL-2')).toBe('2026-11-30');
    const { rows } = await env.db.query(`SELECT to_char(deadline, 'YYYY-MM-DD') AS d FROM notification.avis_deadlines WHERE trade_ref = 'FO-EQ:AVIS-CAL-1'`);
    expect(rows).toEqual([{ d: '2026-11-27' }]);
  });

  it('version 1 arriving after version 2 changes nothing: still due by Mon 30 Nov', async () => {
    await publish(Topics.refdataCalendars, [{ key: 'TARGET', event: targetCalendarUpserted(1, []) }]);
    await waitFor(() => groupCaughtUp(`${env.prefix}.notification.refdata-calendars`, physicalTopic(env.prefix, Topics.refdataCalendars)), {
      timeoutMs: 60_000,
      what: 'notification to consume refdata.calendars.v1',
    });
    expect(await storedVersion()).toBe(2);
    expect(await deadlineOfCaptured('FO-EQ:AVIS-CAL-3')).toBe('2026-11-30');
  });
});
