import { Dec } from '@postera/kernel';

/**
 * The activity report of one business day (DOMAIN.md §6), from figures the database counted.
 * Rates are decimal strings with 4 places (half-even, as Dec does), null when nothing is counted.
 *
 * - Volumes: the day's trades (trade date = the day, not cancelled) by instrument, venue and account,
 *   with their gross amount per currency.
 * - STP rate: the day's trades validated STRAIGHT_THROUGH (no person touched them) / the day's trades.
 * - Confirmation rate: the day's trades whose counterparty confirmation matched / the day's trades.
 * - Settlement efficiency: instructions due that day (intended settlement date = the day, trade not
 *   cancelled) settled on or before their intended date / due.
 * - Fails: instructions failing now, by reason and by age in calendar days past the intended date
 *   (0, 1, 2–5, 6–10, over 10).
 * - Penalties: CSDR penalties accrued for the day, by direction and currency.
 * - FX results and reconciliation breaks: from accounting when it publishes them.
 */
export interface VolumeRow {
  key: string;
  currency: string;
  trades: number;
  grossAmount: string;
}

export interface ActivityFigures {
  businessDate: string;
  volumes: { byInstrument: VolumeRow[]; byVenue: VolumeRow[]; byAccount: VolumeRow[] };
  trades: number;
  straightThrough: number;
  confirmed: number;
  due: number;
  settledOnTime: number;
  fails: Array<{ reason: string; ageDays: number }>;
  penalties: Array<{ direction: string; currency: string; count: number; amount: string }>;
}

export type Availability<T> = { available: true; value: T } | { available: false; reason: string };

export interface ActivityReport {
  businessDate: string;
  volumes: ActivityFigures['volumes'];
  stp: { trades: number; straightThrough: number; rate: string | null };
  confirmation: { trades: number; confirmed: number; rate: string | null };
  settlementEfficiency: { due: number; settledOnTime: number; rate: string | null };
  fails: { total: number; byReason: Array<{ reason: string; count: number }>; byAge: Array<{ bucket: string; count: number }> };
  penalties: ActivityFigures['penalties'];
  fxResults: Availability<unknown>;
  reconciliationBreaks: Availability<unknown>;
}

export const AGE_BUCKETS = ['0', '1', '2-5', '6-10', '>10'] as const;

export function ageBucket(days: number): (typeof AGE_BUCKETS)[number] {
  if (days <= 0) return '0';
  if (days === 1) return '1';
  if (days <= 5) return '2-5';
  if (days <= 10) return '6-10';
  return '>10';
}

const rate = (num: number, den: number): string | null => (den > 0 ? new Dec(num).div(den).toFixed(4) : null);

export const NOT_PUBLISHED =
  'not available: accounting publishes no FX result or reconciliation break on accounting.events.v1 yet (FX revaluation entries are not announced)';

export function activityReport(f: ActivityFigures): ActivityReport {
  const byReason = new Map<string, number>();
  const byAge = new Map<string, number>(AGE_BUCKETS.map((b) => [b, 0]));
  for (const x of f.fails) {
    byReason.set(x.reason, (byReason.get(x.reason) ?? 0) + 1);
    const b = ageBucket(x.ageDays);
    byAge.set(b, (byAge.get(b) ?? 0) + 1);
  }
  return {
    businessDate: f.businessDate,
    volumes: f.volumes,
    stp: { trades: f.trades, straightThrough: f.straightThrough, rate: rate(f.straightThrough, f.trades) },
    confirmation: { trades: f.trades, confirmed: f.confirmed, rate: rate(f.confirmed, f.trades) },
    settlementEfficiency: { due: f.due, settledOnTime: f.settledOnTime, rate: rate(f.settledOnTime, f.due) },
    fails: {
      total: f.fails.length,
      byReason: [...byReason.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, count]) => ({ reason, count })),
      byAge: [...byAge.entries()].map(([bucket, count]) => ({ bucket, count })),
    },
    penalties: f.penalties,
    fxResults: { available: false, reason: NOT_PUBLISHED },
    reconciliationBreaks: { available: false, reason: NOT_PUBLISHED },
  };
}

/** One CSV (`;`, CRLF): section;key;currency;count;amount_or_rate — every figure of the report on its own row. */
export function activityCsv(r: ActivityReport): string {
  const rows: string[][] = [['section', 'key', 'currency', 'count', 'value']];
  for (const [section, list] of [
    ['volume_by_instrument', r.volumes.byInstrument],
    ['volume_by_venue', r.volumes.byVenue],
    ['volume_by_account', r.volumes.byAccount],
  ] as const)
    for (const v of list) rows.push([section, v.key, v.currency, String(v.trades), v.grossAmount]);
  rows.push(['stp_rate', 'straight_through/trades', '', `${r.stp.straightThrough}/${r.stp.trades}`, r.stp.rate ?? '']);
  rows.push(['confirmation_rate', 'confirmed/trades', '', `${r.confirmation.confirmed}/${r.confirmation.trades}`, r.confirmation.rate ?? '']);
  rows.push([
    'settlement_efficiency',
    'settled_on_time/due',
    '',
    `${r.settlementEfficiency.settledOnTime}/${r.settlementEfficiency.due}`,
    r.settlementEfficiency.rate ?? '',
  ]);
  for (const x of r.fails.byReason) rows.push(['fails_by_reason', x.reason, '', String(x.count), '']);
  for (const x of r.fails.byAge) rows.push(['fails_by_age_days', x.bucket, '', String(x.count), '']);
  for (const p of r.penalties) rows.push(['penalties', p.direction, p.currency, String(p.count), p.amount]);
  rows.push(['fx_results', r.fxResults.available ? 'available' : 'not available', '', '', r.fxResults.available ? '' : r.fxResults.reason]);
  rows.push([
    'reconciliation_breaks',
    r.reconciliationBreaks.available ? 'available' : 'not available',
    '',
    '',
    r.reconciliationBreaks.available ? '' : r.reconciliationBreaks.reason,
  ]);
  return rows.map((row) => row.map((v) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(';')).join('\r\n') + '\r\n';
}
