import pg from 'pg';

/**
 * What Postgres did for the stack, read from its cumulative statistics: transactions ended in the
 * bench's database (read-only ones too: a poll is a transaction), the cluster's WAL flushes and
 * bytes (the only cluster activity during a bench), and rows written per table (and so per schema,
 * per service).
 * Commits and round trips are what a trade costs at low rates (docs/benchmark.md); these counts say
 * how many without patching the drivers.
 */
export interface DbActivity {
  transactions: number;
  walFlushes: number;
  walBytes: number;
  /** WAL records carrying a whole page: the first change of a page after each checkpoint. */
  walFullPages: number;
  /** Rows inserted, updated and deleted, per table (`schema.table`). */
  rowsWritten: Map<string, RowsWritten>;
}

export interface RowsWritten {
  inserted: number;
  updated: number;
  deleted: number;
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
    const tables = await c.query<{ name: string; ins: string; upd: string; del: string }>(
      `SELECT schemaname || '.' || relname AS name, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables`,
    );
    const r = rows[0]!;
    return {
      transactions: Number(r.transactions),
      walFlushes: Number(r.wal_flushes),
      walBytes: Number(r.wal_bytes),
      walFullPages: Number(r.wal_fpi),
      rowsWritten: new Map(tables.rows.map((t) => [t.name, { inserted: Number(t.ins), updated: Number(t.upd), deleted: Number(t.del) }])),
    };
  } finally {
    await c.end();
  }
}

/** Per trade, between two readings; `ownTransactions` (the bench's own polls and readings) left out. */
export function dbActivityPerTrade(before: DbActivity, after: DbActivity, trades: number, ownTransactions: number) {
  const per = (n: number, digits = 2) => Number((n / trades).toFixed(digits));
  const none: RowsWritten = { inserted: 0, updated: 0, deleted: 0 };
  const tables = [...after.rowsWritten].map(([table, n]) => {
    const was = before.rowsWritten.get(table) ?? none;
    return { table, inserted: n.inserted - was.inserted, updated: n.updated - was.updated, deleted: n.deleted - was.deleted };
  });
  const bySchema = new Map<string, number>();
  for (const t of tables) {
    const schema = t.table.slice(0, t.table.indexOf('.'));
    bySchema.set(schema, (bySchema.get(schema) ?? 0) + t.inserted + t.updated + t.deleted);
  }
  return {
    transactions: per(after.transactions - before.transactions - ownTransactions),
    walFlushes: per(after.walFlushes - before.walFlushes),
    walKiB: per((after.walBytes - before.walBytes) / 1024),
    walFullPages: per(after.walFullPages - before.walFullPages),
    /** Per schema, so per service: inserted, updated and deleted together. */
    rowsWritten: Object.fromEntries(
      [...bySchema]
        .map(([schema, n]) => [schema, per(n)] as const)
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
    /** Per table, the most written first; what rounds to nothing per trade is left out. */
    rowsWrittenByTable: tables
      .map((t) => ({
        table: t.table,
        total: per(t.inserted + t.updated + t.deleted),
        inserted: per(t.inserted),
        updated: per(t.updated),
        deleted: per(t.deleted),
      }))
      .filter((t) => t.total > 0)
      .sort((a, b) => b.total - a.total || a.table.localeCompare(b.table)),
  };
}
