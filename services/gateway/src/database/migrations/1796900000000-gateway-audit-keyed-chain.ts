import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain switches from unkeyed SHA-256 to HMAC-SHA-256 under a key held outside the
 * database (AUDIT_MAC_KEY), with the key's id on each row so that a rotated key still verifies what
 * it MACed. The rows written before keep their SHA-256 and verify as they are, but only below the
 * seq recorded here: a row from that seq on without a key id is refused (a rewrite without the key).
 * The runtime role may only insert and read the audit tables; whoever owns them runs migrations.
 */
export class GatewayAuditKeyedChain1796900000000 implements MigrationInterface {
  name = 'GatewayAuditKeyedChain1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.audit_log ADD COLUMN key_id text`);
    // NOT VALID: the rows already written (unkeyed) stay; every row inserted from now on needs a key id.
    await q.query(`ALTER TABLE gateway.audit_log ADD CONSTRAINT audit_log_keyed CHECK (key_id IS NOT NULL) NOT VALID`);

    await q.query(`CREATE TABLE gateway.audit_chain_scheme (
      one boolean PRIMARY KEY DEFAULT true CHECK (one),
      keyed_from_seq bigint NOT NULL CHECK (keyed_from_seq >= 1),
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Under the audit log's lock, so that no append slips between the head read and the record.
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('gateway.audit_log'))`);
    await q.query(`INSERT INTO gateway.audit_chain_scheme (keyed_from_seq) SELECT coalesce(max(seq), 0) + 1 FROM gateway.audit_log`);
    await q.query(
      `CREATE TRIGGER audit_chain_scheme_no_update BEFORE UPDATE OR DELETE ON gateway.audit_chain_scheme FOR EACH ROW EXECUTE FUNCTION gateway.audit_log_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER audit_chain_scheme_no_truncate BEFORE TRUNCATE ON gateway.audit_chain_scheme FOR EACH STATEMENT EXECUTE FUNCTION gateway.audit_log_append_only()`,
    );

    // Whoever is not the owner may at most insert and read: the default privileges of the roles
    // (deploy/postgres/roles.sql) grant the runtime role UPDATE and DELETE on every new table.
    await q.query(`DO $$
      DECLARE g record;
      BEGIN
        FOR g IN SELECT DISTINCT c.relname, a.grantee::regrole::text AS grantee
                 FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
                 WHERE c.oid IN ('gateway.audit_log'::regclass, 'gateway.audit_chain_scheme'::regclass)
                   AND a.grantee <> 0 AND a.grantee <> c.relowner
                   AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON gateway.%I FROM %s', g.relname, g.grantee);
        END LOOP;
      END $$`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON gateway.audit_log, gateway.audit_chain_scheme FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.audit_chain_scheme`);
    await q.query(`ALTER TABLE gateway.audit_log DROP CONSTRAINT audit_log_keyed`);
    await q.query(`ALTER TABLE gateway.audit_log DROP COLUMN key_id`);
  }
}
