import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Exit, type Cli, type ExitCode } from './cli.js';
import { runNode } from './node-process.js';

export const AUDIT_VERIFY_HELP = `Usage: postera audit verify [--from genesis|anchor] [--anchor-file <path>] [--database-url <url>]

Verifies the gateway's audit log (gateway.audit_log) from the database, outside the running
gateway: checks every row's MAC and link, streamed in batches, and holds the chain against the
newest anchor of the anchor file (a rewritten row, a dropped tail, an altered anchor line). Prints
the verdict as JSON, e.g.
  {"ok":true,"from":"genesis","fromSeq":0,"rows":1234,"headSeq":1234,"anchor":{"seq":1230,"at":"…"}}
  {"ok":false,"seq":2,"problem":"the row does not match its MAC (altered after it was written)"}
  {"ok":false,"seq":1230,"problem":"the anchored row 1230 is missing: the log ends at seq 1100 (its tail was dropped)"}

  --from genesis     every row from the first (the default)
  --from anchor      the quick check: from the newest anchor that verifies to the head
  --anchor-file      the anchor file (default AUDIT_ANCHOR_FILE; without one, no anchor is checked)
  --database-url     the database (default DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postera)

The keys come from the environment, as the gateway's: AUDIT_MAC_KEY and AUDIT_MAC_KEY_ID, and
AUDIT_MAC_KEYS ({"<key id>": "<base64 key>"}) for the rows MACed with earlier keys.

Exit codes:
  0  the chain is intact and matches the newest anchor
  1  a row was altered or removed, the tail dropped, an anchor line altered (the first problem is
     named), or the database could not be read
  2  wrong usage, no AUDIT_MAC_KEY, or the gateway is not built (run \`npm run build\` first)
`;

/** The gateway's own verification, so that the shell and GET /api/audit/verify give one verdict from one code. */
export const AUDIT_VERIFY_SCRIPT = 'services/gateway/dist/audit-verify.js';

export async function auditVerify(args: string[], cli: Cli): Promise<ExitCode | number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'database-url': { type: 'string' },
      'anchor-file': { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    cli.io.out(AUDIT_VERIFY_HELP);
    return Exit.ok;
  }
  if (positionals.length > 0) {
    cli.io.err(`postera audit verify: unexpected ${positionals.join(' ')}\n\n${AUDIT_VERIFY_HELP}`);
    return Exit.unusable;
  }
  if (values.from !== undefined && values.from !== 'genesis' && values.from !== 'anchor') {
    cli.io.err(`postera audit verify: --from is genesis or anchor, not ${values.from}\n\n${AUDIT_VERIFY_HELP}`);
    return Exit.unusable;
  }
  const script = join(cli.root, AUDIT_VERIFY_SCRIPT);
  if (!existsSync(script)) {
    cli.io.err(`postera audit verify: ${AUDIT_VERIFY_SCRIPT} is missing: run \`npm run build\` first\n`);
    return Exit.unusable;
  }
  const env = {
    ...cli.env,
    ...(values['database-url'] === undefined ? {} : { DATABASE_URL: values['database-url'] }),
    ...(values['anchor-file'] === undefined ? {} : { AUDIT_ANCHOR_FILE: values['anchor-file'] }),
  };
  return runNode(script, values.from === undefined ? [] : ['--from', values.from], env, cli.io);
}
