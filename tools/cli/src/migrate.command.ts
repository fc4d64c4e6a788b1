import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Exit, type Cli, type ExitCode } from './cli.js';
import { runNode } from './node-process.js';

/**
 * Every process that owns a database schema, in the order their migrations are applied, and its
 * built entry point; `node <main> migrate` applies that one's migrations and exits.
 */
export const MIGRATED = [
  { name: 'capture', main: 'services/capture/dist/main.js' },
  { name: 'settlement', main: 'services/settlement/dist/main.js' },
  { name: 'accounting', main: 'services/accounting/dist/main.js' },
  { name: 'reporting', main: 'services/reporting/dist/main.js' },
  { name: 'notification', main: 'services/notification/dist/main.js' },
  { name: 'gateway', main: 'services/gateway/dist/main.js' },
  { name: 'market-sim', main: 'tools/market-sim/dist/main.js' },
] as const;

export const MIGRATE_HELP = `Usage: postera migrate [service...]

Applies the migrations of every service (each in its own schema), in turn: ${MIGRATED.map((m) => m.name).join(', ')}.
Name services to apply only theirs (in the same order). Uses the services' environment
(DATABASE_URL, …) and builds nothing: run \`npm run build\` first. \`npm run migrate\` runs this.

Exit codes:
  0  every migration applied
  1  a service's migrations failed (it is named; the services after it are not migrated)
  2  wrong usage (an unknown service), or a service is not built
`;

export async function migrate(args: string[], cli: Cli): Promise<ExitCode | number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    cli.io.out(MIGRATE_HELP);
    return Exit.ok;
  }
  const unknown = positionals.filter((p) => !MIGRATED.some((m) => m.name === p));
  if (unknown.length > 0) {
    cli.io.err(`postera migrate: no service ${unknown.join(', ')} (there are ${MIGRATED.map((m) => m.name).join(', ')})\n`);
    return Exit.unusable;
  }
  const chosen = positionals.length === 0 ? MIGRATED : MIGRATED.filter((m) => positionals.includes(m.name));
  // Every entry point is checked before any migration runs, so a half-built tree migrates nothing.
  const missing = chosen.filter((m) => !existsSync(join(cli.root, m.main)));
  if (missing.length > 0) {
    cli.io.err(`postera migrate: ${missing.map((m) => m.main).join(', ')} missing: run \`npm run build\` first\n`);
    return Exit.unusable;
  }
  // A service's validated config requires HTTP_PORT even to migrate, though nothing listens then.
  const env = { ...cli.env, HTTP_PORT: cli.env.HTTP_PORT ?? '0' };
  for (const m of chosen) {
    const code = await runNode(join(cli.root, m.main), ['migrate'], env, cli.io);
    if (code !== 0) {
      cli.io.err(`postera migrate: migrations failed in ${m.name} (${m.main}, exit ${code})\n`);
      return Exit.verdict;
    }
  }
  return Exit.ok;
}
