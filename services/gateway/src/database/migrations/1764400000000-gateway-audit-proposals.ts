import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log (hash-chained, append-only) and the maker-checker proposals (DESIGN.md §9). */
export class GatewayAuditProposals1764400000000 implements MigrationInterface {
  name = 'GatewayAuditProposals1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // Each row's hash covers its content and the previous row's hash: changing or removing any row
    // breaks every hash after it, which GET /api/audit/verify (and `main.js audit-verify`) detects.
    await q.query(`CREATE TABLE gateway.audit_log (
      seq bigint PRIMARY KEY,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      roles text[] NOT NULL,
      action text NOT NULL,
      target text,
      before jsonb,
      after jsonb,
      correlation_id text,
      prev_hash text NOT NULL,
      hash text NOT NULL UNIQUE
    )`);
    await q.query(`CREATE FUNCTION gateway.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP; END $$`);
    await q.query(
      `CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON gateway.audit_log FOR EACH ROW EXECUTE FUNCTION gateway.audit_log_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON gateway.audit_log FOR EACH STATEMENT EXECUTE FUNCTION gateway.audit_log_append_only()`,
    );

    await q.query(`CREATE TABLE gateway.proposals (
      proposal_id uuid PRIMARY KEY,
      kind text NOT NULL,
      params jsonb NOT NULL,
      params_hash text NOT NULL,
      summary text NOT NULL,
      status text NOT NULL CHECK (status IN ('PENDING', 'REJECTED', 'EXECUTED', 'FAILED')),
      maker text NOT NULL,
      maker_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      checker text,
      checker_name text,
      decided_at timestamptz,
      comment text,
      result jsonb
    )`);
    // The same proposal cannot be pending twice: a double submission is refused, not queued.
    await q.query(`CREATE UNIQUE INDEX proposals_one_pending ON gateway.proposals (kind, params_hash) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX proposals_status ON gateway.proposals (status, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.proposals`);
    await q.query(`DROP TABLE gateway.audit_log`);
    await q.query(`DROP FUNCTION gateway.audit_log_append_only()`);
  }
}
