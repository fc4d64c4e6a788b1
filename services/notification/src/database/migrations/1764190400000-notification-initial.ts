import { platformTablesDown, platformTablesUp } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NotificationInitial1764190400000 implements MigrationInterface {
  name = 'NotificationInitial1764190400000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp('notification')) await q.query(sql);
    // The notification side of refdata.accounts.v1: who the client is, in which language and where to write.
    await q.query(`CREATE TABLE notification.client_contacts (
      account text PRIMARY KEY,
      client_id text NOT NULL,
      client_name text NOT NULL,
      account_type text NOT NULL CHECK (account_type IN ('CLIENT', 'PROPRIETARY')),
      language text NOT NULL CHECK (language IN ('fr', 'en')),
      email text,
      -- occurredAt of the event applied: an older event never overwrites a newer one.
      source_occurred_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    // One row per notice owed to a client. The unique key is the "exactly once per event, channel
    // and recipient" guarantee: a redelivered or replayed event finds its row and adds nothing.
    // Recipient, language, subject and body are filled at send time, from the contact known then.
    await q.query(`CREATE TABLE notification.notifications (
      notification_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('AVIS_OPERE', 'SETTLEMENT_CONFIRMATION')),
      cause_event_id text NOT NULL,
      trade_ref text NOT NULL,
      account text NOT NULL,
      channel text NOT NULL DEFAULT 'EMAIL' CHECK (channel IN ('EMAIL')),
      recipient text,
      language text CHECK (language IN ('fr', 'en')),
      subject text,
      body text,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      last_error text,
      -- Not before: the backoff after an error, or the lease of the sender that claimed it.
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claim_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      CONSTRAINT notifications_once UNIQUE (cause_event_id, kind, channel, account),
      CONSTRAINT notifications_sent_at CHECK ((status = 'SENT') = (sent_at IS NOT NULL))
    )`);
    // The sender's query reads only the pending rows: a partial index stays as small as the backlog.
    await q.query(`CREATE INDEX notifications_pending ON notification.notifications (created_at) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX notifications_trade_ref ON notification.notifications (trade_ref)`);
    // Every SMTP attempt, committed before the message is handed to the server: an attempt with no
    // outcome is a send the process did not live to record.
    await q.query(`CREATE TABLE notification.delivery_attempts (
      notification_id uuid NOT NULL REFERENCES notification.notifications (notification_id),
      attempt_no integer NOT NULL CHECK (attempt_no >= 1),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      outcome text CHECK (outcome IN ('SENT', 'ERROR')),
      error text,
      smtp_response text,
      PRIMARY KEY (notification_id, attempt_no),
      CONSTRAINT delivery_attempts_finished CHECK ((outcome IS NULL) = (finished_at IS NULL))
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['delivery_attempts', 'notifications', 'client_contacts']) await q.query(`DROP TABLE notification.${t}`);
    for (const sql of platformTablesDown('notification')) await q.query(sql);
  }
}
