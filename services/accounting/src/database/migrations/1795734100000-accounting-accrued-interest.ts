import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bonds settle with accrued interest: the buyer pays the seller the coupon accrued since the last
 * payment date. The settlement posting books it on its own account (a receivable bought on a buy,
 * sold on a sell), so the chart gains 518100 and each trade keeps its accrued interest.
 */
export class AccountingAccruedInterest1795734100000 implements MigrationInterface {
  name = 'AccountingAccruedInterest1795734100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO accounting.ledger_accounts (code, name, on_balance_sheet) VALUES
      ('518100', 'Intérêts courus à recevoir sur titres', true)`);
    await q.query(`ALTER TABLE accounting.trades ADD COLUMN accrued_interest numeric NOT NULL DEFAULT 0 CHECK (accrued_interest >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.trades DROP COLUMN accrued_interest`);
    // Refused (foreign key) once a journal line uses the account: the journal is never rewritten.
    await q.query(`DELETE FROM accounting.ledger_accounts WHERE code = '518100'`);
  }
}
