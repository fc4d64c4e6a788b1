import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trial-balance format a closing's hash is of (exports/persistence/books.repository.ts): 1, the
 * rows as Postgres gave them, for every closing made before amounts were written at their
 * currency's minor units (hence the default); 2, amounts at minor units, for the closings made from
 * now on. A closed period's export is verified in its closing's format, whatever the export serves.
 * Adding a column with a default rewrites no row, so the closings' immutability trigger is not met.
 */
export class AccountingTrialBalanceFormat1797000000000 implements MigrationInterface {
  name = 'AccountingTrialBalanceFormat1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.period_closings ADD COLUMN trial_balance_format smallint NOT NULL DEFAULT 1 CHECK (trial_balance_format IN (1, 2))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.period_closings DROP COLUMN trial_balance_format`);
  }
}
