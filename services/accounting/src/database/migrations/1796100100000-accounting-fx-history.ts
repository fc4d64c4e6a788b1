import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * FX revaluation that does not depend on the order lines and closes arrive in (fx/domain/revaluation.ts):
 * - fx_closes: each currency's closes with their ECB rate, the periods a line is revalued from;
 * - fx_close_days: the closes processed, so that a rate that comes after its close is known late;
 * - fx_positions.booked_eur: the FX result booked for the position so far, round(T) of the lines known;
 * - fx_results: the corrections for lines (kind LATE_LINES) and rates (LATE_RATE) that came after
 *   their close, beside the closes; a correction has no one rate before.
 * A position revalued before this migration starts from its last close: its currency's history
 * starts there, and what was booked before stays as it was (booked_eur counts from there, 0). The
 * closes known processed before are those dates and the last day closed.
 */
export class AccountingFxHistory1796100100000 implements MigrationInterface {
  name = 'AccountingFxHistory1796100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accounting.fx_closes (
      currency text NOT NULL,
      close_date date NOT NULL,
      rate numeric NOT NULL CHECK (rate > 0),
      PRIMARY KEY (currency, close_date)
    )`);
    await q.query(`INSERT INTO accounting.fx_closes (currency, close_date, rate)
                   SELECT DISTINCT ON (currency, as_of) currency, as_of, rate FROM accounting.fx_positions ORDER BY currency, as_of`);
    await q.query(`CREATE TABLE accounting.fx_close_days (close_date date PRIMARY KEY)`);
    await q.query(`INSERT INTO accounting.fx_close_days (close_date) SELECT as_of FROM accounting.fx_positions
                   UNION SELECT business_date FROM accounting.business_day WHERE status = 'CLOSED'`);
    await q.query(`ALTER TABLE accounting.fx_positions ADD COLUMN booked_eur numeric NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE accounting.fx_results ADD COLUMN kind text NOT NULL DEFAULT 'CLOSE' CHECK (kind IN ('CLOSE', 'LATE_LINES', 'LATE_RATE'))`);
    await q.query(`ALTER TABLE accounting.fx_results ADD COLUMN cause_event_id text`);
    await q.query(`ALTER TABLE accounting.fx_results ALTER COLUMN rate_before DROP NOT NULL`);
    await q.query(`ALTER TABLE accounting.fx_results DROP CONSTRAINT fx_results_pkey`);
    await q.query(`CREATE UNIQUE INDEX fx_results_one_per_close ON accounting.fx_results (close_date, book, currency) WHERE kind = 'CLOSE'`);
    await q.query(`CREATE UNIQUE INDEX fx_results_one_per_cause ON accounting.fx_results (cause_event_id) WHERE kind <> 'CLOSE'`);
    // A batch's late-line check and a close read a position's foreign-currency lines by book and currency.
    await q.query(`CREATE INDEX journal_lines_foreign ON accounting.journal_lines (book, currency) WHERE currency <> 'EUR'`);
    // The journal writer's role (migration 1796000000000): its default privileges cover a table created by the same role only.
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON accounting.fx_closes, accounting.fx_close_days TO accounting_service`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX accounting.journal_lines_foreign`);
    await q.query(`DROP INDEX accounting.fx_results_one_per_cause`);
    await q.query(`DROP INDEX accounting.fx_results_one_per_close`);
    await q.query(`DELETE FROM accounting.fx_results WHERE kind <> 'CLOSE'`);
    await q.query(`ALTER TABLE accounting.fx_results ADD PRIMARY KEY (close_date, book, currency)`);
    await q.query(`ALTER TABLE accounting.fx_results ALTER COLUMN rate_before SET NOT NULL`);
    await q.query(`ALTER TABLE accounting.fx_results DROP COLUMN cause_event_id, DROP COLUMN kind`);
    await q.query(`ALTER TABLE accounting.fx_positions DROP COLUMN booked_eur`);
    await q.query(`DROP TABLE accounting.fx_close_days`);
    await q.query(`DROP TABLE accounting.fx_closes`);
  }
}
