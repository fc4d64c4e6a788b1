import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics } from '@postera/contracts';
import { businessDay, waitFor, targetCalendarUpserted } from '@postera/testing';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import { publish, signedFetch } from './builders.js';

// Accounting as a built process on the real broker and database: a reconciliation break ages in
// business days of TARGET as the referential publishes it on refdata.calendars.v1. Worked example:
// the desk's P&L of PROP-EQ for Mon 30 Nov 2026 says 100.00, accounting has none of that book:
// a P&L break first seen on 30 Nov. Accounting's business date is Thu 3 Dec.
// - before any import, TARGET as built in: 1, 2 and 3 Dec are open, the break is 3 business days old
//   (ageing bucket 3-5);
// - TARGET imported with Tue 1 Dec closed: 2 and 3 Dec only, 2 business days old (bucket 1-2).
jest.setTimeout(180_000);

const FIRST_SEEN = '2026-11-30';
const TODAY = '2026-12-03';
const EXTRA_CLOSING_DAY = '2026-12-01';

describe('a reconciliation break ages on the TARGET calendar imported on refdata.calendars.v1', () => {
  let env: E2eEnv;
  let breakId: string;
  const url = (path: string) => `${env.stack.url('accounting')}${path}`;
  const call = async (path: string, init?: RequestInit) => {
    const r = await signedFetch(env.stack, url(path), init);
    expect([path, r.ok]).toEqual([path, true]);
    return (await r.json()) as Record<string, unknown>;
  };
  const ageAndBucket = async () => {
    const b = (await call(`/reconciliations/breaks/${breakId}`)) as { ageBusinessDays: number };
    const summary = (await call('/reconciliations/breaks/summary')) as { ageing: Record<string, number> };
    return { age: b.ageBusinessDays, ageing: summary.ageing };
  };

  beforeAll(async () => {
    env = await e2eEnv('accounting-calendars', { basePort: 6500, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
    await publish(env.prefix, Topics.businessDay, [businessDay('BusinessDayOpened', TODAY)], () => 'TARGET');
    const json = { 'content-type': 'application/json' };
    await call('/reconciliations/desk-pnl', {
      method: 'POST',
      headers: json,
      body: JSON.stringify([{ book: 'PROP-EQ', date: FIRST_SEEN, currency: 'EUR', amount: '100.00' }]),
    });
    const run = (await call(`/reconciliations/pnl?date=${FIRST_SEEN}`, { method: 'POST' })) as {
      breaks: Array<{ breakId: string; item: string; ours: string | null; theirs: string }>;
    };
    const own = run.breaks.filter((b) => b.item === 'PROP-EQ|EUR');
    expect(own.map((b) => [b.item, b.ours, b.theirs])).toEqual([['PROP-EQ|EUR', null, '100.00']]);
    breakId = own[0]!.breakId;
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('before any import, TARGET as built in: first seen Mon 30 Nov, 3 business days old on Thu 3 Dec', async () => {
    expect((await env.db.query(`SELECT 1 FROM accounting.calendars`)).rows).toEqual([]);
    const { age, ageing } = await ageAndBucket();
    expect(age).toBe(3);
    expect(ageing).toEqual({ '0': 0, '1-2': 0, '3-5': 1, '6-20': 0, '>20': 0 });
  });

  it('TARGET imported with Tue 1 Dec closed: the same break is 2 business days old', async () => {
    await publish(env.prefix, Topics.refdataCalendars, [targetCalendarUpserted(1, [EXTRA_CLOSING_DAY])], () => 'TARGET');
    await waitFor(() => groupCaughtUp(`${env.prefix}.accounting.refdata-calendars`, physicalTopic(env.prefix, Topics.refdataCalendars)), {
      timeoutMs: 60_000,
      what: 'accounting to consume refdata.calendars.v1',
    });
    expect((await env.db.query(`SELECT version FROM accounting.calendars WHERE code = 'TARGET'`)).rows).toEqual([{ version: 1 }]);
    const { age, ageing } = await ageAndBucket();
    expect(age).toBe(2);
    expect(ageing).toEqual({ '0': 0, '1-2': 1, '3-5': 0, '6-20': 0, '>20': 0 });
  });
});
