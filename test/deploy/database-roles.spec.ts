import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * deploy/postgres/roles.sql on the real PostgreSQL (127.0.0.1:5432, trust auth): in a throwaway
 * database, the roles are created by deploy/postgres/init-roles.sh (the compose and Kubernetes path),
 * every service runs its own migrations as its own role with `node main.js migrate`
 * (DATABASE_CREATE=false, as in deploy/), then each role works in its schema and is refused in
 * every other one.
 */
jest.setTimeout(180_000);

const run = promisify(execFile);
const root = process.cwd();
const host = process.env.POSTERA_TEST_PGHOST ?? '127.0.0.1';
const port = process.env.POSTERA_TEST_PGPORT ?? '5432';
const admin = (database: string) => `postgres://postgres@${host}:${port}/${database}`;
const database = `postera_roles_test_${randomBytes(4).toString('hex')}`;

const services = [
  { schema: 'capture', main: 'services/capture/dist/main.js' },
  { schema: 'settlement', main: 'services/settlement/dist/main.js' },
  { schema: 'accounting', main: 'services/accounting/dist/main.js' },
  { schema: 'reporting', main: 'services/reporting/dist/main.js' },
  { schema: 'notification', main: 'services/notification/dist/main.js' },
  { schema: 'gateway', main: 'services/gateway/dist/main.js' },
  { schema: 'market_sim', main: 'tools/market-sim/dist/main.js' },
];
const roleOf = (schema: string) => `postera_${schema}`;

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}
const asRole = <T>(schema: string, f: (c: pg.Client) => Promise<T>) => withClient(`postgres://${roleOf(schema)}@${host}:${port}/${database}`, f);

