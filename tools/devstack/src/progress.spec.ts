import { describe, expect, it } from '@jest/globals';
import { Progress, progressLine } from './progress.js';

/** A recorder for what the progress writes, on a terminal or in a log, with a clock the test moves. */
function recorder(isTTY: boolean) {
  const written: string[] = [];
  let now = 1_000_000;
  const progress = new Progress({ isTTY, write: (t: string) => written.push(t) }, () => now, 5_000);
  return { written, progress, advance: (ms: number) => (now += ms) };
}

describe('the main job progress', () => {
  it('the line names the stage, its counts and the seconds waited', () => {
    expect(progressLine('capture', 'consumed 640/1000', 12_900)).toBe('  … capture: consumed 640/1000 (12 s)');
  });

  it('in a log: a line when the counts change, at most one per 5 s per stage, the held-back counts written at the end', () => {
    const { written, progress, advance } = recorder(false);
    progress.update('capture', 'consumed 0/1000');
    advance(1_000);
    progress.update('capture', 'consumed 0/1000'); // unchanged: nothing
    progress.update('capture', 'consumed 300/1000'); // changed, but within 5 s: held back
    advance(4_000);
    progress.update('capture', 'consumed 700/1000'); // 5 s after the last line: written
    advance(1_000);
    progress.update('capture', 'consumed 1000/1000'); // held back, then written by end()
    progress.end();
    progress.update('settlement', 'settled 0 of 980 instructed'); // a new stage starts its own clock
    expect(written).toEqual([
      '  … capture: consumed 0/1000 (0 s)\n',
      '  … capture: consumed 700/1000 (5 s)\n',
      '  … capture: consumed 1000/1000 (6 s)\n',
      '  … settlement: settled 0 of 980 instructed (0 s)\n',
    ]);
  });

  it('on a terminal: the stage line is rewritten in place and cleared to its end; a new stage or the end moves to the next line', () => {
    const { written, progress, advance } = recorder(true);
    progress.update('services', '0/6 healthy');
    advance(2_000);
    progress.update('services', '6/6 healthy (all up)');
    progress.update('capture', 'consumed 10/1000');
    progress.end();
    progress.end(); // nothing in progress: nothing written
    expect(written).toEqual([
      '\r  … services: 0/6 healthy (0 s)\x1b[K',
      '\r  … services: 6/6 healthy (all up) (2 s)\x1b[K',
      '\n',
      '\r  … capture: consumed 10/1000 (0 s)\x1b[K',
      '\n',
    ]);
  });
});
