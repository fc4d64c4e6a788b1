import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Four eyes carried to the services: the maker's roles are kept with the proposal (the approval's
 * token proves them to the service that applies it), and a maker may withdraw their own proposal.
 */
export class GatewayProposalWithdrawal1796700100000 implements MigrationInterface {
  name = 'GatewayProposalWithdrawal1796700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.proposals ADD COLUMN maker_roles text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE gateway.proposals DROP CONSTRAINT proposals_status_check`);
    await q.query(
      `ALTER TABLE gateway.proposals ADD CONSTRAINT proposals_status_check CHECK (status IN ('PENDING', 'REJECTED', 'EXECUTED', 'FAILED', 'WITHDRAWN'))`,
    );
    // Whoever decided is never the maker; a withdrawal is the maker's and has no checker.
    await q.query(`ALTER TABLE gateway.proposals ADD CONSTRAINT proposals_checker_not_maker CHECK (checker IS NULL OR checker <> maker)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.proposals DROP CONSTRAINT proposals_checker_not_maker`);
    await q.query(`ALTER TABLE gateway.proposals DROP CONSTRAINT proposals_status_check`);
    await q.query(`ALTER TABLE gateway.proposals ADD CONSTRAINT proposals_status_check CHECK (status IN ('PENDING', 'REJECTED', 'EXECUTED', 'FAILED'))`);
    await q.query(`ALTER TABLE gateway.proposals DROP COLUMN maker_roles`);
  }
}
