import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notice is owed once (table `notices`), then delivered once per channel and recipient
 * (table `notifications`, one row per contact: EMAIL or WEBHOOK). Counterparty contacts live here,
 * settlement states are followed for fail alerts, and the avis d'opéré deadline is watched.
 */
export class NotificationChannels1764600000000 implements MigrationInterface {
  name = 'NotificationChannels1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // Every contact of the account, in the referential's order, and its base currency (for the FX statement).
    await q.query(`ALTER TABLE notification.client_contacts
      ADD COLUMN contacts jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(contacts) = 'array'),
      ADD COLUMN base_currency text`);
    await q.query(
      `UPDATE notification.client_contacts SET contacts = jsonb_build_array(jsonb_build_object('channel', 'EMAIL', 'address', email)) WHERE email IS NOT NULL`,
    );

    // Parties have no contacts in the referential: operators keep them here, through the HTTP API.
    await q.query(`CREATE TABLE notification.counterparty_contacts (
      lei text PRIMARY KEY,
      name text NOT NULL,
      language text NOT NULL CHECK (language IN ('fr', 'en')),
      contacts jsonb NOT NULL CHECK (jsonb_typeof(contacts) = 'array'),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

    // One row per notice owed, whatever the channels: the structured document is built once, when
    // the recipient is known (routing), and kept.
    await q.query(`CREATE TABLE notification.notices (
      notice_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('AVIS_OPERE', 'AMENDMENT_NOTICE', 'CANCELLATION_NOTICE', 'SETTLEMENT_CONFIRMATION',
        'SETTLEMENT_FAILED', 'SETTLEMENT_FAIL_REMINDER', 'COUNTERPARTY_CONFIRMATION')),
      cause_event_id text NOT NULL,
      trade_ref text NOT NULL,
      trade_version integer,
      recipient_type text NOT NULL CHECK (recipient_type IN ('CLIENT', 'COUNTERPARTY')),
      party text NOT NULL,
      payload jsonb NOT NULL,
      refers_to uuid REFERENCES notification.notices (notice_id),
      status text NOT NULL DEFAULT 'WAITING' CHECK (status IN ('WAITING', 'ROUTED', 'SKIPPED', 'NO_CONTACT')),
      status_reason text,
      party_id text,
      party_name text,
      language text CHECK (language IN ('fr', 'en')),
      base_currency text,
      document jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      routed_at timestamptz,
      CONSTRAINT notices_once UNIQUE (cause_event_id, kind, party)
    )`);
    await q.query(`CREATE INDEX notices_unrouted ON notification.notices (created_at) WHERE status IN ('WAITING', 'NO_CONTACT')`);
    await q.query(`CREATE INDEX notices_trade_ref ON notification.notices (trade_ref, created_at)`);

    // notifications become the deliveries: one per notice, channel and recipient.
    await q.query(`ALTER TABLE notification.notifications
      ADD COLUMN notice_id uuid REFERENCES notification.notices (notice_id),
      ADD COLUMN resent_by text,
      ADD COLUMN resent_at timestamptz,
      ALTER COLUMN payload DROP NOT NULL,
      DROP CONSTRAINT notifications_once,
      DROP CONSTRAINT IF EXISTS notifications_kind_check,
      DROP CONSTRAINT IF EXISTS notifications_channel_check`);
    await q.query(`ALTER TABLE notification.notifications ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('EMAIL', 'WEBHOOK'))`);
    // Rows of the foundation: each becomes its own notice; those never tried are routed again.
    await q.query(`INSERT INTO notification.notices (notice_id, kind, cause_event_id, trade_ref, recipient_type, party, payload, status, language, created_at, routed_at)
      SELECT notification_id, kind, cause_event_id, trade_ref, 'CLIENT', account, payload,
             CASE WHEN status = 'PENDING' AND recipient IS NULL THEN 'WAITING' ELSE 'ROUTED' END, language, created_at, created_at
      FROM notification.notifications`);
    await q.query(`DELETE FROM notification.notifications WHERE status = 'PENDING' AND recipient IS NULL`);
    await q.query(`UPDATE notification.notifications SET notice_id = notification_id`);
    await q.query(`ALTER TABLE notification.notifications ALTER COLUMN notice_id SET NOT NULL`);
    await q.query(`ALTER TABLE notification.notifications ADD CONSTRAINT notifications_once_per_recipient UNIQUE (notice_id, channel, recipient)`);
    await q.query(`CREATE INDEX notifications_notice ON notification.notifications (notice_id)`);

    // Every operator action on a delivery (a resend), append-only.
    await q.query(`CREATE TABLE notification.operator_actions (
      id bigserial PRIMARY KEY,
      notification_id uuid NOT NULL REFERENCES notification.notifications (notification_id),
      action text NOT NULL,
      operator text NOT NULL,
      detail text,
      at timestamptz NOT NULL DEFAULT now()
    )`);

    // The last known state of each settlement instruction of a client trade: fail alerts and reminders.
    await q.query(`CREATE TABLE notification.instruction_states (
      instruction_id text PRIMARY KEY,
      trade_ref text NOT NULL,
      account text NOT NULL,
      status text NOT NULL,
      reason text,
      failing_since date,
      payload jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX instruction_states_failing ON notification.instruction_states (failing_since) WHERE status = 'FAILING'`);

    // The avis d'opéré is due by the end of the first business day after execution (art. 59(4)).
    await q.query(`CREATE TABLE notification.avis_deadlines (
      trade_ref text PRIMARY KEY,
      account text NOT NULL,
      trade_date date NOT NULL,
      deadline date NOT NULL,
      cancelled boolean NOT NULL DEFAULT false,
      reported_late_on date,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX avis_deadlines_open ON notification.avis_deadlines (deadline) WHERE reported_late_on IS NULL AND NOT cancelled`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['avis_deadlines', 'instruction_states', 'operator_actions']) await q.query(`DROP TABLE notification.${t}`);
    await q.query(
      `DELETE FROM notification.delivery_attempts a USING notification.notifications n WHERE a.notification_id = n.notification_id AND n.notice_id <> n.notification_id`,
    );
    await q.query(`DELETE FROM notification.notifications WHERE notice_id <> notification_id`);
    await q.query(`ALTER TABLE notification.notifications DROP CONSTRAINT notifications_once_per_recipient, DROP CONSTRAINT notifications_channel_check,
      DROP COLUMN notice_id, DROP COLUMN resent_by, DROP COLUMN resent_at`);
    await q.query(`ALTER TABLE notification.notifications ADD CONSTRAINT notifications_once UNIQUE (cause_event_id, kind, channel, account)`);
    await q.query(`DROP TABLE notification.notices`);
    await q.query(`DROP TABLE notification.counterparty_contacts`);
    await q.query(`ALTER TABLE notification.client_contacts DROP COLUMN contacts, DROP COLUMN base_currency`);
  }
}
