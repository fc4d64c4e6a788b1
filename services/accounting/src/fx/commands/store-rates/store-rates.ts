import type { EntityManager } from 'typeorm';
import type { EcbRate } from '../../domain/ecb-csv.js';
import { reviseForLateRates } from '../revalue-positions/revaluation.js';

/**
 * Stores ECB rates (the last of a date and currency wins). A rate for a close already processed
 * that its currency's history lacks, or holds at another rate (the ECB's correction), is a rate late
 * for that close: the currency's positions are revalued again with it (reviseForLateRates).
 */
export async function storeRates(tx: EntityManager, rates: EcbRate[], source: string, causeId: string): Promise<number> {
  if (rates.length === 0) return 0;
  const last = new Map<string, EcbRate>();
  for (const r of rates) last.set(`${r.rateDate}|${r.currency}`, r);
  const v = [...last.values()];
  await tx.query(
    `INSERT INTO accounting.fx_rates (rate_date, currency, units_per_eur, source) SELECT d, c, u, $4 FROM unnest($1::date[], $2::text[], $3::numeric[]) AS x(d, c, u)
     ON CONFLICT (rate_date, currency) DO UPDATE SET units_per_eur = EXCLUDED.units_per_eur, source = EXCLUDED.source`,
    [v.map((r) => r.rateDate), v.map((r) => r.currency), v.map((r) => r.unitsPerEur), source],
  );
  await reviseForLateRates(tx, v, causeId);
  return v.length;
}
