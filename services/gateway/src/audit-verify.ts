/**
 * Verifies the audit log's hash chain from the database (DATABASE_URL), outside the running
 * gateway: prints the result, exits 1 when a row was altered or removed. Operators run it as
 * `npx postera audit verify` (tools/cli), which runs this built script: the chain is checked by
 * the gateway's own code, the same as GET /api/audit/verify.
 */
import pg from 'pg';
import { verifyChain, type AuditRecord } from './audit/audit-chain.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postera';
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const { rows } = await client.query(
    `SELECT seq::int AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, roles, action, target, before, after,
            correlation_id AS "correlationId", prev_hash AS "prevHash", hash
     FROM gateway.audit_log ORDER BY seq`,
  );
  const result = verifyChain(rows as Array<AuditRecord & { prevHash: string; hash: string }>);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.ok ? 0 : 1;
} finally {
  await client.end();
}
