import { join } from 'node:path';
import { main } from '../src/main.js';
import { REPO_ROOT, type Cli } from '../src/cli.js';

/** The golden input files of the CLI's tests (and of its README's examples). */
export const fixture = (name: string): string => join(REPO_ROOT, 'tools/cli/fixtures', name);

/** Runs `postera <argv>` in-process, its output captured. */
export async function postera(argv: string[], over: Partial<Omit<Cli, 'io'>> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, root: REPO_ROOT, env: process.env, ...over });
  return { code, out: out.join(''), err: err.join('') };
}
