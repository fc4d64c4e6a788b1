import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The client's delivery policy and the daily digest, and the attempts written once, at their outcome.
 *
 * - `client_contacts.notice_delivery`: IMMEDIATE (one mail per notice) or DAILY (one mail per
 *   business day at the close), from refdata.accounts.v1 `noticeDelivery` (absent: IMMEDIATE).
 * - A DAILY account's email deliveries are routed `HELD`: never claimed by the email sender. The close
 *   makes one `digests` row per account, closed day and recipient and ties the held deliveries not
 *   yet in a digest to it (`notifications.digest_id`). The digest's SENT marks them SENT at the same instant:
 *   each notice's delivery says which mail carried it (digest_id → Message-ID) and when SMTP accepted it.
 * - The attempt in flight lives on its delivery (`attempt_no`, `attempt_started_at`); the
 *   `delivery_attempts` row is written once, at the outcome, with its start and end. An attempt
 *   the process did not live to record is written `interrupted` when the delivery is next attempted.
 *   Attempts open when this runs move onto their delivery the same way.
 */
export class NotificationDailyDigests1797400000000 implements MigrationInterface {
  name = 'NotificationDailyDigests1797400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification.client_contacts
      ADD COLUMN notice_delivery text NOT NULL DEFAULT 'IMMEDIATE' CHECK (notice_delivery IN ('IMMEDIATE', 'DAILY'))`);

    await q.query(`CREATE TABLE notification.digests (
      digest_id uuid PRIMARY KEY,
      account text NOT NULL,
      business_date date NOT NULL,
      channel text NOT NULL CHECK (channel IN ('EMAIL')),
      recipient text NOT NULL,
      language text NOT NULL CHECK (language IN ('fr', 'en')),
      notices integer NOT NULL CHECK (notices >= 1),
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      attempt_no integer NOT NULL DEFAULT 0 CHECK (attempt_no >= 0),
      attempt_started_at timestamptz,
      last_error text,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claim_id uuid,
      message_id text NOT NULL,
      subject text,
      smtp_response text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      CONSTRAINT digests_once UNIQUE (account, business_date, channel, recipient),
      CONSTRAINT digests_sent_at CHECK ((status = 'SENT') = (sent_at IS NOT NULL))
    )`);
    await q.query(`CREATE INDEX digests_due ON notification.digests (next_attempt_at, digest_id) WHERE status = 'PENDING'`);
    // Every attempt of a digest, written at its outcome (an interrupted one when the digest is next attempted).
    await q.query(`CREATE TABLE notification.digest_attempts (
      digest_id uuid NOT NULL REFERENCES notification.digests (digest_id),
      attempt_no integer NOT NULL CHECK (attempt_no >= 1),
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('SENT', 'ERROR')),
      error text,
      smtp_response text,
      PRIMARY KEY (digest_id, attempt_no)
    )`);

    await q.query(`ALTER TABLE notification.notifications
      ADD COLUMN digest_id uuid REFERENCES notification.digests (digest_id),
      ADD COLUMN attempt_no integer NOT NULL DEFAULT 0 CHECK (attempt_no >= 0),
      ADD COLUMN attempt_started_at timestamptz,
      DROP CONSTRAINT notifications_status_check`);
    await q.query(
      `ALTER TABLE notification.notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('PENDING', 'HELD', 'SENT', 'FAILED', 'SKIPPED'))`,
    );
    // What a close reads: a DAILY account's held deliveries; and a digest's deliveries.
    await q.query(`CREATE INDEX notifications_held ON notification.notifications (account, recipient) WHERE status = 'HELD' AND digest_id IS NULL`);
    await q.query(`CREATE INDEX notifications_digest ON notification.notifications (digest_id) WHERE digest_id IS NOT NULL`);

    // The attempts so far: the last number on the delivery; an open one becomes its attempt in flight.
    await q.query(`UPDATE notification.notifications n SET attempt_no = a.last, attempt_started_at = a.open_since
      FROM (SELECT notification_id, max(attempt_no) AS last, max(started_at) FILTER (WHERE finished_at IS NULL) AS open_since
            FROM notification.delivery_attempts GROUP BY notification_id) a
      WHERE n.notification_id = a.notification_id`);
    await q.query(`DELETE FROM notification.delivery_attempts WHERE finished_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO notification.delivery_attempts (notification_id, attempt_no, started_at)
      SELECT notification_id, attempt_no, attempt_started_at FROM notification.notifications WHERE attempt_started_at IS NOT NULL
      ON CONFLICT DO NOTHING`);
    await q.query(`UPDATE notification.notifications SET status = 'PENDING', next_attempt_at = now() WHERE status = 'HELD'`);
    await q.query(`ALTER TABLE notification.notifications DROP CONSTRAINT notifications_status_check`);
    await q.query(
      `ALTER TABLE notification.notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED'))`,
    );
    await q.query(`ALTER TABLE notification.notifications DROP COLUMN digest_id, DROP COLUMN attempt_no, DROP COLUMN attempt_started_at`);
    await q.query(`DROP TABLE notification.digest_attempts`);
    await q.query(`DROP TABLE notification.digests`);
    await q.query(`ALTER TABLE notification.client_contacts DROP COLUMN notice_delivery`);
  }
}