/** The SQLSTATE a statement fails with, or 'ok'. */
async function outcome(c: pg.Client, sql: string): Promise<string> {
  try {
    await c.query(sql);
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}
const PERMISSION_DENIED = '42501';

describe('one database role per service, with rights on its own schema alone', () => {
  beforeAll(async () => {
    for (const s of services) if (!existsSync(join(root, s.main))) throw new Error(`${s.main} is missing: run npm run build first`);
    await withClient(admin('postgres'), (c) => c.query(`CREATE DATABASE ${database}`));
    const env = { ...process.env, PGHOST: host, PGPORT: port, PGUSER: 'postgres', PGDATABASE: database, POSTERA_DB_PASSWORD: 'not-used-with-trust' };
    await run('sh', [join(root, 'deploy/postgres/init-roles.sh')], { env });
    await run('sh', [join(root, 'deploy/postgres/init-roles.sh')], { env }); // idempotent: a second run changes nothing
    // Each service migrates as its own role, as the Kubernetes Jobs and the compose services do.
    await Promise.all(
      services.map((s) =>
        run(process.execPath, [join(root, s.main), 'migrate'], {
          env: {
            ...process.env,
            DATABASE_URL: `postgres://${roleOf(s.schema)}@${host}:${port}/${database}`,
            DATABASE_CREATE: 'false',
            HTTP_PORT: '0',
            LOG_LEVEL: 'warn',
            AUTH_JWKS_JSON: '{"keys":[]}',
          },
        }),
      ),
    );
  });

  afterAll(async () => {
    await withClient(admin('postgres'), async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      // The roles are cluster-wide: dropped unless another database still uses them.
      for (const s of services) await c.query(`DROP ROLE IF EXISTS ${roleOf(s.schema)}`).catch(() => undefined);
    });
  });

  it('each service role owns its schema and every table its migrations created', async () => {
    const rows = await withClient(admin(database), async (c) => {
      const schemas = await c.query<{ nspname: string; owner: string }>(
        `SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = ANY($1)`,
        [services.map((s) => s.schema)],
      );
      const tables = await c.query<{ schemaname: string; tableowner: string; n: number }>(
        `SELECT schemaname, tableowner, count(*)::int AS n FROM pg_tables WHERE schemaname = ANY($1) GROUP BY 1, 2`,
        [services.map((s) => s.schema)],
      );
      return { schemas: schemas.rows, tables: tables.rows };
    });
    expect(Object.fromEntries(rows.schemas.map((r) => [r.nspname, r.owner]))).toEqual(Object.fromEntries(services.map((s) => [s.schema, roleOf(s.schema)])));
    for (const s of services) {
      const owned = rows.tables.filter((t) => t.schemaname === s.schema);
      expect(owned.map((t) => t.tableowner)).toEqual([roleOf(s.schema)]);
      expect(owned[0]!.n).toBeGreaterThan(3); // outbox, inbox, business_day and the service's own
    }
  });

  it.each(services.map((s) => [s.schema]))('%s reads and writes its own schema and is refused in every other one', async (own) => {
    await asRole(own, async (c) => {
      await c.query(`INSERT INTO business_day (calendar, business_date, status) VALUES ('ROLE-TEST', '2026-11-26', 'OPEN')`); // search_path = own schema
      const read = await c.query<{ status: string }>(`SELECT status FROM ${own}.business_day WHERE calendar = 'ROLE-TEST'`);
      expect(read.rows).toEqual([{ status: 'OPEN' }]);
      expect(await outcome(c, `UPDATE ${own}.business_day SET status = 'CLOSED' WHERE calendar = 'ROLE-TEST'`)).toBe('ok');
      expect(await outcome(c, `DELETE FROM ${own}.business_day WHERE calendar = 'ROLE-TEST'`)).toBe('ok');
      expect(await outcome(c, `INSERT INTO ${own}.outbox (event_id, topic, value) VALUES (gen_random_uuid(), 't', '{}')`)).toBe('ok');
      expect(await outcome(c, `DELETE FROM ${own}.outbox`)).toBe('ok');
      expect(await outcome(c, `CREATE TABLE ${own}.role_probe (id int); DROP TABLE ${own}.role_probe`)).toBe('ok');

      for (const other of services.map((s) => s.schema).filter((s) => s !== own)) {
        expect([other, 'read', await outcome(c, `SELECT count(*) FROM ${other}.business_day`)]).toEqual([other, 'read', PERMISSION_DENIED]);
        expect([other, 'write', await outcome(c, `INSERT INTO ${other}.outbox (event_id, topic, value) VALUES (gen_random_uuid(), 't', '{}')`)]).toEqual([
          other,
          'write',
          PERMISSION_DENIED,
        ]);
        expect([other, 'create', await outcome(c, `CREATE TABLE ${other}.intruder (id int)`)]).toEqual([other, 'create', PERMISSION_DENIED]);
      }
      expect(await outcome(c, `CREATE TABLE public.intruder (id int)`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `CREATE ROLE postera_intruder`)).toBe(PERMISSION_DENIED);
    });
  });

  it('accounting posts through accounting_service, which may read and insert the journal but never update or delete it', async () => {
    await asRole('accounting', async (c) => {
      await c.query('BEGIN');
      try {
        await c.query('SET LOCAL ROLE accounting_service');
        expect(await outcome(c, 'SELECT count(*) FROM accounting.journal_entries')).toBe('ok');
        expect(await outcome(c, 'SAVEPOINT s; DELETE FROM accounting.journal_entries')).toBe(PERMISSION_DENIED);
        await c.query('ROLLBACK TO SAVEPOINT s');
        expect(await outcome(c, 'SAVEPOINT s; UPDATE accounting.journal_entries SET kind = kind')).toBe(PERMISSION_DENIED);
        await c.query('ROLLBACK TO SAVEPOINT s');
        expect(await outcome(c, 'SELECT count(*) FROM capture.trades')).toBe(PERMISSION_DENIED);
      } finally {
        await c.query('ROLLBACK');
      }
    });
  });

  it('a role that was not granted CONNECT cannot even connect (PUBLIC has no rights on the database)', async () => {
    const outsider = `${database}_outsider`;
    await withClient(admin(database), (c) => c.query(`CREATE ROLE ${outsider} LOGIN`));
    try {
      const attempt = withClient(`postgres://${outsider}@${host}:${port}/${database}`, (c) => c.query('SELECT 1'));
      await expect(attempt).rejects.toMatchObject({ code: PERMISSION_DENIED });
    } finally {
      await withClient(admin('postgres'), (c) => c.query(`DROP ROLE ${outsider}`));
    }
  });
});
