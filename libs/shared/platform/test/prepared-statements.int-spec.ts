import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestDatabase, dropTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, enablePreparedStatements } from '../src/database/database.js';

let databaseUrl = '';
let ds: DataSource;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('prepared');
  ds = createServiceDataSource({ url: databaseUrl, schema: 'public', migrations: [], poolMax: 2, applicationName: 'prepared-test', preparedStatements: true });
  await ds.initialize();
});

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  if (databaseUrl) await dropTestDatabase(databaseUrl);
});

/** The statements the connection of `run` has prepared, after running `run` on it. */
async function preparedAfter(run: (query: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<void>): Promise<string[]> {
  const qr = ds.createQueryRunner();
  try {
    await run((sql, params) => qr.query(sql, params));
    const rows = (await qr.query(`SELECT statement FROM pg_prepared_statements ORDER BY statement`)) as Array<{ statement: string }>;
    return rows.map((r) => r.statement);
  } finally {
    await qr.release();
  }
}

it('prepares nothing before it is enabled (the migrations run then), then each parameterised text once per connection', async () => {
  const twice = async (query: (sql: string, params?: unknown[]) => Promise<unknown>) => {
    for (const n of [1, 2]) expect(await query('SELECT $1::int + 1 AS n', [n])).toEqual([{ n: n + 1 }]);
    expect(await query('SELECT 41 + 1 AS n')).toEqual([{ n: 42 }]); // no parameter: simple protocol, never named
  };
  expect(await preparedAfter(twice)).toEqual([]);

  enablePreparedStatements(ds);
  expect(await preparedAfter(twice)).toEqual(['SELECT $1::int + 1 AS n']);
  // The same text on the same connection is bound again, not prepared a second time (which Postgres would refuse).
  expect(await preparedAfter(twice)).toEqual(['SELECT $1::int + 1 AS n']);
});

it('plans a prepared statement for its values at every run, never with a generic plan', async () => {
  enablePreparedStatements(ds);
  const qr = ds.createQueryRunner();
  try {
    // Postgres weighs a generic plan from the sixth run on, and keeps it when it costs no more: here it would.
    for (let n = 1; n <= 8; n++) expect(await qr.query('SELECT $1::int * 2 AS n', [n])).toEqual([{ n: 2 * n }]);
    expect(await qr.query(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = 'SELECT $1::int * 2 AS n'`)).toEqual([
      { generic_plans: '0', custom_plans: '8' },
    ]);
  } finally {
    await qr.release();
  }
});
