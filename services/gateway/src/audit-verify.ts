/**
 * Verifies the audit log from the database (DATABASE_URL), outside the running gateway, against its
 * MACs (AUDIT_MAC_KEY, AUDIT_MAC_KEY_ID, AUDIT_MAC_KEYS) and the newest anchor of AUDIT_ANCHOR_FILE:
 * prints the verdict as JSON, exits 1 when a row was altered or removed, the tail dropped or an
 * anchor altered. `--from anchor` starts at the newest anchor that verifies (the quick check); the
 * default checks every row. Operators run it as `npx postera audit verify` (tools/cli): the chain is
 * checked by the gateway's own code, the same as GET /api/audit/verify.
 */
import { loadConfig } from '@postera/platform';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { readAnchors } from './audit/audit-anchor.js';
import { auditConfigShape, auditKeysOf } from './audit/audit-config.js';
import { AuditRows, verifyAudit } from './audit/audit-verification.js';

const config = loadConfig(
  z.object({
    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postera'),
    ...auditConfigShape,
  }),
);
const { values } = parseArgs({ options: { from: { type: 'string', default: 'genesis' } } });
if (values.from !== 'genesis' && values.from !== 'anchor') {
  process.stderr.write('audit-verify: --from is genesis (every row) or anchor (from the newest anchor)\n');
  process.exit(2);
}
if (config.AUDIT_MAC_KEY === undefined) {
  process.stderr.write('audit-verify: AUDIT_MAC_KEY is required (and AUDIT_MAC_KEYS for rows MACed with earlier keys)\n');
  process.exit(2);
}

const keys = auditKeysOf(config);
const client = new pg.Client({ connectionString: config.DATABASE_URL });
await client.connect();
try {
  const rows = new AuditRows(async (sql, params) => (await client.query(sql, params)).rows);
  const anchors = config.AUDIT_ANCHOR_FILE === undefined ? null : await readAnchors(config.AUDIT_ANCHOR_FILE, keys);
  const verdict = await verifyAudit({ rows, keys, anchors, from: values.from });
  process.stdout.write(`${JSON.stringify(verdict)}\n`);
  process.exitCode = verdict.ok ? 0 : 1;
} finally {
  await client.end();
}
