import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A correction says what it changes: on a run that replaces another, the files whose bytes differ
 * and every value added, removed or changed in its JSON content (filing/periods.ts whatChanged).
 * Null on a first version.
 */
export class ReportingRunChanges1796960000000 implements MigrationInterface {
  name = 'ReportingRunChanges1796960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reporting.report_runs ADD COLUMN changes jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reporting.report_runs DROP COLUMN changes`);
  }
}
