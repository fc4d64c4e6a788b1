import { describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';

jest.setTimeout(120_000);

const eslint = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['node_modules/eslint/bin/eslint.js', ...args], { encoding: 'utf8', input, cwd: process.cwd() });

/** The architecture is checked by a tool (ESLint's no-restricted-imports, eslint.config.js), not by hope. */
describe('module boundaries', () => {
  it('the whole repository lints clean, boundaries included', () => {
    const run = eslint(['.', '--max-warnings', '0']);
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('a service importing another service is refused', () => {
    const run = eslint(['--stdin', '--stdin-filename', 'services/capture/test/probe.ts'], "import { x } from '@postera/settlement';\nexport const y = x;\n");
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('A service never imports another service');
  });

  it('a domain folder importing a framework is refused', () => {
    const run = eslint(
      ['--stdin', '--stdin-filename', 'services/accounting/test/domain/probe.ts'],
      "import { Injectable } from '@nestjs/common';\nexport const y = Injectable;\n",
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('The domain folder is plain TypeScript');
  });

  it('a shared library importing a service is refused', () => {
    const run = eslint(['--stdin', '--stdin-filename', 'libs/shared/kernel/test/probe.ts'], "import { x } from '@postera/capture';\nexport const y = x;\n");
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Shared libraries never depend on services or tools');
  });
});
