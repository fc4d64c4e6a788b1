import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The instruments' names, from refdata.instruments.v1 (compacted, keyed by ISIN), so that a notice
 * names the instrument beside its ISIN; and, on each notice, the name it was routed with: every
 * send and resend of a notice says the same, and its structured document with it.
 */
export class NotificationInstrumentNames1796900000000 implements MigrationInterface {
  name = 'NotificationInstrumentNames1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notification.instrument_names (
      isin text PRIMARY KEY,
      name text NOT NULL,
      version integer NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Nullable without a default: added without rewriting the table. Null: no name was known at routing.
    await q.query(`ALTER TABLE notification.notices ADD COLUMN instrument_name text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification.notices DROP COLUMN instrument_name`);
    await q.query(`DROP TABLE notification.instrument_names`);
  }
}
