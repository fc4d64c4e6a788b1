import type { AccountRefV1, PartyRefV1 } from '@postera/contracts';
import type { EntityManager } from 'typeorm';

/** The latest version of each key in a batch: the upserts below compare versions with what is stored. */
function latestBy<T extends { version: number }>(rows: readonly T[], key: (r: T) => string): T[] {
  const latest = new Map<string, T>();
  for (const r of rows) if ((latest.get(key(r))?.version ?? 0) < r.version) latest.set(key(r), r);
  return [...latest.values()];
}

/** refdata.parties.v1 → parties_ref, a higher version replacing a lower one. */
export async function upsertParties(tx: EntityManager, parties: readonly PartyRefV1[]): Promise<void> {
  const v = latestBy(parties, (p) => p.lei);
  if (v.length === 0) return;
  await tx.query(
    `INSERT INTO accounting.parties_ref (lei, name, bic, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
     ON CONFLICT (lei) DO UPDATE SET name = EXCLUDED.name, bic = EXCLUDED.bic, version = EXCLUDED.version
     WHERE accounting.parties_ref.version < EXCLUDED.version`,
    [v.map((p) => p.lei), v.map((p) => p.name), v.map((p) => p.bic), v.map((p) => p.version)],
  );
}

/** refdata.accounts.v1 → account_names (the client behind each account), a higher version replacing a lower one. */
export async function upsertAccountNames(tx: EntityManager, accounts: readonly AccountRefV1[]): Promise<void> {
  const v = latestBy(accounts, (a) => a.account);
  if (v.length === 0) return;
  await tx.query(
    `INSERT INTO accounting.account_names (account, client_id, client_name, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
     ON CONFLICT (account) DO UPDATE SET client_id = EXCLUDED.client_id, client_name = EXCLUDED.client_name, version = EXCLUDED.version
     WHERE accounting.account_names.version < EXCLUDED.version`,
    [v.map((a) => a.account), v.map((a) => a.clientId), v.map((a) => a.clientName), v.map((a) => a.version)],
  );
}

/**
 * The names an auxiliary account code may have, whatever the line's kind of auxiliary: a
 * counterparty's LEI or BIC, a client id, an account id (a TTF line of an account the referential
 * did not describe carries the account). Codes of different kinds do not collide in practice (an
 * LEI has 20 characters, a BIC 8 or 11, client and account ids their own prefixes); if one did,
 * the counterparty wins, then the client.
 */
export async function auxNames(tx: Pick<EntityManager, 'query'>, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = (await tx.query(
    `SELECT code, name FROM (
       SELECT lei AS code, name, 1 AS rank FROM accounting.parties_ref WHERE lei = ANY($1::text[])
       UNION ALL SELECT bic, name, 2 FROM accounting.parties_ref WHERE bic = ANY($1::text[])
       UNION ALL (SELECT DISTINCT ON (client_id) client_id, client_name, 3 FROM accounting.account_names WHERE client_id = ANY($1::text[]) ORDER BY client_id, version DESC)
       UNION ALL SELECT account, client_name, 4 FROM accounting.account_names WHERE account = ANY($1::text[])
     ) n ORDER BY rank DESC`,
    [[...new Set(codes)]],
  )) as Array<{ code: string; name: string }>;
  // Ordered from the weakest source to the strongest: the last write wins.
  return new Map(rows.map((r) => [r.code, r.name]));
}
