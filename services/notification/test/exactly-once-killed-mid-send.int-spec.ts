import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { SmtpSink } from '@postera/testing';
import { waitFor } from '@postera/testing';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { account, accountUpserted, caughtUp, notificationEnv, publish, Topics, trade, validated } from './notification-fixtures.js';

// The honest limit of SMTP, measured: the service is SIGKILLed (fault point after-smtp-send) right
// after the server accepted the 3rd mail and before its SENT mark commits, and every event is
// published a second time. One lane (SEND_CONCURRENCY_MAX=1), so exactly one mail can be accepted
// and unrecorded at the kill: that one mail — and no other — arrives twice, with the same Message-ID.
jest.setTimeout(300_000);

const TRADES = 10;

describe('exactly once per notice, the service killed mid-send and the events redelivered', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;
  const events = Array.from({ length: TRADES }, (_, i) => validated(trade(`FO-EQ:K-${String(i).padStart(2, '0')}`)));

  beforeAll(async () => {
    ({ env, smtp } = await notificationEnv('notif-kill', 5120, { SEND_CONCURRENCY_MAX: '1', SEND_BATCH_MAX: '20' }));
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
  });

  it('every notice arrives once, except the one accepted at the kill, which arrives exactly twice with its Message-ID', async () => {
    const first = env.stack.start('notification', { POSTERA_FAULT: 'after-smtp-send:3' });
    await env.stack.waitHealthy('notification');
    await publish(
      env,
      Topics.refdataAccounts,
      accountUpserted(account({ account: 'CLI-FR', contacts: [{ channel: 'EMAIL', address: 'camille@example.fr' }] })),
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
    await publish(env, Topics.tradeEvents, ...events);
    // The process kills itself right after the server accepted the 3rd mail.
    expect(await first.exited).toBe(-1);
    env.stack.running.delete('notification');
    expect(smtp.received).toBe(3);

    // Restarted; every event delivered again (same event ids): no notice is added.
    env.stack.start('notification');
    await env.stack.waitHealthy('notification');
    await publish(env, Topics.tradeEvents, ...events);
    await caughtUp(env, 'trade-events', Topics.tradeEvents);
    // The batch's attempts were committed before its first send: the 8 notices left (the 3rd, accepted
    // but unrecorded, and the 7 not yet sent) wait for the send lease (2 min), then go out.
    await smtp.waitFor(TRADES + 1, 200_000);
    await waitFor(async () => Number((await env.db.query(`SELECT count(*) AS n FROM notification.notifications WHERE status = 'SENT'`)).rows[0].n) === TRADES, {
      timeoutMs: 10_000,
      what: 'every notice SENT',
    });
    await new Promise((r) => setTimeout(r, 2000));
    expect(smtp.received).toBe(TRADES + 1);

    const copies = new Map<string, string[]>();
    for (const m of smtp.messages) {
      const id = m.headers.get('x-postera-notification-id') as string;
      copies.set(id, [...(copies.get(id) ?? []), m.messageId ?? '']);
    }
    expect(copies.size).toBe(TRADES);
    const twice = [...copies.entries()].filter(([, ids]) => ids.length > 1);
    expect(twice).toHaveLength(1);
    const [dupId, messageIds] = twice[0]!;
    expect(messageIds).toEqual([`<${dupId}@postera>`, `<${dupId}@postera>`]);
    // The duplicate is the 3rd mail accepted before the kill.
    expect(smtp.messages[2]!.headers.get('x-postera-notification-id')).toBe(dupId);

    const { rows } = await env.db.query(
      `SELECT n.notification_id, count(a.*)::int AS attempts, array_agg(a.outcome ORDER BY a.attempt_no) AS outcomes, array_agg(a.error ORDER BY a.attempt_no) AS errors
       FROM notification.notifications n JOIN notification.delivery_attempts a USING (notification_id) GROUP BY n.notification_id`,
    );
    type Row = { notification_id: string; attempts: number; outcomes: string[]; errors: Array<string | null> };
    const byId = new Map((rows as Row[]).map((r) => [r.notification_id, r]));
    expect(byId.size).toBe(TRADES);
    // Every attempt recorded with its outcome: the interrupted one says so.
    expect(byId.get(dupId)).toMatchObject({ attempts: 2, outcomes: ['ERROR', 'SENT'] });
    expect(byId.get(dupId)!.errors[0]).toMatch(/^interrupted/);
    // The two recorded before the kill: one attempt. The seven never handed to SMTP: those already claimed
    // by the crashed batch have their open attempt closed as interrupted (the sender cannot tell them from
    // the 3rd), then one SENT; those the crashed process had not claimed yet (their events came in a later
    // batch — timing decides) were attempted once. Either way, exactly one SENT each.
    const before = [smtp.messages[0]!, smtp.messages[1]!].map((m) => m.headers.get('x-postera-notification-id') as string);
    for (const [id, r] of byId) {
      if (id === dupId) continue;
      const record = r;
      if (before.includes(id)) expect(record).toMatchObject({ attempts: 1, outcomes: ['SENT'] });
      else if (record.attempts === 2) {
        expect(record.outcomes).toEqual(['ERROR', 'SENT']);
        expect(record.errors[0]).toMatch(/^interrupted/);
      } else expect(record).toMatchObject({ attempts: 1, outcomes: ['SENT'] });
    }
    const outbox = await env.db.query(`SELECT count(*)::int AS n FROM notification.notices`);
    expect(outbox.rows[0].n).toBe(TRADES);
  });
});
