import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The FX revaluation entries accounting announces (JournalEntryPosted of kind FX_REVALUATION), one row
 * per event id, for the activity report's FX result: `result` is the signed EUR result the entry books
 * (a gain positive), dated by its `accounting_date` (the close it revalues to).
 */
export class ReportingActivityFxResults1797000001000 implements MigrationInterface {
  name = 'ReportingActivityFxResults1797000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reporting.activity_fx_results (
      event_id text PRIMARY KEY,
      entry_id text NOT NULL,
      position_ref text NOT NULL,
      accounting_date date NOT NULL,
      currency text NOT NULL,
      result numeric NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX activity_fx_results_date ON reporting.activity_fx_results (accounting_date)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.activity_fx_results`);
  }
}
