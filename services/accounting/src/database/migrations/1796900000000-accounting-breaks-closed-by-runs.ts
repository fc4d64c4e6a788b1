import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A break closed by the data: a later run of the same reconciliation that no longer finds it
 * closes it (status CLOSED), and the break keeps which run and as of which day. RESOLVED stays the
 * people's closing, with four eyes.
 */
export class AccountingBreaksClosedByRuns1796900000000 implements MigrationInterface {
  name = 'AccountingBreaksClosedByRuns1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.recon_breaks DROP CONSTRAINT recon_breaks_status_check`);
    await q.query(`ALTER TABLE accounting.recon_breaks
      ADD CONSTRAINT recon_breaks_status_check CHECK (status IN ('OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED')),
      ADD COLUMN closed_by_run uuid REFERENCES accounting.recon_runs,
      ADD COLUMN closed_on date,
      ADD CONSTRAINT recon_breaks_closed_by_a_run CHECK ((status = 'CLOSED') = (closed_by_run IS NOT NULL AND closed_on IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.recon_breaks DROP CONSTRAINT recon_breaks_closed_by_a_run, DROP COLUMN closed_on, DROP COLUMN closed_by_run,
      DROP CONSTRAINT recon_breaks_status_check`);
    await q.query(`ALTER TABLE accounting.recon_breaks ADD CONSTRAINT recon_breaks_status_check CHECK (status IN ('OPEN', 'INVESTIGATING', 'RESOLVED'))`);
  }
}
