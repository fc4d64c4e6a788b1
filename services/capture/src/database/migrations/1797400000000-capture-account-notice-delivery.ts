import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client account's notice delivery policy (AccountRefV1.noticeDelivery): IMMEDIATE or DAILY.
 * Nullable, not NOT NULL DEFAULT 'IMMEDIATE': null is "never chosen", read back as a payload without
 * the field, so the accounts stored before keep publishing exactly the events they did, and
 * re-importing one as it was stays unchanged (no new version, no event). With a default, every stored
 * account would read back as IMMEDIATE and differ from its file row without the field: each would
 * become a new version, and a new event, at its next import. Consumers read absent as IMMEDIATE.
 * The import's rule is enforced again as a constraint, so no other path stores another value.
 */
export class CaptureAccountNoticeDelivery1797400000000 implements MigrationInterface {
  name = 'CaptureAccountNoticeDelivery1797400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.accounts ADD COLUMN notice_delivery text CHECK (notice_delivery IN ('IMMEDIATE', 'DAILY'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.accounts DROP COLUMN notice_delivery`);
  }
}
