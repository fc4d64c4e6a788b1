import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The router looks for notices whose party has become known. It walked every unrouted notice to
 * find them: a counterparty nobody gave contacts for keeps its confirmations WAITING, one more per
 * trade, and every pass (one a second) read all of them — 20,000 rows, 26 ms, after a 20,000-trade
 * day, and more every day. This index lets a pass enumerate the parties instead (one probe per party
 * with unrouted notices, routeNotices) and read the notices of the parties that are known.
 */
export class NotificationUnroutedParties1796600000000 implements MigrationInterface {
  name = 'NotificationUnroutedParties1796600000000';

  /** IF NOT EXISTS: on a large table an operator can build it beforehand with CREATE INDEX CONCURRENTLY (same definition), without holding up the writers. */
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS notices_unrouted_party ON notification.notices (party, status, routed_at) WHERE status IN ('WAITING', 'NO_CONTACT')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notification.notices_unrouted_party`);
  }
}
