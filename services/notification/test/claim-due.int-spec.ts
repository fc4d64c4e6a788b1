import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deterministicId } from '@postera/kernel';
import { dropTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { notificationDatabase } from './notification-database.js';
import { claimDue } from '../src/delivery/delivery.repository.js';
import { DELIVERIES_DUE_SQL, DeliveryBacklogGauge } from '../src/delivery/delivery-backlog.js';
import { PlatformMetrics } from '@postera/platform';

// claimDue against real Postgres, with a backlog of webhook retries not yet due (a client's
// endpoint down): the email claim takes the due emails in the order they came due, and reads them
// from the index of due deliveries instead of walking the backlog. The backlog the autoscaler and
// the gauge read counts what a claim would take: neither the retries waiting nor the claimed ones.

const noticeId = deterministicId('notice', 'claim-due');
const email = (k: string) => deterministicId('notification', `claim-due-${k}`);

describe('claimDue: the due deliveries of a channel, in due order, from the due index', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    ({ url, ds } = await notificationDatabase('notif-claim-due', noticeId));
    const insert = (ids: string[], channel: string, recipients: string[], status: string, dueInSeconds: number[]) =>
      ds.query(
        `INSERT INTO notification.notifications (notification_id, notice_id, kind, cause_event_id, trade_ref, account, channel, recipient, status, attempts, next_attempt_at, sent_at)
         SELECT id, $2, 'AVIS_OPERE', 'cause-event-1', 'T-1', 'CLI-1', $3, r, $4, 0, now() + make_interval(secs => d), CASE WHEN $4 = 'SENT' THEN now() END
         FROM unnest($1::uuid[], $5::text[], $6::float8[]) AS t(id, r, d)`,
        [ids, noticeId, channel, status, recipients, dueInSeconds],
      );
    // 2,000 webhook retries waiting an hour for an endpoint that is down.
    const backlog = Array.from({ length: 2000 }, (_, i) => deterministicId('notification', `claim-due-hook-${i}`));
    await insert(
      backlog,
      'WEBHOOK',
      backlog.map((_, i) => `https://down.example/${i}`),
      'PENDING',
      backlog.map(() => 3600),
    );
    // Emails: three due (created in this order, due in another), one not yet due, one already sent.
    await insert([email('b'), email('c'), email('a')], 'EMAIL', ['b@x.example', 'c@x.example', 'a@x.example'], 'PENDING', [-2, -1, -3]);
    await insert([email('later')], 'EMAIL', ['later@x.example'], 'PENDING', [3600]);
    await insert([email('sent')], 'EMAIL', ['sent@x.example'], 'SENT', [-10]);
    await ds.query('ANALYZE notification.notifications');
  });
  afterAll(async () => {
    await ds?.destroy();
    if (url) await dropTestDatabase(url);
  });

  it('reads the due emails from notifications_due, without walking the webhook backlog', async () => {
    const [plan] = (await ds.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT n.notification_id FROM notification.notifications n
       WHERE n.status = 'PENDING' AND n.channel = 'EMAIL' AND n.next_attempt_at <= now() AND n.recipient IS NOT NULL
       ORDER BY n.next_attempt_at, n.notification_id LIMIT 400`,
    )) as Array<{ 'QUERY PLAN': unknown }>;
    const text = JSON.stringify(plan!['QUERY PLAN']);
    expect(text).toContain('"Index Name":"notifications_due"');
    expect(text).toContain(`"Index Cond":"((channel = 'EMAIL'::text) AND (next_attempt_at <= now()))"`);
    expect(text).toContain('"Rows Removed by Filter":0');
    expect(text).toContain('"Actual Rows":3');
  });

  const dueNow = async () => Number(((await ds.query(DELIVERIES_DUE_SQL)) as Array<{ count: string }>)[0]!.count);
  const gauge = async () => {
    const metrics = new PlatformMetrics('notification', async () => 0);
    new DeliveryBacklogGauge(ds, metrics);
    return (await metrics.registry.getSingleMetric('postera_notification_deliveries_due')!.get()).values.map((v) => [v.labels.channel, v.value]);
  };

  it('counts as waiting the three due emails: not the sent one, not the one due in an hour, not the 2,000 webhook retries', async () => {
    expect(await dueNow()).toBe(3);
    expect(await gauge()).toEqual([
      ['EMAIL', 3],
      ['WEBHOOK', 0],
    ]);
  });

  it('claims the three due emails in the order they came due, leases them and starts their first attempt', async () => {
    const first = await claimDue(ds, 'EMAIL', deterministicId('claim', '1'), 400, 60_000);
    expect(first.toSend.map(({ n, attempt }) => [n.recipient, attempt.attemptNo, attempt.attempts])).toEqual([
      ['a@x.example', 1, 1],
      ['b@x.example', 1, 1],
      ['c@x.example', 1, 1],
    ]);
    const kept = (await ds.query(
      `SELECT claim_id, attempt_no, attempts, attempt_started_at IS NOT NULL AS in_flight,
              next_attempt_at BETWEEN now() + interval '50 seconds' AND now() + interval '61 seconds' AS leased
       FROM notification.notifications WHERE channel = 'EMAIL' AND status = 'PENDING' AND claim_id IS NOT NULL ORDER BY recipient`,
    )) as Array<Record<string, unknown>>;
    expect(kept).toEqual(['a', 'b', 'c'].map(() => ({ claim_id: deterministicId('claim', '1'), attempt_no: 1, attempts: 1, in_flight: true, leased: true })));
    expect((await ds.query(`SELECT count(*)::int AS n FROM notification.delivery_attempts`))[0].n).toBe(0);
    const second = await claimDue(ds, 'EMAIL', deterministicId('claim', '2'), 400, 60_000);
    expect(second.toSend).toEqual([]);
    expect((await claimDue(ds, 'WEBHOOK', deterministicId('claim', '3'), 400, 60_000)).toSend).toEqual([]);
  });

  it("counts nothing once they are claimed: they are in a sender's hands until the lease runs out", async () => {
    expect(await dueNow()).toBe(0);
    expect(await gauge()).toEqual([
      ['EMAIL', 0],
      ['WEBHOOK', 0],
    ]);
    // The lease over (a sender died with them), they wait again.
    await ds.query(`UPDATE notification.notifications SET next_attempt_at = now() - interval '1 second' WHERE claim_id IS NOT NULL AND status = 'PENDING'`);
    expect(await dueNow()).toBe(3);
  });

  it('claimed again after a sender died mid-send: the attempt it had in flight written interrupted, the next one started', async () => {
    const again = await claimDue(ds, 'EMAIL', deterministicId('claim', '4'), 400, 60_000);
    // Due at the same instant (the lease set back above): in id order, so compared by recipient.
    expect(again.toSend.map(({ n, attempt }) => [n.recipient, attempt.attemptNo, attempt.attempts]).sort()).toEqual([
      ['a@x.example', 2, 2],
      ['b@x.example', 2, 2],
      ['c@x.example', 2, 2],
    ]);
    const written = (await ds.query(
      `SELECT a.attempt_no, a.outcome, a.error LIKE 'interrupted:%' AS interrupted, n.recipient
       FROM notification.delivery_attempts a JOIN notification.notifications n USING (notification_id) ORDER BY n.recipient`,
    )) as Array<Record<string, unknown>>;
    expect(written).toEqual(
      ['a@x.example', 'b@x.example', 'c@x.example'].map((recipient) => ({ attempt_no: 1, outcome: 'ERROR', interrupted: true, recipient })),
    );
  });
});
