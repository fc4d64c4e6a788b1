import { describe, expect, it } from '@jest/globals';
import { MAIN_JOB_TRADES_MAX, mainJobArgs, MainJobArgsError, stageBudgetMs } from './main-job-args.js';

describe('the main job command line', () => {
  it('no option: 1000 executions, the demo plan chooses the date, the stack stays up', () => {
    expect(mainJobArgs([])).toEqual({ help: false, exit: false, trades: 1000, date: undefined });
  });

  it('--trades, --date and --exit as the README writes them; -h and --help ask for the usage', () => {
    expect(mainJobArgs(['--trades=5000', '--date=2026-11-26', '--exit'])).toEqual({ help: false, exit: true, trades: 5000, date: '2026-11-26' });
    expect(mainJobArgs(['--trades', '20'])).toMatchObject({ trades: 20 });
    expect(mainJobArgs(['-h']).help).toBe(true);
    expect(mainJobArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['--trades=abc'], `--trades=abc: a whole number of executions from 1 to ${MAIN_JOB_TRADES_MAX} expected; see --help`],
    [['--trades=0'], `--trades=0: a whole number of executions from 1 to ${MAIN_JOB_TRADES_MAX} expected; see --help`],
    [['--trades=1.5'], `--trades=1.5: a whole number of executions from 1 to ${MAIN_JOB_TRADES_MAX} expected; see --help`],
    [['--trades=50001'], `--trades=50001: a whole number of executions from 1 to ${MAIN_JOB_TRADES_MAX} expected; see --help`],
    [['--date=26/11/2026'], '--date=26/11/2026: a date YYYY-MM-DD expected; see --help'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => mainJobArgs(argv)).toThrow(new MainJobArgsError(message));
  });

  it('an unknown option, a positional or a value given to a switch is refused, naming it', () => {
    expect(() => mainJobArgs(['--trade=10'])).toThrow(/Unknown option '--trade'.*; see --help$/);
    expect(() => mainJobArgs(['demo'])).toThrow(/Unexpected argument 'demo'.*; see --help$/);
    expect(() => mainJobArgs(['--exit=yes'])).toThrow(/Option '--exit' does not take an argument.*; see --help$/);
    expect(() => mainJobArgs(['--trades'])).toThrow(/Option '--trades <value>' argument missing.*; see --help$/);
  });

  it('a stage waits 300 s plus 6 ms per execution: 306 s for the default 1000, 600 s for 50,000', () => {
    expect(stageBudgetMs(1000)).toBe(306_000);
    expect(stageBudgetMs(50_000)).toBe(600_000);
  });
});
