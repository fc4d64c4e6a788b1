import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { signedFetch } from './builders.js';

// The bounds of the service's inputs, on the built service: a statement upload over 4 MiB and an
// export range over 400 days (the two-uploads-at-a-time permits: statement-uploads.spec.ts).

jest.setTimeout(120_000);

const fixture = (p: string) => readFileSync(new URL(`./fixtures/statements/${p}`, import.meta.url), 'utf8');

describe('accounting: bounded inputs', () => {
  let env: E2eEnv;
  const url = (path: string) => `${env.stack.url('accounting')}${path}`;
  const stored = async () =>
    (await env.db.query(`SELECT (SELECT count(*) FROM accounting.statements)::int AS statements, (SELECT count(*) FROM accounting.recon_runs)::int AS runs`))
      .rows[0] as {
      statements: number;
      runs: number;
    };

  /** An upload sent whole. */
  const upload = (xml: string) =>
    signedFetch(env.stack, url('/reconciliations/statements?account=LIM-01'), { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });

  beforeAll(async () => {
    env = await e2eEnv('accounting-limits', { basePort: 4990, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('a statement upload over 4 MiB is refused (413) and nothing is stored', async () => {
    const before = await stored();
    const xml = fixture('ok/semt002-sett.xml');
    const big = xml.replace('</Document>', `<!--${'x'.repeat(4 * 1024 * 1024)}--></Document>`);
    const res = await upload(big);
    expect(res.status).toBe(413);
    expect(await stored()).toEqual(before);
    // The bound is the upload's, not the document's: the same statement under it is read.
    expect((await upload(xml)).status).toBe(200);
    expect((await stored()).runs).toBe(before.runs + 1);
  });

  it('a trial balance or general ledger over more than 400 days is refused (400) naming the span', async () => {
    for (const path of ['/exports/trial-balance', '/exports/general-ledger']) {
      const res = await signedFetch(env.stack, url(`${path}?from=2025-01-01&to=2026-02-05`));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe(
        '2025-01-01 to 2026-02-05 is 401 days: at most 400 (a fiscal year) per request; export a longer span year by year',
      );
      // 400 days exactly is served.
      expect((await signedFetch(env.stack, url(`${path}?from=2025-01-01&to=2026-02-04`))).status).toBe(200);
    }
  });
});
