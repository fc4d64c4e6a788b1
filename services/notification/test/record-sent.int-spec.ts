import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { eventHeaders } from '@postera/platform';
import { dropTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { notificationDatabase } from './notification-database.js';
import { recordSent, type SentAttempt } from '../src/delivery/delivery.repository.js';
import { notificationSent } from '../src/delivery/notification-events.js';

// recordSent against real Postgres: what one call marks, what it appends to the outbox, what a
// repeat does, and that it costs the sending lane one statement per mail.

const noticeId = deterministicId('notice', 'record-sent');
const ids = ['a', 'b', 'c'].map((k) => deterministicId('notification', k));

function sent(notificationId: string, attemptNo: number, tradeRef: string): SentAttempt {
  const event = notificationSent(
    {
      notificationId,
      kind: 'AVIS_OPERE',
      tradeRef,
      account: 'CLI-1',
      channel: 'EMAIL',
      language: 'fr',
      messageId: `<${notificationId}@postera>`,
      attempts: attemptNo,
    },
    'cause-event-1',
  );
  return {
    notificationId,
    attemptNo,
    smtpResponse: `250 2.0.0 OK queued as ${tradeRef}`,
    event,
    message: { language: 'fr', subject: `Avis d'opéré — ${tradeRef}`, body: `Avis d'opéré de la négociation ${tradeRef}` },
  };
}

describe('recordSent: the SENT marks and their events in one statement', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    ({ url, ds } = await notificationDatabase('notif-record-sent', noticeId));
    // a and b are ours and PENDING; c was taken over by another sender after our lease, which sent it first.
    // Each with its first attempt in flight, started 10 s ago (the claim keeps it on the delivery; no attempt row yet).
    await ds.query(
      `INSERT INTO notification.notifications (notification_id, notice_id, kind, cause_event_id, trade_ref, account, channel, recipient, status, attempts, claim_id, sent_at,
                                               attempt_no, attempt_started_at)
       SELECT id, $2, 'AVIS_OPERE', 'cause-event-1', 'T-1', 'CLI-1', 'EMAIL', r, s, 1, CASE WHEN s = 'PENDING' THEN gen_random_uuid() END,
              CASE WHEN s = 'SENT' THEN now() - interval '1 minute' END, 1, now() - interval '10 seconds'
       FROM unnest($1::uuid[], ARRAY['a@x.example', 'b@x.example', 'c@x.example'], ARRAY['PENDING', 'PENDING', 'SENT']) AS t(id, r, s)`,
      [ids, noticeId],
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    if (url) await dropTestDatabase(url);
  });

  it('marks the PENDING ones SENT, writes every attempt, appends one event per notification it marked, in one statement', async () => {
    const batch = [sent(ids[1]!, 1, 'T-B'), sent(ids[2]!, 1, 'T-C'), sent(ids[0]!, 1, 'T-A')];
    const statements = jest.spyOn(ds.logger, 'logQuery');
    const marked = await recordSent(ds, batch);
    expect(statements).toHaveBeenCalledTimes(1);
    statements.mockRestore();

    expect([...marked].sort()).toEqual([ids[0], ids[1]].sort());
    const notifications = (await ds.query(
      `SELECT notification_id, status, claim_id, sent_at < now() - interval '30 seconds' AS earlier, language, subject, body
       FROM notification.notifications ORDER BY recipient`,
    )) as Array<{
      notification_id: string;
      status: string;
      claim_id: string | null;
      earlier: boolean;
      language: string | null;
      subject: string | null;
      body: string | null;
    }>;
    expect(notifications.map((n) => [n.notification_id, n.status, n.claim_id, n.earlier, n.language, n.subject, n.body])).toEqual([
      [ids[0], 'SENT', null, false, 'fr', "Avis d'opéré — T-A", "Avis d'opéré de la négociation T-A"],
      [ids[1], 'SENT', null, false, 'fr', "Avis d'opéré — T-B", "Avis d'opéré de la négociation T-B"],
      [ids[2], 'SENT', null, true, null, null, null], // the other sender's mark stands, with what it wrote
    ]);
    const attempts = (await ds.query(
      `SELECT notification_id, outcome, smtp_response, finished_at - started_at >= interval '10 seconds' AS started_in_flight FROM notification.delivery_attempts ORDER BY notification_id`,
    )) as Array<{ notification_id: string; outcome: string; smtp_response: string; started_in_flight: boolean }>;
    // One row per attempt, written now with the start the delivery kept.
    const expectedAttempts = batch.map((s) => ({ notification_id: s.notificationId, outcome: 'SENT', smtp_response: s.smtpResponse, started_in_flight: true }));
    expect(attempts).toEqual(expectedAttempts.sort((x, y) => x.notification_id.localeCompare(y.notification_id)));

    // The events of b then a, in the batch's order, as appendToOutbox writes them; none for c.
    const outbox = (await ds.query(`SELECT event_id, topic, message_key, value, headers FROM notification.outbox ORDER BY id`)) as Array<
      Record<string, unknown>
    >;
    expect(outbox).toEqual(
      [batch[0]!, batch[2]!].map((s) => ({
        event_id: s.event.eventId,
        topic: Topics.notificationEvents,
        message_key: s.event.correlationId,
        value: JSON.stringify(s.event),
        headers: eventHeaders(s.event),
      })),
    );
  });

  it('repeated (a commit whose outcome was unknown), marks nothing and appends nothing', async () => {
    const marked = await recordSent(ds, [sent(ids[0]!, 1, 'T-A'), sent(ids[1]!, 1, 'T-B')]);
    expect(marked.size).toBe(0);
    expect((await ds.query(`SELECT count(*)::int AS n FROM notification.outbox`))[0].n).toBe(2);
  });
});
