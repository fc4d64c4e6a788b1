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
  /** Prepare each parameterised statement once per connection, once enablePreparedStatements is called (see StatementNames). */
  preparedStatements?: boolean;
}

/**
 * The names a data source gives its statement texts, shared by its connections: node-postgres
 * prepares a named statement the first time a connection runs it and then only binds and executes
 * it, so Postgres neither parses nor analyses it again. On a hot path of one-row statements that
 * was about a third of Postgres's CPU per statement (0.29 → 0.18 ms for a 14-column upsert, measured
 * on this VM). At most `max` texts are named (a text built with a varying number of placeholders
 * would otherwise grow every backend's memory); the others run unnamed, as before. Off until enabled,
 * so that statements run around migrations are never kept across a change of the tables.
 */
class StatementNames {
  enabled = false;
  private readonly names = new Map<string, string>();
  constructor(private readonly max: number) {}

  nameOf(text: string): string | undefined {
    if (!this.enabled) return undefined;
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.max) {
      name = `postera_${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }
}

const statementNames = new WeakMap<DataSource, StatementNames>();

/** A node-postgres Client that runs each parameterised statement under the name `names` gives it. */
function preparingClient(names: StatementNames): typeof pg.Client {
  type Query = (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) => unknown;
  const query = pg.Client.prototype.query as unknown as Query;
  class PreparingClient extends pg.Client {}
  const named: Query = function (config, values, callback) {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = names.nameOf(config);
      if (name !== undefined) return query.call(this, { name, text: config, values }, callback);
    }
    return query.call(this, config, values, callback);
  };
  Object.defineProperty(PreparingClient.prototype, 'query', { value: named, writable: true, configurable: true });
  return PreparingClient;
}

/**
 * Every statement is planned for the values it runs with, prepared or not. A prepared statement
 * otherwise gets, after five runs, a generic plan made for parameters of unknown size and from
 * statistics the last analyse left; our batch statements take arrays of 1 to 1,000 ids, and in a
 * burst the tables grow faster than autovacuum analyses them. The generic plans that resulted walked
 * a partial index of every pending delivery, or the whole attempts table, to update three rows by
 * their keys (notification's SENT marks: 6 ms each, half of its Postgres CPU in a 20,000-trade
 * burst). A custom plan costs its planning each time (about 0.1 ms); the parse, the largest share
 * the prepared statements saved, is still saved.
 */
const CUSTOM_PLANS = '-c plan_cache_mode=force_custom_plan';

export function createServiceDataSource(o: ServiceDataSourceOptions): DataSource {
  const names = o.preparedStatements ? new StatementNames(500) : null;
  const ds = new DataSource({
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: o.migrations,
    entities: [],
    applicationName: o.applicationName,
    // pg-pool builds its connections with this Client class.
    extra: names ? { max: o.poolMax, options: CUSTOM_PLANS, Client: preparingClient(names) } : { max: o.poolMax, options: CUSTOM_PLANS },
  });
  if (names) statementNames.set(ds, names);
  return ds;
}

/** From now on the data source prepares its statements (when created with preparedStatements): call it after the migrations. */
export function enablePreparedStatements(ds: DataSource): void {
  const names = statementNames.get(ds);
  if (names) names.enabled = true;
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
