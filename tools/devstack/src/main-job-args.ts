import { parseArgs } from 'node:util';

/** What `npm start -- --help` prints. */
export const MAIN_JOB_USAGE = `Usage: npm start [-- options]

Runs a back-office day on this machine: every service as its own process, the sample referential,
a day of executions and confirmations, the days closed through settlement, the month's
declarations, then the end-of-day summary. The stack stays up (gateway on :3000) until Ctrl-C.

Options:
  --trades=N        executions in the sample day (1 to ${50_000}; default 1000)
  --date=YYYY-MM-DD the trade date (a TARGET business day whose T+2 cycle ends by today);
                    default: the one whose settlement is the last business day of the latest
                    month ended, so the month's declarations are filed
  --exit            stop the stack once the summary is printed
  -h, --help        this text

Environment: KAFKA_BROKERS (127.0.0.1:9092), DATABASE_URL (…/postera_demo, dropped and recreated
each run; any other database is used as it is), POSTERA_BASE_PORT (3000), SMTP_URL (else a local
SMTP server on POSTERA_MAIL_PORT, 2525).`;

/**
 * The most executions a demo day takes: the sample is built in memory and published at once, and
 * the waits give 300 s plus 6 ms per execution (a 20,000-execution burst drains at about 200 a
 * second on two cores), so beyond this a run is a benchmark (`npm run bench`), not a demo.
 */
export const MAIN_JOB_TRADES_MAX = 50_000;

export interface MainJobArgs {
  help: boolean;
  exit: boolean;
  trades: number;
  /** The trade date asked for; its cycle is checked against today by the job (demoTradeDateProblem). */
  date: string | undefined;
}

/** A command line the main job cannot run: the message says what is wrong and points to --help. */
export class MainJobArgsError extends Error {}

/** The main job's options from its command line; unknown options, positionals and bad values are refused. */
export function mainJobArgs(argv: readonly string[]): MainJobArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new MainJobArgsError(`${(e as Error).message}; see --help`);
  }
  const { values } = parsed;
  const trades = values.trades ?? '1000';
  if (!/^[1-9]\d*$/.test(trades) || Number(trades) > MAIN_JOB_TRADES_MAX)
    throw new MainJobArgsError(`--trades=${trades}: a whole number of executions from 1 to ${MAIN_JOB_TRADES_MAX} expected; see --help`);
  if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
    throw new MainJobArgsError(`--date=${values.date}: a date YYYY-MM-DD expected; see --help`);
  return { help: values.help ?? false, exit: values.exit ?? false, trades: Number(trades), date: values.date };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      exit: { type: 'boolean' },
      trades: { type: 'string' },
      date: { type: 'string' },
    },
  });
}

/** How long the job waits for a stage that grows with the day's size: 300 s plus 6 ms per execution. */
export function stageBudgetMs(trades: number): number {
  return 300_000 + 6 * trades;
}
