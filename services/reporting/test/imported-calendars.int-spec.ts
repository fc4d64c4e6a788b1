import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics } from '@postera/contracts';
import { businessDay, produceRaw, waitFor, targetCalendarUpserted } from '@postera/testing';
import { eventHeaders } from '@postera/platform';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import { instruction, publishTo, readReporting, trade } from './reporting-fixtures.js';

// Reporting as a built process on the real broker and database: the activity report counts business
// days on TARGET as the referential publishes it on refdata.calendars.v1. Worked example, the report
// of Thu 3 Dec 2026 with one fail: F1, due Tue 1 Dec, failing (LACK).
// - before any import, TARGET as built in: 2 and 3 Dec are open after the intended date, F1 is
//   2 business days old (bucket 2-5); Wed 2 Dec is a trend day;
// - TARGET imported with Wed 2 Dec closed: only 3 Dec counts, F1 is 1 business day old (bucket 1);
//   2 Dec is no longer a trend day, the trend reaches one business day further back (Thu 5 Nov).
jest.setTimeout(180_000);

const D = '2026-12-03';
const EXTRA_CLOSING_DAY = '2026-12-02';
const F1 = trade('FO-EQ:CAL-F1', { tradeDate: '2026-11-27', settlementDate: '2026-12-01' });

interface Report {
  fails: { total: number; byAge: Array<{ bucket: string; count: number }> };
  trend: Array<{ date: string }>;
}

describe('the activity report counts business days on the TARGET calendar imported on refdata.calendars.v1', () => {
  let env: E2eEnv;
  const report = async () => (await readReporting(env, `/activity-report?businessDate=${D}`)) as Report;
  const ages = (r: Report) => Object.fromEntries(r.fails.byAge.map((a) => [a.bucket, a.count]));

  beforeAll(async () => {
    env = await e2eEnv('reporting-calendars', { basePort: 6600, smtpUrl: 'smtp://127.0.0.1:1', services: ['reporting'] });
    await env.stack.startAll();
    await produceRaw(env.prefix, Topics.businessDay, [{ key: 'TARGET', value: JSON.stringify(businessDay('BusinessDayOpened', D)) }]);
    await waitFor(
      async () => (await env.db.query(`SELECT 1 FROM reporting.business_day WHERE calendar = 'TARGET' AND business_date = $1`, [D])).rows.length === 1,
      { timeoutMs: 30_000, what: `reporting to open ${D}` },
    );
    await publishTo(env, Topics.settlementEvents, instruction(F1, 'FAILING', { reason: 'LACK' }));
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('before any import, TARGET as built in: F1 due Tue 1 Dec is 2 business days old on Thu 3 Dec', async () => {
    expect((await env.db.query(`SELECT 1 FROM reporting.calendars`)).rows).toEqual([]);
    const r = await report();
    expect(r.fails.total).toBe(1);
    expect(ages(r)).toEqual({ '0': 0, '1': 0, '2-5': 1, '6-10': 0, '>10': 0 });
    expect(r.trend.map((p) => p.date)).toContain(EXTRA_CLOSING_DAY);
    expect(r.trend[0]!.date).toBe('2026-11-06');
  });

  it('TARGET imported with Wed 2 Dec closed: F1 is 1 business day old, and 2 Dec is no trend day', async () => {
    const event = targetCalendarUpserted(1, [EXTRA_CLOSING_DAY]);
    await produceRaw(env.prefix, Topics.refdataCalendars, [{ key: 'TARGET', value: JSON.stringify(event), headers: eventHeaders(event) }]);
    await waitFor(() => groupCaughtUp(`${env.prefix}.reporting.refdata-calendars`, physicalTopic(env.prefix, Topics.refdataCalendars)), {
      timeoutMs: 60_000,
      what: 'reporting to consume refdata.calendars.v1',
    });
    expect((await env.db.query(`SELECT version FROM reporting.calendars WHERE code = 'TARGET'`)).rows).toEqual([{ version: 1 }]);
    const r = await report();
    expect(r.fails.total).toBe(1);
    expect(ages(r)).toEqual({ '0': 0, '1': 1, '2-5': 0, '6-10': 0, '>10': 0 });
    expect(r.trend.map((p) => p.date)).not.toContain(EXTRA_CLOSING_DAY);
    expect(r.trend).toHaveLength(20);
    expect(r.trend[0]!.date).toBe('2026-11-05');
  });
});
