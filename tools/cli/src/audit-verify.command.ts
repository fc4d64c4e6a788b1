import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Exit, type Cli, type ExitCode } from './cli.js';
import { runNode } from './node-process.js';

export const AUDIT_VERIFY_HELP = `Usage: postera audit verify [--database-url <url>]

Verifies the gateway's audit log (gateway.audit_log) from the database, outside the running
gateway: recomputes the hash chain row by row and prints the verdict as JSON, e.g.
  {"ok":true,"rows":1234}
  {"ok":false,"seq":2,"problem":"the row does not match its hash (altered after it was written)"}
The database is DATABASE_URL's (default postgres://postgres@127.0.0.1:5432/postera), or --database-url.

Exit codes:
  0  the chain is intact
  1  a row was altered or removed (the first broken row is named), or the database could not be read
  2  wrong usage, or the gateway is not built (run \`npm run build\` first)
`;

/** The gateway's own verification, so that the shell and GET /api/audit/verify give one verdict from one code. */
export const AUDIT_VERIFY_SCRIPT = 'services/gateway/dist/audit-verify.js';

export async function auditVerify(args: string[], cli: Cli): Promise<ExitCode | number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    cli.io.out(AUDIT_VERIFY_HELP);
    return Exit.ok;
  }
  if (positionals.length > 0) {
    cli.io.err(`postera audit verify: unexpected ${positionals.join(' ')}\n\n${AUDIT_VERIFY_HELP}`);
    return Exit.unusable;
  }
  const script = join(cli.root, AUDIT_VERIFY_SCRIPT);
  if (!existsSync(script)) {
    cli.io.err(`postera audit verify: ${AUDIT_VERIFY_SCRIPT} is missing: run \`npm run build\` first\n`);
    return Exit.unusable;
  }
  const env = values['database-url'] === undefined ? cli.env : { ...cli.env, DATABASE_URL: values['database-url'] };
  return runNode(script, [], env, cli.io);
}
