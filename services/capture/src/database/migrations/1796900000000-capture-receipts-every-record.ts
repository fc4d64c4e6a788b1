import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A receipt for every record read from an input topic, a message id sent again included: the
 * n-th record carrying a message id on a topic is its `delivery` n (the rows already stored are
 * deliveries 1), so that consumed = captured + amended + cancelled + stale + exceptions + duplicates
 * counts records, not distinct ids. `content_hash` (SHA-256 of the content without `messageId`)
 * tells the same message sent again (a DUPLICATE) from another message under a used id (an
 * EXCEPTION); `position` (`topic/partition/offset`) tells a record read twice — one receipt — from
 * a record sent twice. Rows stored before have neither: a later record with their id is a duplicate.
 */
export class CaptureReceiptsEveryRecord1796900000000 implements MigrationInterface {
  name = 'CaptureReceiptsEveryRecord1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.receipts DROP CONSTRAINT receipts_pkey`);
    await q.query(`ALTER TABLE capture.receipts
      ADD COLUMN delivery integer NOT NULL DEFAULT 1 CHECK (delivery >= 1),
      ADD COLUMN content_hash text,
      ADD COLUMN position text,
      ADD PRIMARY KEY (topic, message_id, delivery)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM capture.receipts WHERE delivery > 1`);
    await q.query(`ALTER TABLE capture.receipts DROP CONSTRAINT receipts_pkey`);
    await q.query(`ALTER TABLE capture.receipts DROP COLUMN position, DROP COLUMN content_hash, DROP COLUMN delivery, ADD PRIMARY KEY (topic, message_id)`);
  }
}
