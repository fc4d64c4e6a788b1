import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, postera } from '../test/run-postera.js';
import { REPO_ROOT } from './cli.js';

describe('postera', () => {
  it('--help lists every command, the exit codes, and how a custodian or bank is onboarded', async () => {
    const run = await postera(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['iso20022 validate <file>...', 'iso20022 read <file>', 'audit verify', 'migrate [service...]']) expect(run.out).toContain(command);
    expect(run.out).toContain('Onboarding a new custodian or bank');
  });

  it.each(['iso20022 validate', 'iso20022 read', 'audit verify', 'migrate'])('%s --help: its usage, exit 0', async (command) => {
    const run = await postera([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.out.startsWith(`Usage: postera ${command}`)).toBe(true);
  });

  it('no command, an unknown one, an unknown option: the usage on stderr, exit 2', async () => {
    expect(await postera([])).toMatchObject({ code: 2, out: '', err: expect.stringContaining('Usage: postera <command>') });
    expect(await postera(['iso20022', 'convert', 'x.xml'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command iso20022 convert x.xml') });
    expect(await postera(['iso20022', 'validate', '--strict', 'x.xml'])).toMatchObject({
      code: 2,
      err: expect.stringContaining("postera iso20022 validate: Unknown option '--strict'"),
    });
  });
});

describe('the launcher, as npm links it', () => {
  // The bin runs the compiled CLI: build it (and the library under it) as `npm run build` would.
  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tools/cli'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`tsc -b tools/cli failed:\n${build.stdout}${build.stderr}`);
  }, 180_000);

  const node = (args: string[], cwd = REPO_ROOT) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });

  it('node tools/cli/bin/postera.mjs iso20022 validate: the same verdicts and exit code as in-process', () => {
    const valid = fixture('camt053-001-08-valid-statement.xml');
    const invalid = fixture('camt053-001-08-two-schema-errors.xml');
    const run = node(['tools/cli/bin/postera.mjs', 'iso20022', 'validate', valid, invalid]);
    expect([run.status, run.stderr]).toEqual([1, '']);
    expect(run.stdout.split('\n').filter((l) => !l.startsWith('  '))).toEqual([
      `${valid}: camt.053.001.08 BankToCustomerStatement: valid against the official schema`,
      `${invalid}: camt.053.001.08 BankToCustomerStatement: NOT valid, 2 schema errors`,
      '',
    ]);
  });

  it('node_modules/.bin/postera (what npx runs) reads a file named relative to where it is run', () => {
    const run = node([join(REPO_ROOT, 'node_modules/.bin/postera'), 'iso20022', 'read', 'truncated-statement.xml'], join(REPO_ROOT, 'tools/cli/fixtures'));
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ refused: { reason: 'unexpected close tag.', element: 'Document/BkToCstmrStmt', line: 10 } });
  });

  describe('before any build', () => {
    let bare: string;
    beforeAll(() => {
      bare = mkdtempSync(join(tmpdir(), 'postera-cli-bin-'));
      mkdirSync(join(bare, 'bin'));
      copyFileSync(join(REPO_ROOT, 'tools/cli/bin/postera.mjs'), join(bare, 'bin/postera.mjs'));
    });
    afterAll(() => rmSync(bare, { recursive: true, force: true }));

    it('says to run npm run build first, exit 2', () => {
      const run = node([join(bare, 'bin/postera.mjs'), '--help']);
      expect([run.status, run.stdout, run.stderr]).toEqual([2, '', 'postera: the CLI is not built: run `npm run build` first (at the repository root)\n']);
    });
  });
});
