import type { EntityManager } from 'typeorm';

export interface InstrumentName {
  isin: string;
  name: string;
  version: number;
}

/**
 * Upserts the instruments' names, one statement for the batch. The referential numbers each
 * instrument's versions, so a version older than the one stored (a replay, a redelivery) changes
 * nothing; within a batch the highest version of an ISIN is kept.
 */
export async function upsertInstrumentNames(tx: EntityManager, rows: InstrumentName[]): Promise<void> {
  const latest = new Map<string, InstrumentName>();
  for (const r of rows) if ((latest.get(r.isin)?.version ?? 0) < r.version) latest.set(r.isin, r);
  if (latest.size === 0) return;
  const v = [...latest.values()];
  await tx.query(
    `INSERT INTO notification.instrument_names (isin, name, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
     ON CONFLICT (isin) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version, updated_at = now()
       WHERE notification.instrument_names.version < EXCLUDED.version`,
    [v.map((r) => r.isin), v.map((r) => r.name), v.map((r) => r.version)],
  );
}
