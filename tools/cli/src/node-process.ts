import { spawn } from 'node:child_process';
import type { Io } from './cli.js';

/**
 * Runs a built Node entry point of the repository (a service's migrations, the gateway's audit
 * verification) as its own process, its output passed through as it comes. The operational
 * commands run the services' own code this way rather than importing it: a service owns its
 * schema and its database access, and the CLI stays free of Nest, TypeORM and pg.
 */
export function runNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (t: string) => io.out(t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => io.err(t));
    child.on('error', reject);
    // A process killed by a signal has no exit code: it did not succeed.
    child.on('close', (code) => resolve(code ?? 1));
  });
}
