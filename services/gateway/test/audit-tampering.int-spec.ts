import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLogger, createServiceDataSource, migrate, type Operator } from '@postera/platform';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { auditHash, AuditKeyRing, GENESIS_HASH, rowMac, type AuditRecord } from '../src/audit/audit-chain.js';
import { auditConfigSchema } from '../src/audit/audit-config.js';
import { appendAudit, AuditLog } from '../src/audit/audit-log.js';
import { GatewayAuditKeyedChain1796900000000 } from '../src/database/migrations/1796900000000-gateway-audit-keyed-chain.js';
import { gatewayMigrations } from '../src/database/migrations/index.js';

/**
 * The audit log against someone who holds the database but not the key (real PostgreSQL, the
 * gateway's migrations, its AuditLog and its built verification script): an owner who disables the
 * triggers, rewrites a row and recomputes every hash after it, or drops the tail, is caught by the
 * MACs and by the anchor file. Rows written before the switch to MACs still verify.
 */
jest.setTimeout(60_000);

const VERIFY_SCRIPT = join(process.cwd(), 'services/gateway/dist/audit-verify.js');
const host = process.env.POSTERA_TEST_PGHOST ?? '127.0.0.1';
const port = process.env.POSTERA_TEST_PGPORT ?? '5432';
const database = `postera_audit_test_${randomBytes(4).toString('hex')}`;
const url = (db: string) => `postgres://postgres@${host}:${port}/${db}`;

const key = randomBytes(32).toString('base64');
const oldKey = randomBytes(32).toString('base64');
const sam: Operator = { id: 'sam', name: 'Sam', roles: ['supervisor'] } as Operator;

let dir: string;
let anchorFile: string;
let ds: DataSource;
let audit: AuditLog;
let db: pg.Client;

const config = (over: Record<string, string> = {}) =>
  auditConfigSchema.parse({
    AUDIT_MAC_KEY: key,
    AUDIT_MAC_KEY_ID: 'k2',
    AUDIT_MAC_KEYS: JSON.stringify({ k1: oldKey }),
    AUDIT_ANCHOR_FILE: anchorFile,
    ...over,
  });

function dataSource(migrations: typeof gatewayMigrations) {
  return createServiceDataSource({ url: url(database), schema: 'gateway', migrations, poolMax: 3, applicationName: 'audit-tampering-test' });
}

async function append(n: number, action = 'BUSINESS_DAY OPEN') {
  for (let i = 0; i < n; i++) await ds.transaction((tx) => appendAudit(tx, sam, { action, target: `day:${i}`, after: { i } }));
}

/** The verdict of the built script, as `postera audit verify` prints it. */
function cli(args: string[] = [], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [VERIFY_SCRIPT, ...args], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url(database),
      AUDIT_MAC_KEY: key,
      AUDIT_MAC_KEY_ID: 'k2',
      AUDIT_MAC_KEYS: JSON.stringify({ k1: oldKey }),
      AUDIT_ANCHOR_FILE: anchorFile,
      ...env,
    },
    encoding: 'utf8',
  });
  return { code: run.status, verdict: run.stdout ? (JSON.parse(run.stdout) as Record<string, unknown>) : run.stderr };
}

type Row = { seq: number; actor: string; prev_hash: string; hash: string; key_id: string | null };

