import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The second person of a change that needs two: an operator's referential import and an
 * exception's replay or rejection are proposed by one person (the column kept so far, now the
 * maker) and approved by another (the checker, here). The two are different people, in the
 * database as in the code. Rows written before have no checker: they stay as they were.
 */
export class CaptureCheckers1796710000000 implements MigrationInterface {
  name = 'CaptureCheckers1796710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.referential_history
      ADD COLUMN approved_by text,
      ADD CONSTRAINT referential_history_two_people CHECK (approved_by IS NULL OR approved_by <> changed_by)`);
    // From now on an import through the API names both people; the boot file names none.
    await q.query(`ALTER TABLE capture.referential_history
      ADD CONSTRAINT referential_history_api_checked CHECK (source <> 'API' OR (changed_by IS NOT NULL AND approved_by IS NOT NULL)) NOT VALID`);
    await q.query(`ALTER TABLE capture.exceptions
      ADD COLUMN approved_by text,
      ADD CONSTRAINT exceptions_two_people CHECK (approved_by IS NULL OR approved_by <> resolved_by)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.exceptions DROP CONSTRAINT exceptions_two_people, DROP COLUMN approved_by`);
    await q.query(`ALTER TABLE capture.referential_history DROP CONSTRAINT referential_history_api_checked,
      DROP CONSTRAINT referential_history_two_people, DROP COLUMN approved_by`);
  }
}
