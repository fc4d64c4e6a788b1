import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['libs/shared', 'services', 'tools'];

/** Every TypeScript source file (not the tests) of the libraries, services and tools. */
function sources(): string[] {
  const files: string[] = [];
  for (const root of ROOTS) {
    for (const pkg of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const src = join(root, pkg.name, 'src');
      let entries: string[];
      try {
        entries = readdirSync(src, { recursive: true }) as string[];
      } catch {
        continue;
      }
      files.push(...entries.filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).map((f) => join(src, f)));
    }
  }
  return files;
}

/** The person behind a call comes from a verified token only (docs/trust.md). */
describe('trust inside the perimeter', () => {
  it('no source reads an identity from a header nobody verifies', () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => /x-postera-user/i.test(readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('every service but the gateway is built on the platform module, whose guard verifies the gateway’s tokens', () => {
    const mains = ['capture', 'settlement', 'accounting', 'reporting', 'notification'].map((s) => readFileSync(join('services', s, 'src/main.ts'), 'utf8'));
    expect(mains.map((m) => m.includes('serviceModule(') && !/guard:/.test(m))).toEqual([true, true, true, true, true]);
  });
});
