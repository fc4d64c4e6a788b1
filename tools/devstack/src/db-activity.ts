import pg from 'pg';

/**
 * What Postgres did for the stack, read from its cumulative statistics: transactions ended in the
 * bench's database (read-only ones too: a poll is a transaction), the cluster's WAL flushes and
 * bytes (the only cluster activity during a bench), and rows written per schema — so per service.
 * Commits and round trips are what a trade costs at low rates (docs/benchmark.md); these counts say
 * how many without patching the drivers.
 */
export interface DbActivity {
  transactions: number;
  walFlushes: number;
  walBytes: number;
  /** WAL records carrying a whole page: the first change of a page after each checkpoint. */
  walFullPages: number;
  rowsWritten: Map<string, number>;
}

/**
 * Backends report their statistics when a transaction ends (at most once a second) and when they
 * exit: read it after the services have stopped, and every one of their transactions is counted.
 */
export async function dbActivity(databaseUrl: string): Promise<DbActivity> {
  const c = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-db-activity' });
  await c.connect();
  try {
    const { rows } = await c.query<{ transactions: string; wal_flushes: string; wal_bytes: string; wal_fpi: string }>(
      `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()) AS transactions,
              wal_sync AS wal_flushes, wal_bytes, wal_fpi FROM pg_stat_wal`,
    );
    const tables = await c.query<{ schema: string; n: string }>(
      `SELECT schemaname AS schema, sum(n_tup_ins + n_tup_upd + n_tup_del) AS n FROM pg_stat_user_tables GROUP BY schemaname`,
    );
    const r = rows[0]!;
    return {
      transactions: Number(r.transactions),
      walFlushes: Number(r.wal_flushes),
      walBytes: Number(r.wal_bytes),
      walFullPages: Number(r.wal_fpi),
      rowsWritten: new Map(tables.rows.map((t) => [t.schema, Number(t.n)])),
    };
  } finally {
    await c.end();
  }
}

/** Per trade, between two readings; `ownTransactions` (the bench's own polls and readings) left out. */
export function dbActivityPerTrade(before: DbActivity, after: DbActivity, trades: number, ownTransactions: number) {
  const per = (n: number, digits = 2) => Number((n / trades).toFixed(digits));
  return {
    transactions: per(after.transactions - before.transactions - ownTransactions),
    walFlushes: per(after.walFlushes - before.walFlushes),
    walKiB: per((after.walBytes - before.walBytes) / 1024),
    walFullPages: per(after.walFullPages - before.walFullPages),
    rowsWritten: Object.fromEntries(
      [...after.rowsWritten]
        .map(([schema, n]) => [schema, per(n - (before.rowsWritten.get(schema) ?? 0))] as const)
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
}
