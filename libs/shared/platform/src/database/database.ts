import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { isTransientInfrastructureError } from '../consumer/batch-consumer.js';
import { whenReachable } from '../when-reachable.js';

type MigrationClass = new () => MigrationInterface;

/** Creates the database named in url when it is missing (dev and CI; a production role usually may not). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name} is not a plain identifier`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${name}`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created meanwhile by a sibling service
      });
    }
  } finally {
    await client.end();
  }
}

export interface ServiceDataSourceOptions {
  url: string;
  /** The service's own schema: it never reads another's. */
  schema: string;
  migrations: MigrationClass[];
  poolMax: number;
  applicationName: string;
}

export function createServiceDataSource(o: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: o.migrations,
    entities: [],
    applicationName: o.applicationName,
    extra: { max: o.poolMax },
  });
}

/** Runs the service's migrations in its own schema (created first: TypeORM keeps its migrations table there). */
export async function migrate(ds: DataSource, schema: string): Promise<string[]> {
  if (!ds.isInitialized) await ds.initialize();
  await ds.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const applied = await ds.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/**
 * Runs `connect` until Postgres accepts it: a service started while the database is down or still
 * recovering (a restart, a failover, "the database system is not yet accepting connections") waits
 * for it with backoff — up to timeoutMs — instead of exiting and being restarted in a loop. Any
 * other error (a wrong password, a failed migration) is raised at once.
 */
export function whenDatabaseReachable<T>(
  connect: () => Promise<T>,
  o: { timeoutMs: number; onWait: (e: unknown, waitedMs: number) => void },
): Promise<T> {
  return whenReachable(connect, { ...o, transient: isTransientInfrastructureError });
}
