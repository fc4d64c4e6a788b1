/**
 * A Postgres array literal for an `unnest($n::type[])` parameter, built in one pass. node-postgres
 * serialises a JS array element by element with two regular-expression replaces each; the journal
 * writes ~10^5 elements a batch, where that showed in the CPU profile. Every element is quoted
 * (backslash and double quote escaped), so any text is safe, and `null` is SQL NULL; the result is
 * what node-postgres would send (`{"a","b",NULL}`).
 */
export function pgArray(values: ReadonlyArray<string | number | null | undefined>): string {
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) out[i] = 'NULL';
    else {
      const s = String(v);
      out[i] = NEEDS_ESCAPE.test(s) ? `"${s.replace(ESCAPED, '\\$&')}"` : `"${s}"`;
    }
  }
  return `{${out.join(',')}}`;
}

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;
