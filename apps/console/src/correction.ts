/** The top-level fields a corrected message changes from the one that came, each as JSON (a number and a string differ). */
export function correctedFields(original: string, corrected: Record<string, unknown>): Array<{ field: string; before: string; after: string }> {
  let came: Record<string, unknown>;
  try {
    came = JSON.parse(original) as Record<string, unknown>;
  } catch {
    return [{ field: '(the message)', before: original, after: JSON.stringify(corrected) }];
  }
  const shown = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));
  return [...new Set([...Object.keys(came), ...Object.keys(corrected)])]
    .filter((k) => shown(came[k]) !== shown(corrected[k]))
    .map((field) => ({ field, before: shown(came[field]), after: shown(corrected[field]) }));
}
