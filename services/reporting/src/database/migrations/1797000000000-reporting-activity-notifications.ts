import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifications sent (notification.events.v1), one row per event id, for the activity report's
 * avis d'opéré sent and late: `sent_date` is dated like the other facts without a business date of
 * their own (src/activity/domain/activity-dates.ts recordingDay), `date_source` says how.
 * Nothing to backfill: the events sent before reporting read the topic are still on it (retention).
 */
export class ReportingActivityNotifications1797000000000 implements MigrationInterface {
  name = 'ReportingActivityNotifications1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reporting.activity_notifications_sent (
      event_id text PRIMARY KEY,
      notification_id text NOT NULL,
      kind text NOT NULL,
      trade_ref text NOT NULL,
      account text NOT NULL,
      channel text NOT NULL,
      sent_at timestamptz NOT NULL,
      sent_date date NOT NULL,
      date_source text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX activity_notifications_sent_date ON reporting.activity_notifications_sent (sent_date, kind)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.activity_notifications_sent`);
  }
}
