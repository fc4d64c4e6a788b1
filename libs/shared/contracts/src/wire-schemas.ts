import { z } from 'zod';

/**
 * The pieces every payload schema is built of. A decimal is a string on the wire, exactly as the
 * kernel's parseDecimalString reads one: a JSON number would lose digits before anyone could round.
 */
export const decimalString = z.string().regex(/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'not a decimal string');

/** A business date: YYYY-MM-DD, a day that exists, no time and no zone. */
export const isoDate = z.iso.date({ error: 'not a YYYY-MM-DD date' });

/** Counts, versions and sizes: whole numbers, never negative. */
export const count = z.number().int().nonnegative();

/**
 * True when A and B are the same type, both ways. A contract that keeps its hand-written interface
 * (other code names it, or its comments say more than a schema can) holds its schema to it with
 * `const _x: Same<X, z.infer<typeof XSchema>> = true`, so that neither drifts from the other.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
