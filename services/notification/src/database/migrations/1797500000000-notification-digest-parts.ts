import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A day's digest to one recipient goes in parts of a bounded size (DIGEST_NOTICES_MAX notices each, in the configuration):
 * a very active client's day would otherwise be one mail of thousands of PDFs, past what mail
 * servers accept. `part` of `parts`; the digests made before carry one part.
 */
export class NotificationDigestParts1797500000000 implements MigrationInterface {
  name = 'NotificationDigestParts1797500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification.digests
      ADD COLUMN part integer NOT NULL DEFAULT 1 CHECK (part >= 1),
      ADD COLUMN parts integer NOT NULL DEFAULT 1,
      ADD CONSTRAINT digests_part_of_parts CHECK (part <= parts),
      DROP CONSTRAINT digests_once,
      ADD CONSTRAINT digests_once UNIQUE (account, business_date, channel, recipient, part)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Going back would merge a day's parts into one row per recipient and lose their Message-IDs: refused while any exists.
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM notification.digests WHERE part > 1) THEN
        RAISE EXCEPTION 'digests in more than one part exist: they cannot be kept under one digest per recipient and day';
      END IF; END $$`);
    await q.query(`ALTER TABLE notification.digests
      DROP CONSTRAINT digests_once,
      ADD CONSTRAINT digests_once UNIQUE (account, business_date, channel, recipient),
      DROP CONSTRAINT digests_part_of_parts,
      DROP COLUMN parts,
      DROP COLUMN part`);
  }
}
