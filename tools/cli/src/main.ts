import { auditVerify, AUDIT_VERIFY_HELP } from './audit-verify.command.js';
import { Exit, isUsageError, processCli, type Cli } from './cli.js';
import { iso20022Read, READ_HELP, READ_MESSAGES } from './iso20022-read.command.js';
import { iso20022Validate, VALIDATE_HELP } from './iso20022-validate.command.js';
import { migrate, MIGRATE_HELP } from './migrate.command.js';

export const HELP = `Usage: postera <command> [options]

The operator's command line of Postera (run from the repository, after \`npm run build\`).

Commands:
  iso20022 validate <file>...  name each file's message and version, and check it against the
                               official ISO 20022 schema (errors listed with their lines)
  iso20022 read <file>         print as JSON what Postera makes of a statement or status message,
                               or why and where it refuses it (${READ_MESSAGES.join(', ')})
  audit verify                 verify the gateway's audit log (MACs, anchors) from the database
  migrate [service...]         apply every service's database migrations, in turn

Onboarding a new custodian or bank: run their sample files through \`postera iso20022 validate\`
(is it the standard?) and \`postera iso20022 read\` (can Postera use it, and what does it read?).

\`postera <command> --help\` says more, with each command's exit codes: 0 done, 1 a verdict
against the input (schema errors, a refused file, a broken audit chain, a failed migration),
2 the input could not be judged (wrong usage, no schema, unknown message, nothing built),
3 a bug in Postera.
`;

type Command = { path: string[]; help: string; run: (args: string[], cli: Cli) => Promise<number> };

const COMMANDS: readonly Command[] = [
  { path: ['iso20022', 'validate'], help: VALIDATE_HELP, run: iso20022Validate },
  { path: ['iso20022', 'read'], help: READ_HELP, run: iso20022Read },
  { path: ['audit', 'verify'], help: AUDIT_VERIFY_HELP, run: auditVerify },
  { path: ['migrate'], help: MIGRATE_HELP, run: migrate },
];

/** `postera …`: the exit code of the command the arguments name. */
export async function main(argv: string[], cli: Cli = processCli()): Promise<number> {
  if (argv.length === 0) {
    cli.io.err(HELP);
    return Exit.unusable;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    cli.io.out(HELP);
    return Exit.ok;
  }
  const command = COMMANDS.find((c) => c.path.every((word, i) => argv[i] === word));
  if (!command) {
    cli.io.err(`postera: unknown command ${argv.join(' ')}\n\n${HELP}`);
    return Exit.unusable;
  }
  const args = argv.slice(command.path.length);
  try {
    return await command.run(args, cli);
  } catch (e) {
    if (isUsageError(e)) {
      cli.io.err(`postera ${command.path.join(' ')}: ${e.message}\n\n${command.help}`);
      return Exit.unusable;
    }
    // Not a verdict on the input: Postera itself failed. Say so with the stack, for the bug report.
    cli.io.err(
      `postera ${command.path.join(' ')}: unexpected failure, a bug in Postera rather than a verdict on the input:\n${(e as Error).stack ?? String(e)}\n`,
    );
    return Exit.bug;
  }
}
