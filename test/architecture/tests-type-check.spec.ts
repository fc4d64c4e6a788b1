import { describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(180_000);

/**
 * Jest compiles the tests with SWC, which strips types without checking them, so a fixture
 * could drift from the contract it stands for and still pass. The tests, fixtures and helpers are
 * type-checked here against the code they test (tsconfig.tests.json: every source and test file).
 */
describe('the tests are type-checked', () => {
  it('tsc finds no error in any test, fixture or helper', () => {
    const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.tests.json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const errors = `${run.stdout}${run.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors).toEqual([]);
    expect(run.status).toBe(0);
  });
});
