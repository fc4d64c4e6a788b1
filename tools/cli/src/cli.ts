import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { XML_LENGTH_MAX } from '@postera/iso20022';

/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** What every command runs against; injected so that the tests run the commands in-process. */
export interface Cli {
  io: Io;
  /** The repository root: the built services the operational commands run live under it. */
  root: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Exit codes, the same for every command so that scripts can rely on them: 1 is a verdict about
 * the input (a schema error, a refused file, a broken audit chain, a failed migration), 2 means the
 * input could not be judged at all (wrong usage, no schema, unknown message, nothing built), 3 that
 * Postera itself failed.
 */
export const Exit = { ok: 0, verdict: 1, unusable: 2, bug: 3 } as const;
export type ExitCode = (typeof Exit)[keyof typeof Exit];

/** tools/cli/src or tools/cli/dist → the repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const processCli = (): Cli => ({
  io: { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
  root: REPO_ROOT,
  env: process.env,
});

/**
 * A usage error from util.parseArgs (unknown option, missing value) rather than a bug; known by
 * its code, not its class, since an error from Node's own realm is no instance of a test realm's
 * TypeError.
 */
export const isUsageError = (e: unknown): e is Error =>
  typeof e === 'object' && e !== null && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS') && 'message' in e;

/**
 * A file's text, refused before it is read when it is larger than the XML reader would accept
 * anyway (its limit is in characters; a UTF-8 character takes at most 4 bytes).
 */
export async function readDocument(file: string): Promise<string> {
  const { size } = await stat(file);
  if (size > XML_LENGTH_MAX * 4) throw new Error(`${size} bytes, more than the ${XML_LENGTH_MAX * 4} an ISO 20022 document may take here`);
  return readFile(file, 'utf8');
}
