import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { postera } from '../test/run-postera.js';
import { AUDIT_VERIFY_SCRIPT } from './audit-verify.command.js';

// The gateway's verification itself is tested against the real database in the gateway's
// security test; here a stand-in for its built script shows what the command passes on.
let root: string;

async function gatewayVerdict(verdict: object, exitCode: number) {
  const file = join(root, AUDIT_VERIFY_SCRIPT);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `process.stdout.write(JSON.stringify({ ...${JSON.stringify(verdict)}, url: process.env.DATABASE_URL }) + '\\n');\nprocess.exitCode = ${exitCode};\n`,
  );
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'postera-cli-audit-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('postera audit verify', () => {
  it("an intact chain: the gateway's verdict as it printed it, on DATABASE_URL's database, exit 0", async () => {
    await gatewayVerdict({ ok: true, rows: 12 }, 0);
    const run = await postera(['audit', 'verify'], { root, env: { DATABASE_URL: 'postgres://postgres@db.example:5432/postera' } });
    expect(run).toEqual({ code: 0, out: '{"ok":true,"rows":12,"url":"postgres://postgres@db.example:5432/postera"}\n', err: '' });
  });

  it('a broken chain: the first broken row, exit 1; --database-url names the database', async () => {
    await gatewayVerdict({ ok: false, seq: 2, problem: 'the row does not match its hash (altered after it was written)' }, 1);
    const run = await postera(['audit', 'verify', '--database-url', 'postgres://postgres@127.0.0.1:5432/audit_copy'], {
      root,
      env: { DATABASE_URL: 'postgres://postgres@db.example:5432/postera' },
    });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toEqual({
      ok: false,
      seq: 2,
      problem: 'the row does not match its hash (altered after it was written)',
      url: 'postgres://postgres@127.0.0.1:5432/audit_copy',
    });
  });

  it("--from and --anchor-file are passed on to the gateway's script; another --from is refused", async () => {
    const file = join(root, AUDIT_VERIFY_SCRIPT);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `process.stdout.write(JSON.stringify({ args: process.argv.slice(2), anchors: process.env.AUDIT_ANCHOR_FILE }) + '\\n');\n`);
    const run = await postera(['audit', 'verify', '--from', 'anchor', '--anchor-file', '/worm/anchors.jsonl'], {
      root,
      env: { AUDIT_ANCHOR_FILE: '/elsewhere' },
    });
    expect(run).toEqual({ code: 0, out: '{"args":["--from","anchor"],"anchors":"/worm/anchors.jsonl"}\n', err: '' });
    expect(await postera(['audit', 'verify'], { root, env: { AUDIT_ANCHOR_FILE: '/elsewhere' } })).toMatchObject({
      out: '{"args":[],"anchors":"/elsewhere"}\n',
    });
    expect(await postera(['audit', 'verify', '--from', 'yesterday'], { root, env: {} })).toMatchObject({
      code: 2,
      err: expect.stringContaining('--from is genesis or anchor, not yesterday'),
    });
  });

  it('the gateway not built: "run npm run build first", exit 2', async () => {
    const run = await postera(['audit', 'verify'], { root, env: {} });
    expect(run).toEqual({ code: 2, out: '', err: `postera audit verify: ${AUDIT_VERIFY_SCRIPT} is missing: run \`npm run build\` first\n` });
  });

  it('an unknown option or argument: the usage, exit 2', async () => {
    expect(await postera(['audit', 'verify', '--url', 'x'], { root, env: {} })).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--url'"),
    });
    expect(await postera(['audit', 'verify', 'now'], { root, env: {} })).toMatchObject({ code: 2, err: expect.stringContaining('unexpected now') });
  });
});
