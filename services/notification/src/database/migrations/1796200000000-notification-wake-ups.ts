import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New work wakes whoever does it next, at commit: notices owed wake the router
 * (`notification_notices`), deliveries routed wake the senders (`notification_deliveries`). Without
 * it each waited for its next poll (SEND_POLL_MS): two pauses on every avis. A statement-level
 * trigger notifies once per statement, and Postgres folds the same notification within a transaction.
 */
export class NotificationWakeUps1796200000000 implements MigrationInterface {
  name = 'NotificationWakeUps1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION notification.wake_up() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify(TG_ARGV[0], ''); RETURN NULL; END $$`);
    await q.query(
      `CREATE TRIGGER notices_wake_router AFTER INSERT ON notification.notices FOR EACH STATEMENT EXECUTE FUNCTION notification.wake_up('notification_notices')`,
    );
    await q.query(
      `CREATE TRIGGER notifications_wake_senders AFTER INSERT ON notification.notifications FOR EACH STATEMENT EXECUTE FUNCTION notification.wake_up('notification_deliveries')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER notifications_wake_senders ON notification.notifications`);
    await q.query(`DROP TRIGGER notices_wake_router ON notification.notices`);
    await q.query(`DROP FUNCTION notification.wake_up()`);
  }
}
