import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { SmtpSink } from '@postera/testing';
import { waitFor } from '@postera/testing';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { digestId } from '../src/delivery/digest.repository.js';
import { account, accountUpserted, caughtUp, day, notificationEnv, publish, Topics, trade, validated } from './notification-fixtures.js';

// The honest limit of SMTP for a digest: the service is SIGKILLed (fault point after-digest-send)
// right after the server accepted the day's digest and before its SENT commit. Restarted, the digest
// goes once more when its lease ends (90 s and 50 ms per notice) with the same Message-ID — never a
// second, different mail — and its attempts say so.
jest.setTimeout(300_000);

const BUSINESS_DATE = '2026-11-26';
const MAILBOX = 'back-office@daily-client.example';

describe('a daily digest, the service killed between SMTP acceptance and SENT', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;
  const trades = ['FO-EQ:DK-1', 'FO-EQ:DK-2', 'FO-EQ:DK-3'].map((ref) => trade(ref, { account: 'CLI-DAILY', clientId: 'C-DAILY' }));

  beforeAll(async () => {
    ({ env, smtp } = await notificationEnv('notif-digest-kill', 5140));
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
  });

  it('is sent again once, with the same Message-ID, and recorded SENT with the interrupted attempt before it', async () => {
    const first = env.stack.start('notification', { POSTERA_FAULT: 'after-digest-send:1' });
    await env.stack.waitHealthy('notification');
    await publish(
      env,
      Topics.refdataAccounts,
      accountUpserted(
        account({ account: 'CLI-DAILY', clientId: 'C-DAILY', language: 'en', noticeDelivery: 'DAILY', contacts: [{ channel: 'EMAIL', address: MAILBOX }] }),
      ),
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
    await publish(env, Topics.businessDay, day('BusinessDayOpened', BUSINESS_DATE));
    await caughtUp(env, 'business-day', Topics.businessDay);
    await publish(env, Topics.tradeEvents, ...trades.map((t) => validated(t)));
    await caughtUp(env, 'trade-events', Topics.tradeEvents);
    await waitFor(async () => Number((await env.db.query(`SELECT count(*) AS n FROM notification.notifications WHERE status = 'HELD'`)).rows[0].n) === 3, {
      timeoutMs: 10_000,
      what: 'three avis held for the digest',
    });
    expect(smtp.received).toBe(0);

    await publish(env, Topics.businessDay, day('BusinessDayClosed', BUSINESS_DATE));
    // The process kills itself right after the server accepted the digest.
    expect(await first.exited).toBe(-1);
    env.stack.running.delete('notification');
    expect(smtp.received).toBe(1);

    env.stack.start('notification');
    await env.stack.waitHealthy('notification');
    await smtp.waitFor(2, 200_000);
    const id = digestId('CLI-DAILY', BUSINESS_DATE, 'EMAIL', MAILBOX);
    await waitFor(async () => (await env.db.query(`SELECT 1 FROM notification.digests WHERE digest_id = $1 AND status = 'SENT'`, [id])).rowCount === 1, {
      timeoutMs: 10_000,
      what: 'the digest SENT',
    });
    await new Promise((r) => setTimeout(r, 3000));

    // Twice the same mail, never a third nor a different one.
    expect(smtp.received).toBe(2);
    expect(smtp.messages.map((m) => m.messageId)).toEqual([`<digest-${id}@postera>`, `<digest-${id}@postera>`]);
    expect(smtp.messages.map((m) => m.attachments.map((a) => a.filename).sort())).toEqual(
      [0, 1].map(() => trades.map((t) => `trade-confirmation-${t.tradeRef.replace(':', '_')}.pdf`)),
    );

    const attempts = await env.db.query(`SELECT attempt_no, outcome, error FROM notification.digest_attempts WHERE digest_id = $1 ORDER BY attempt_no`, [id]);
    expect(attempts.rows).toEqual([
      { attempt_no: 1, outcome: 'ERROR', error: expect.stringMatching(/^interrupted/) },
      { attempt_no: 2, outcome: 'SENT', error: null },
    ]);
    const members = await env.db.query(`SELECT status, digest_id FROM notification.notifications ORDER BY trade_ref`);
    expect(members.rows).toEqual(trades.map(() => ({ status: 'SENT', digest_id: id })));
    expect((await env.db.query(`SELECT count(*)::int AS n FROM notification.digests`)).rows[0].n).toBe(1);
  });
});
