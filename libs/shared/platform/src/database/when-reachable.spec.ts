import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { whenDatabaseReachable } from './database.js';

const notYet = () => Object.assign(new Error('the database system is not yet accepting connections'), { code: '57P03' });

describe('a service starting while Postgres is down waits for it', () => {
  it('retries while the database is unreachable, then goes on with what connect returned', async () => {
    let calls = 0;
    const waits: number[] = [];
    const out = await whenDatabaseReachable(
      async () => {
        calls += 1;
        if (calls < 3) throw notYet();
        return 'migrated';
      },
      { timeoutMs: 10_000, onWait: (_e, waited) => waits.push(waited) },
    );
    expect(out).toBe('migrated');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('raises at once an error that waiting cannot cure (a failed migration, a refused password)', async () => {
    let calls = 0;
    const wrong = Object.assign(new Error('password authentication failed for user "capture"'), { code: '28P01' });
    await expect(
      whenDatabaseReachable(
        async () => {
          calls += 1;
          throw wrong;
        },
        { timeoutMs: 10_000, onWait: () => undefined },
      ),
    ).rejects.toBe(wrong);
    expect(calls).toBe(1);
  });

  it('gives up after its timeout with the last error (the orchestrator restarts it)', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      whenDatabaseReachable(
        async () => {
          calls += 1;
          throw notYet();
        },
        { timeoutMs: 600, onWait: () => undefined },
      ),
    ).rejects.toThrow('not yet accepting connections');
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("node-postgres's own refusal (nothing listening) is one it waits through", async () => {
    const waited: string[] = [];
    await expect(
      whenDatabaseReachable(
        async () => {
          const c = new pg.Client({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1_000 });
          try {
            await c.connect();
          } finally {
            await c.end().catch(() => undefined);
          }
        },
        { timeoutMs: 300, onWait: (e) => waited.push((e as { code?: string }).code ?? '') },
      ),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(waited[0]).toBe('ECONNREFUSED');
  });
});
