import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notices no longer wake the router at insert: the trade and settlement consumers and the close route
 * the notices they write in their own transaction, and the router's wake-up found nothing
 * to do — an empty pass (BEGIN, a read, COMMIT) for every notice-writing transaction. What the router
 * still does (a party not known yet, contacts that changed, a document that cannot be built) it finds
 * by its poll; a wake-up at insert never helped with those.
 */
export class NotificationRouterUnwoken1796400000000 implements MigrationInterface {
  name = 'NotificationRouterUnwoken1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER notices_wake_router ON notification.notices`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TRIGGER notices_wake_router AFTER INSERT ON notification.notices FOR EACH STATEMENT EXECUTE FUNCTION notification.wake_up('notification_notices')`,
    );
  }
}
