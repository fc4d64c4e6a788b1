import { expect } from '@jest/globals';
import { validateAgainst, type SchemaVersion } from '../schemas.js';
import { XmlReadError } from '../xml/read.js';

/** Every document valid against the official schema, in one xmllint run; the problems printed when one is not. */
export async function expectAllValid(version: SchemaVersion, docs: Record<string, string>): Promise<void> {
  const names = Object.keys(docs);
  const checks = await validateAgainst(version, Object.values(docs));
  const invalid = names.flatMap((n, i) => (checks[i]!.valid ? [] : [`${n}: ${checks[i]!.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`]));
  expect(invalid).toEqual([]);
}

/** The refusal a reader gives (anything else thrown, or no refusal at all, fails the test). */
export function refusal(f: () => unknown): XmlReadError {
  try {
    f();
  } catch (e) {
    if (e instanceof XmlReadError) return e;
    throw e;
  }
  throw new Error('accepted');
}