/** What an owner of the table can do behind the gateway's back: triggers off, change, triggers on, in one transaction. */
async function asOwner(change: () => Promise<unknown>) {
  await db.query('BEGIN');
  try {
    await db.query('ALTER TABLE gateway.audit_log DISABLE TRIGGER USER');
    await change();
    await db.query('ALTER TABLE gateway.audit_log ENABLE TRIGGER USER');
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
}

/**
 * Rewrites row `seq` and recomputes every hash after it, up to `throughSeq`, with `forge` (a guessed
 * key, the unkeyed SHA-256, the key itself). `unkeyed` also strips the key ids, which needs the
 * check that new rows carry one dropped first (the owner may).
 */
async function rewriteAndRechain(seq: number, forge: (prev: string, r: AuditRecord) => string, o: { throughSeq?: number; unkeyed?: boolean } = {}) {
  const { rows } = await db.query<AuditRecord & { prevHash: string }>(
    `SELECT seq::int AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, roles, action, target, before, after,
            correlation_id AS "correlationId", prev_hash AS "prevHash" FROM gateway.audit_log WHERE seq BETWEEN $1 AND $2 ORDER BY seq`,
    [seq, o.throughSeq ?? Number.MAX_SAFE_INTEGER],
  );
  let prev = rows[0]!.prevHash;
  await asOwner(async () => {
    if (o.unkeyed) await db.query(`ALTER TABLE gateway.audit_log DROP CONSTRAINT audit_log_keyed`);
    for (const { prevHash: _p, ...r } of rows) {
      const record = r.seq === seq ? { ...r, actor: 'mallory' } : r;
      const hash = forge(prev, record);
      await db.query(`UPDATE gateway.audit_log SET actor = $2, prev_hash = $3, hash = $4, key_id = CASE WHEN $5 THEN NULL ELSE key_id END WHERE seq = $1`, [
        r.seq,
        record.actor,
        prev,
        hash,
        o.unkeyed === true,
      ]);
      prev = hash;
    }
  });
}

let pristine: Row[];
async function snapshot(): Promise<Row[]> {
  return (await db.query<Row>(`SELECT seq::int AS seq, actor, prev_hash, hash, key_id FROM gateway.audit_log ORDER BY seq`)).rows;
}
/** Puts the log back as it was before a scenario (the rows removed are not restored: scenarios that drop rows come last). */
async function restore() {
  const now = new Map((await snapshot()).map((r) => [r.seq, r]));
  const changed = pristine.filter((r) => JSON.stringify(now.get(r.seq)) !== JSON.stringify(r));
  await asOwner(async () => {
    // Hashes are unique: clear the changed ones first, so that no row meets its old value on another.
    for (const r of changed) await db.query(`UPDATE gateway.audit_log SET hash = 'restoring-' || seq WHERE seq = $1`, [r.seq]);
    for (const r of changed) {
      await db.query(`UPDATE gateway.audit_log SET actor = $2, prev_hash = $3, hash = $4, key_id = $5 WHERE seq = $1`, [
        r.seq,
        r.actor,
        r.prev_hash,
        r.hash,
        r.key_id,
      ]);
    }
    if ((await db.query(`SELECT 1 FROM pg_constraint WHERE conname = 'audit_log_keyed'`)).rowCount === 0) {
      await db.query(`ALTER TABLE gateway.audit_log ADD CONSTRAINT audit_log_keyed CHECK (key_id IS NOT NULL) NOT VALID`);
    }
  });
}

beforeAll(async () => {
  if (!existsSync(VERIFY_SCRIPT)) throw new Error(`${VERIFY_SCRIPT} is missing: run npm run build first`);
  dir = await mkdtemp(join(tmpdir(), 'postera-audit-'));
  anchorFile = join(dir, 'anchors', 'gateway-a.jsonl');
  await mkdir(join(dir, 'anchors'));
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  // The log as it was before MACs: two rows of the unkeyed scheme, written by the migrations before the switch.
  const before = dataSource(gatewayMigrations.slice(0, gatewayMigrations.indexOf(GatewayAuditKeyedChain1796900000000)));
  await migrate(before, 'gateway');
  let prev = GENESIS_HASH;
  for (const seq of [1, 2]) {
    const r: AuditRecord = {
      seq,
      at: `2026-11-2${seq}T09:00:00.000Z`,
      actor: 'alice',
      roles: ['operator'],
      action: 'PROPOSE BOOK_TRADE',
      target: null,
      before: null,
      after: { seq },
      correlationId: null,
    };
    const hash = auditHash(prev, r);
    await before.query(
      `INSERT INTO gateway.audit_log (seq, at, actor, roles, action, target, before, after, correlation_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [r.seq, r.at, r.actor, r.roles, r.action, r.target, JSON.stringify(r.before), JSON.stringify(r.after), r.correlationId, prev, hash],
    );
    prev = hash;
  }
  await before.destroy();

  ds = dataSource(gatewayMigrations);
  await migrate(ds, 'gateway');
  db = new pg.Client({ connectionString: url(database) });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await ds?.destroy();
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
});

describe('the audit log against its owner', () => {
  it('the switch to MACs is recorded at the first new seq; rows from it carry a key id, and a row without one is refused', async () => {
    expect((await db.query(`SELECT keyed_from_seq::int AS seq FROM gateway.audit_chain_scheme`)).rows).toEqual([{ seq: 3 }]);
    // A key rotation: rows 3–4 under the earlier key k1, then the current key k2.
    audit = new AuditLog(ds, config({ AUDIT_MAC_KEY: oldKey, AUDIT_MAC_KEY_ID: 'k1', AUDIT_MAC_KEYS: '' }), createLogger('gateway', 'silent'));
    await append(2);
    audit = new AuditLog(ds, config(), createLogger('gateway', 'silent'));
    await append(4);
    expect((await snapshot()).map((r) => [r.seq, r.key_id])).toEqual([
      [1, null],
      [2, null],
      [3, 'k1'],
      [4, 'k1'],
      [5, 'k2'],
      [6, 'k2'],
      [7, 'k2'],
      [8, 'k2'],
    ]);
    await expect(
      db.query(`INSERT INTO gateway.audit_log (seq, at, actor, roles, action, prev_hash, hash) VALUES (9, now(), 'x', '{}', 'X', 'p', 'h')`),
    ).rejects.toMatchObject({ code: '23514' }); // audit_log_keyed
    await expect(db.query(`UPDATE gateway.audit_chain_scheme SET keyed_from_seq = 9`)).rejects.toThrow(/append-only/);
  });

  it('anchored: the whole chain and the quick check from the anchor verify, from the API and from the shell', async () => {
    await audit.anchorNow();
    await audit.anchorNow(); // the head has not moved: no second line
    const lines = (await readFile(anchorFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 8, keyedFromSeq: 3, keyId: 'k2' });
    await append(2);
    await audit.anchorNow();
    await append(1); // after the newest anchor
    pristine = await snapshot();

    const anchor = { seq: 10, at: expect.any(String) };
    expect(await audit.verify()).toEqual({ ok: true, from: 'genesis', fromSeq: 0, rows: 11, headSeq: 11, anchor });
    expect(await audit.verify('anchor')).toEqual({ ok: true, from: 'anchor', fromSeq: 9, rows: 2, headSeq: 11, anchor });
    expect(cli()).toEqual({ code: 0, verdict: { ok: true, from: 'genesis', fromSeq: 0, rows: 11, headSeq: 11, anchor } });
    expect(cli(['--from', 'anchor'])).toEqual({ code: 0, verdict: { ok: true, from: 'anchor', fromSeq: 9, rows: 2, headSeq: 11, anchor } });
    // Without the earlier key, the rows it MACed cannot be verified: named, not waved through.
    expect(cli([], { AUDIT_MAC_KEYS: '' })).toEqual({
      code: 1,
      verdict: { ok: false, seq: 3, problem: 'MACed with key k1, which this verifier does not hold (add it to AUDIT_MAC_KEYS)' },
    });
  });

  it('a row rewritten by the owner with every hash after it recomputed without the key: caught at that row by its MAC', async () => {
    const guess = new AuditKeyRing('k2', randomBytes(32));
    await rewriteAndRechain(6, (prev, r) => rowMac(guess, 'k2', prev, r)!);
    const verdict = { ok: false, seq: 6, problem: 'the row does not match its MAC (altered after it was written)' };
    expect(await audit.verify()).toEqual(verdict);
    expect(cli()).toEqual({ code: 1, verdict });
    await restore();

    // Recomputed as the unkeyed scheme of the first rows: a downgrade, refused past the switch.
    await rewriteAndRechain(6, (prev, r) => auditHash(prev, r), { unkeyed: true });
    expect(await audit.verify()).toEqual({ ok: false, seq: 6, problem: 'an unkeyed row after the switch to MACs at seq 3 (rewritten without the key)' });
    await restore();

    // A row of the first, unkeyed scheme rewritten with its SHA-256 chain recomputed: the first MACed row no longer links.
    await rewriteAndRechain(1, (prev, r) => auditHash(prev, r), { throughSeq: 2, unkeyed: true });
    expect(await audit.verify()).toMatchObject({ ok: false, seq: 3 });
    await restore();
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 11 });
  });

  it('a row rewritten by someone who also holds the key, before the newest anchor: the anchor no longer matches', async () => {
    const ring = AuditKeyRing.fromBase64('k2', key, { k1: oldKey });
    await rewriteAndRechain(5, (prev, r) => rowMac(ring, 'k2', prev, r)!);
    expect(await audit.verify()).toEqual({ ok: false, seq: 10, problem: 'the row differs from its anchor (the log was rewritten from here)' });
    expect(await audit.verify('anchor')).toEqual({ ok: false, seq: 10, problem: 'the row differs from its anchor (the log was rewritten from here)' });
    await restore();
  });

  it('an anchor line altered in the store is refused and named', async () => {
    const original = await readFile(anchorFile, 'utf8');
    const [first, second] = original.trim().split('\n');
    await writeFile(anchorFile, `${first}\n${JSON.stringify({ ...(JSON.parse(second!) as object), seq: 11 })}\n`);
    expect(cli()).toEqual({
      code: 1,
      verdict: { ok: false, seq: null, problem: `anchors: 1 line(s) refused, the first at ${anchorFile}:2: its MAC does not verify (the line was altered)` },
    });
    await writeFile(anchorFile, original);
  });

  it('the tail dropped by the owner: caught against the anchor, and still caught once the gateway wrote past it', async () => {
    await asOwner(() => db.query(`DELETE FROM gateway.audit_log WHERE seq >= 10`));
    const dropped = { ok: false, seq: 10, problem: 'the anchored row 10 is missing: the log ends at seq 9 (its tail was dropped)' };
    expect(await audit.verify()).toEqual(dropped);
    expect(await audit.verify('anchor')).toEqual(dropped);
    expect(cli()).toEqual({ code: 1, verdict: dropped });
    // The chain itself still holds: only the anchor, outside the database, shows what is gone.
    expect(cli([], { AUDIT_ANCHOR_FILE: join(dir, 'elsewhere', 'anchors.jsonl') })).toMatchObject({ code: 0, verdict: { ok: true, rows: 9, anchor: null } });

    // The gateway goes on appending: seq 10 and 11 exist again, but not the rows that were anchored.
    await append(2);
    expect(await audit.verify()).toEqual({ ok: false, seq: 10, problem: 'the row differs from its anchor (the log was rewritten from here)' });
    expect(cli(['--from', 'anchor'])).toEqual({
      code: 1,
      verdict: { ok: false, seq: 10, problem: 'the row differs from its anchor (the log was rewritten from here)' },
    });
  });

  it('the gateway anchors its head on a timer when it moved, and once more at shutdown', async () => {
    const file = join(dir, 'lifecycle', 'anchors.jsonl');
    await mkdir(join(dir, 'lifecycle'));
    const gateway = new AuditLog(ds, config({ AUDIT_ANCHOR_FILE: file, AUDIT_ANCHOR_INTERVAL_MS: '1000' }), createLogger('gateway', 'silent'));
    gateway.onApplicationBootstrap();
    const seqs = async () =>
      existsSync(file)
        ? (await readFile(file, 'utf8'))
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { seq: number }).seq)
        : [];
    const head = Number((await db.query(`SELECT max(seq)::int AS n FROM gateway.audit_log`)).rows[0].n);
    for (let i = 0; i < 30 && (await seqs()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await seqs()).toEqual([head]);
    await new Promise((r) => setTimeout(r, 1200)); // a tick with the head unmoved writes nothing
    expect(await seqs()).toEqual([head]);
    await append(1);
    await gateway.beforeApplicationShutdown();
    expect(await seqs()).toEqual([head, head + 1]);
  });
});
