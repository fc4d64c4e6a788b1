import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deterministicId } from '@postera/kernel';
import { dropTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { notificationDatabase, undoMigrationsThrough } from './notification-database.js';

// The migration that drops the answers' text an earlier version kept of webhook attempts, against
// real Postgres: the status stays, an SMTP reply is not touched.

const noticeId = deterministicId('notice', 'answers-status-only');
const [hook, mail] = ['hook', 'mail'].map((k) => deterministicId('notification', 'answers-status-only', k));

describe('webhook answers: the status only, for the attempts recorded before too', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    ({ url, ds } = await notificationDatabase('notif-answers', noticeId));
    await undoMigrationsThrough(ds, 'NotificationWebhookAnswersStatusOnly1796810000000');
    await ds.query(
      `INSERT INTO notification.notifications (notification_id, notice_id, kind, cause_event_id, trade_ref, account, channel, recipient, status, attempts, sent_at)
       VALUES ($1, $3, 'AVIS_OPERE', 'cause-event-1', 'T-1', 'CLI-1', 'WEBHOOK', 'https://hooks.example/x', 'SENT', 3, now()),
              ($2, $3, 'AVIS_OPERE', 'cause-event-1', 'T-1', 'CLI-1', 'EMAIL', 'ops@client.example', 'SENT', 1, now())`,
      [hook, mail, noticeId],
    );
    await ds.query(
      `INSERT INTO notification.delivery_attempts (notification_id, attempt_no, outcome, error, smtp_response, finished_at) SELECT *, now() FROM (VALUES
         ($1::uuid, 1, 'ERROR', 'HTTP 500', '500 {"error":"db password is hunter2"}'),
         ($1, 2, 'ERROR', 'TypeError: fetch failed (ECONNREFUSED)', NULL),
         ($1, 3, 'SENT', NULL, '200'),
         ($2::uuid, 1, 'SENT', NULL, '250 2.0.0 OK queued as 4F2A')) AS v(notification_id, attempt_no, outcome, error, smtp_response)`,
      [hook, mail],
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    if (url) await dropTestDatabase(url);
  });

  it('keeps the status of a webhook answer and drops its text; leaves SMTP replies', async () => {
    await ds.runMigrations({ transaction: 'each' });
    const rows = (await ds.query(
      `SELECT notification_id = $1 AS hook, attempt_no AS "attemptNo", smtp_response AS response FROM notification.delivery_attempts ORDER BY 1 DESC, 2`,
      [hook],
    )) as Array<{ hook: boolean; attemptNo: number; response: string | null }>;
    expect(rows.map((r) => [r.hook, r.attemptNo, r.response])).toEqual([
      [true, 1, '500'],
      [true, 2, null],
      [true, 3, '200'],
      [false, 1, '250 2.0.0 OK queued as 4F2A'],
    ]);
  });
});
