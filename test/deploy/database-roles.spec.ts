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
 * every service runs its own migrations as its owner role with `node main.js migrate`
 * (DATABASE_CREATE=false, as in deploy/), then each runtime role works in its schema, cannot change
 * the schema itself, and is refused in every other one; the gateway's runtime role may only insert
 * and read its audit log.
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
const ownerOf = (schema: string) => `postera_${schema}_owner`;

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
const asOwner = <T>(schema: string, f: (c: pg.Client) => Promise<T>) => withClient(`postgres://${ownerOf(schema)}@${host}:${port}/${database}`, f);

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
    // Each service migrates as its owner role, as the Kubernetes migration Jobs do.
    await Promise.all(
      services.map((s) =>
        run(process.execPath, [join(root, s.main), 'migrate'], {
          env: {
            ...process.env,
            DATABASE_URL: `postgres://${ownerOf(s.schema)}@${host}:${port}/${database}`,
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
      for (const s of services) {
        for (const role of [roleOf(s.schema), ownerOf(s.schema)]) await c.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      }
    });
  });

  it('each owner role owns its schema and every table its migrations created', async () => {
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
    expect(Object.fromEntries(rows.schemas.map((r) => [r.nspname, r.owner]))).toEqual(Object.fromEntries(services.map((s) => [s.schema, ownerOf(s.schema)])));
    for (const s of services) {
      const owned = rows.tables.filter((t) => t.schemaname === s.schema);
      expect(owned.map((t) => t.tableowner)).toEqual([ownerOf(s.schema)]);
      expect(owned[0]!.n).toBeGreaterThan(3); // outbox, inbox, business_day and the service's own
    }
  });

  it.each(services.map((s) => [s.schema]))('%s reads and writes its own schema, cannot change it, and is refused in every other one', async (own) => {
    await asRole(own, async (c) => {
      await c.query(`INSERT INTO business_day (calendar, business_date, status) VALUES ('ROLE-TEST', '2026-11-26', 'OPEN')`); // search_path = own schema
      const read = await c.query<{ status: string }>(`SELECT status FROM ${own}.business_day WHERE calendar = 'ROLE-TEST'`);
      expect(read.rows).toEqual([{ status: 'OPEN' }]);
      expect(await outcome(c, `UPDATE ${own}.business_day SET status = 'CLOSED' WHERE calendar = 'ROLE-TEST'`)).toBe('ok');
      expect(await outcome(c, `DELETE FROM ${own}.business_day WHERE calendar = 'ROLE-TEST'`)).toBe('ok');
      expect(await outcome(c, `INSERT INTO ${own}.outbox (event_id, topic, value) VALUES (gen_random_uuid(), 't', '{}')`)).toBe('ok');
      expect(await outcome(c, `DELETE FROM ${own}.outbox`)).toBe('ok');
      // The schema is the owner's: the runtime role creates, alters and drops nothing in it.
      expect(await outcome(c, `CREATE TABLE ${own}.role_probe (id int)`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `ALTER TABLE ${own}.business_day ADD COLUMN probe int`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `TRUNCATE ${own}.outbox`)).toBe(PERMISSION_DENIED);
      // Emptying the published outbox goes through the owner's function, which checks that nothing is left to publish.
      expect(await outcome(c, `SELECT ${own}.outbox_rotate()`)).toBe('ok');
      expect(await outcome(c, `CREATE SCHEMA ${own}_probe`)).toBe(PERMISSION_DENIED);

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

  it.each(services.map((s) => [s.schema]))('%s: its owner role creates and drops in the schema (it runs the migrations)', async (own) => {
    await asOwner(own, async (c) => {
      expect(await outcome(c, `CREATE TABLE ${own}.role_probe (id int); DROP TABLE ${own}.role_probe`)).toBe('ok');
      expect(await outcome(c, `SELECT count(*) FROM ${services.find((s) => s.schema !== own)!.schema}.business_day`)).toBe(PERMISSION_DENIED);
    });
  });

  it("the gateway's runtime role may only insert and read its audit log: no update, delete, truncate, nor disabling or dropping a trigger", async () => {
    await asRole('gateway', async (c) => {
      await c.query(
        `INSERT INTO gateway.audit_log (seq, at, actor, roles, action, prev_hash, hash, key_id) VALUES (1, now(), 'role-test', '{}', 'PROBE', $1, 'h1', 'k1')`,
        ['0'.repeat(64)],
      );
      expect((await c.query(`SELECT actor FROM gateway.audit_log WHERE seq = 1`)).rows).toEqual([{ actor: 'role-test' }]);
      expect(await outcome(c, `UPDATE gateway.audit_log SET actor = 'mallory' WHERE seq = 1`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `DELETE FROM gateway.audit_log WHERE seq = 1`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `TRUNCATE gateway.audit_log`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `ALTER TABLE gateway.audit_log DISABLE TRIGGER audit_log_no_update`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `ALTER TABLE gateway.audit_log DISABLE TRIGGER ALL`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `DROP TRIGGER audit_log_no_update ON gateway.audit_log`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `ALTER TABLE gateway.audit_log DROP CONSTRAINT audit_log_keyed`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `DROP TABLE gateway.audit_log`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `UPDATE gateway.audit_chain_scheme SET keyed_from_seq = 99`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `DELETE FROM gateway.audit_chain_scheme`)).toBe(PERMISSION_DENIED);
      expect(await outcome(c, `ALTER TABLE gateway.audit_chain_scheme DISABLE TRIGGER USER`)).toBe(PERMISSION_DENIED);
      // Its other tables it works as before: the proposals change state.
      expect(await outcome(c, `UPDATE gateway.proposals SET comment = comment`)).toBe('ok');
    });
    // The owner is stopped by the append-only triggers; only it could disable them (the MACs and the anchors catch what it does then).
    await asOwner('gateway', async (c) => {
      expect(await outcome(c, `UPDATE gateway.audit_log SET actor = 'mallory' WHERE seq = 1`)).toBe('P0001');
      expect(await outcome(c, `TRUNCATE gateway.audit_log`)).toBe('P0001');
    });
    // A second run of the roles (an upgrade) grants the runtime role nothing more on it.
    await run('sh', [join(root, 'deploy/postgres/init-roles.sh')], {
      env: { ...process.env, PGHOST: host, PGPORT: port, PGUSER: 'postgres', PGDATABASE: database },
    });
    await asRole('gateway', async (c) => expect(await outcome(c, `DELETE FROM gateway.audit_log WHERE seq = 1`)).toBe(PERMISSION_DENIED));
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

  it('an upgrade from one role per service: what the runtime role owned is handed to the owner role, and granted back', async () => {
    const upgraded = `${database}_upgrade`;
    await withClient(admin('postgres'), (c) => c.query(`CREATE DATABASE ${upgraded}`));
    try {
      // As the roles were before: the service's login role owned its schema and made its tables.
      await withClient(admin(upgraded), async (c) => {
        await c.query(`CREATE SCHEMA gateway AUTHORIZATION postera_gateway`);
        await c.query(`GRANT CREATE ON DATABASE ${upgraded} TO postera_gateway`);
        await c.query(`SET ROLE postera_gateway`);
        await c.query(`CREATE TABLE gateway.proposals (id int PRIMARY KEY)`);
        await c.query(`CREATE TABLE gateway.audit_log (seq bigint PRIMARY KEY)`);
        await c.query(`RESET ROLE`);
      });
      await run('sh', [join(root, 'deploy/postgres/init-roles.sh')], {
        env: { ...process.env, PGHOST: host, PGPORT: port, PGUSER: 'postgres', PGDATABASE: upgraded },
      });
      const owners = await withClient(admin(upgraded), (c) =>
        c.query(`SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'gateway' ORDER BY 1`).then((r) => r.rows),
      );
      expect(owners).toEqual([
        { tablename: 'audit_log', tableowner: 'postera_gateway_owner' },
        { tablename: 'proposals', tableowner: 'postera_gateway_owner' },
      ]);
      await withClient(`postgres://postera_gateway@${host}:${port}/${upgraded}`, async (c) => {
        expect(await outcome(c, `INSERT INTO gateway.proposals VALUES (1)`)).toBe('ok');
        expect(await outcome(c, `DELETE FROM gateway.proposals`)).toBe('ok');
        expect(await outcome(c, `INSERT INTO gateway.audit_log VALUES (1)`)).toBe('ok');
        expect(await outcome(c, `DELETE FROM gateway.audit_log`)).toBe(PERMISSION_DENIED);
        expect(await outcome(c, `DROP TABLE gateway.proposals`)).toBe(PERMISSION_DENIED);
        expect(await outcome(c, `CREATE TABLE gateway.role_probe (id int)`)).toBe(PERMISSION_DENIED);
      });
    } finally {
      await withClient(admin('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS ${upgraded} WITH (FORCE)`));
    }
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
