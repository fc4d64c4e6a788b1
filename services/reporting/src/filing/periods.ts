/**
 * When a report's period may be filed, and what a correction changed. Pure: the business day and
 * the calendar come from the caller.
 */

export interface BusinessDayNow {
  businessDate: string;
  status: 'OPEN' | 'CLOSED';
}

/** The last day of the period a run covers: a month's last calendar day, or the business date itself. */
export function periodEnd(period: string): string {
  if (/^\d{4}-\d{2}$/.test(period)) {
    const [y, m] = period.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  }
  return period;
}

/**
 * Why a period cannot be filed yet, or null when it has ended: its last day is before the current
 * business date, or is the current business date and that day is closed. A month whose last
 * calendar day is a holiday ends with the close of its last business day (lastBusinessDay), which
 * is where the monthly declarations are filed.
 */
export function notEndedYet(period: string, now: BusinessDayNow | null, lastBusinessDay: (month: string) => string): string | null {
  if (!now) return `no business day has been closed yet: ${period} has not ended`;
  const end = /^\d{4}-\d{2}$/.test(period) ? lastBusinessDay(period) : period;
  if (end < now.businessDate || (end === now.businessDate && now.status === 'CLOSED')) return null;
  return `${period} has not ended: it ends with the close of ${end}, and the business day is ${now.businessDate} (${now.status.toLowerCase()}); a test run ({ testRun: true }) is computed and never filed`;
}

/** The month's last business day on a calendar (TARGET for the declarations). */
export function lastBusinessDayOf(month: string, isBusinessDay: (d: string) => boolean): string {
  const end = new Date(`${periodEnd(month)}T00:00:00Z`);
  for (let i = 0; i < 31; i++) {
    const d = new Date(end.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    if (isBusinessDay(d)) return d;
  }
  return periodEnd(month);
}

export interface Change {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** The keys by which the rows of a report are known, in order of preference: a row's identity, not its place. */
const ROW_KEYS = ['isin', 'tradeRef', 'transactionReference', 'account', 'lei', 'key', 'code', 'id'];

/**
 * A row's identity: its first identifying field, else what describes it — its text fields that
 * are not amounts (a balance-of-payments row is its country, currency, direction and instrument
 * type; its amount and count are what it says) — else its place.
 */
function rowKey(row: unknown, index: number): string {
  if (row && typeof row === 'object') {
    const r = row as Record<string, unknown>;
    for (const k of ROW_KEYS) {
      const v = r[k];
      if (typeof v === 'string' || typeof v === 'number') return `${k}=${v}`;
    }
    const described = Object.keys(r)
      .filter((k) => typeof r[k] === 'string' && !/^-?\d+(\.\d+)?$/.test(r[k] as string))
      .sort()
      .map((k) => `${k}=${r[k] as string}`);
    if (described.length > 0) return described.join('|');
  }
  return String(index);
}

function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    const seen = new Map<string, number>();
    value.forEach((row, i) => {
      let k = rowKey(row, i);
      // Two rows with one key (e.g. one ISIN in two currencies) stay apart by their rank.
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      if (n > 0) k = `${k}#${n + 1}`;
      leaves(row, `${path}[${k}]`, out);
    });
    if (value.length === 0) out.set(path, []);
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries) leaves(v, path ? `${path}.${k}` : k, out);
    if (entries.length === 0) out.set(path, {});
  } else out.set(path, value);
}

/**
 * What a correction changes against the version it replaces: every value added, removed or
 * changed, rows matched by their identity (an ISIN, a trade reference…) rather than their place, so
 * that one new row reads as one addition. At most `max` changes are listed; `more` counts the rest.
 */
export function whatChanged(before: unknown, after: unknown, max = 200): { changes: Change[]; more: number } {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  leaves(before, '', a);
  leaves(after, '', b);
  const all: Change[] = [];
  for (const [path, v] of a) {
    if (!b.has(path)) all.push({ path, before: v });
    else if (JSON.stringify(b.get(path)) !== JSON.stringify(v)) all.push({ path, before: v, after: b.get(path) });
  }
  for (const [path, v] of b) if (!a.has(path)) all.push({ path, after: v });
  all.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { changes: all.slice(0, max), more: Math.max(0, all.length - max) };
}
