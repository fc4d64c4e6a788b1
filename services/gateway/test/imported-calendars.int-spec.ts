import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics } from '@postera/contracts';
import { TARGET } from '@postera/kernel';
import { eventHeaders } from '@postera/platform';
import { produceRaw, waitFor, targetCalendarUpserted } from '@postera/testing';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// The gateway as a built process on the real broker and database: a supervisor opens only a business
// day of TARGET as the referential publishes it on refdata.calendars.v1. Worked example: Wed 2 Dec
// 2026 is open on TARGET as built in; the referential closes it (version 1). Opening 2 Dec is then
// refused (409, nothing recorded or published); opening Thu 3 Dec, the next business day, is done.
jest.setTimeout(180_000);

const CLOSED_BY_REFERENTIAL = '2026-12-02';
const NEXT_BUSINESS_DAY = '2026-12-03';

describe('the gateway opens only a business day of the TARGET calendar imported on refdata.calendars.v1', () => {
  let env: E2eEnv;
  const open = async (businessDate: string) => {
    const token = await env.stack.issuer.token('sam', ['supervisor']);
    const res = await fetch(`${env.stack.url('gateway')}/api/business-day/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ businessDate }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const commands = async () =>
    (
      await env.db.query(
        `SELECT to_char(business_date, 'YYYY-MM-DD') AS d, action FROM gateway.business_day_commands WHERE calendar = 'TARGET' ORDER BY business_date, action`,
      )
    ).rows;

  beforeAll(async () => {
    env = await e2eEnv('gateway-calendars', { basePort: 6700, smtpUrl: 'smtp://127.0.0.1:1', services: ['gateway'] });
    await env.stack.startAll();
    const event = targetCalendarUpserted(1, [CLOSED_BY_REFERENTIAL]);
    await produceRaw(env.prefix, Topics.refdataCalendars, [{ key: 'TARGET', value: JSON.stringify(event), headers: eventHeaders(event) }]);
    await waitFor(() => groupCaughtUp(`${env.prefix}.gateway.refdata-calendars`, physicalTopic(env.prefix, Topics.refdataCalendars)), {
      timeoutMs: 60_000,
      what: 'the gateway to consume refdata.calendars.v1',
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('Wed 2 Dec, open on TARGET as built in but closed by the referential, is refused: nothing recorded', async () => {
    expect(TARGET.isBusinessDay(CLOSED_BY_REFERENTIAL)).toBe(true);
    expect((await env.db.query(`SELECT version FROM gateway.calendars WHERE code = 'TARGET'`)).rows).toEqual([{ version: 1 }]);
    const refused = await open(CLOSED_BY_REFERENTIAL);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('2026-12-02 is a TARGET closing day (weekend or holiday): open the next business day');
    expect(await commands()).toEqual([]);
  });

  it('Thu 3 Dec, the next business day, opens', async () => {
    const opened = await open(NEXT_BUSINESS_DAY);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ calendar: 'TARGET', businessDate: NEXT_BUSINESS_DAY, status: 'OPEN', alreadyDone: false });
    expect(await commands()).toEqual([{ d: NEXT_BUSINESS_DAY, action: 'OPEN' }]);
  });
});
