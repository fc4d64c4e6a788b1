import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anchorLine, appendAnchor, parseAnchorLine, readAnchors } from './audit-anchor.js';
import { AuditKeyRing } from './audit-chain.js';
import { auditConfigSchema } from './audit-config.js';

const keys = new AuditKeyRing('k1', randomBytes(32));
const head = (seq: number) => ({ seq, hash: seq.toString(16).padStart(64, 'a') });
const at = new Date('2026-11-26T10:00:00.000Z');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'postera-anchors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('audit anchors', () => {
  it('a line written is read back as it was', () => {
    const line = anchorLine(keys, head(12), 1, at);
    expect(line.endsWith('\n')).toBe(true);
    expect(parseAnchorLine(keys, line.trim())).toEqual({
      ok: true,
      anchor: { seq: 12, hash: head(12).hash, keyedFromSeq: 1, at: at.toISOString(), keyId: 'k1', mac: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it.each([
    ['its seq', (a: Record<string, unknown>) => ({ ...a, seq: 11 })],
    ['its hash', (a: Record<string, unknown>) => ({ ...a, hash: 'b'.repeat(64) })],
    ['the switch point', (a: Record<string, unknown>) => ({ ...a, keyedFromSeq: 5 })],
    ['its time', (a: Record<string, unknown>) => ({ ...a, at: '2026-11-27T10:00:00.000Z' })],
  ])('a line with %s altered is refused: its MAC does not verify', (_what, alter) => {
    const line = JSON.parse(anchorLine(keys, head(12), 1, at)) as Record<string, unknown>;
    expect(parseAnchorLine(keys, JSON.stringify(alter(line)))).toEqual({ ok: false, problem: 'its MAC does not verify (the line was altered)' });
  });

  it('a line MACed with another key, a line that is no anchor, and garbage are refused', () => {
    const other = anchorLine(new AuditKeyRing('k1', randomBytes(32)), head(3), 1, at).trim();
    expect(parseAnchorLine(keys, other)).toEqual({ ok: false, problem: 'its MAC does not verify (the line was altered)' });
    const unknownKey = anchorLine(new AuditKeyRing('k7', randomBytes(32)), head(3), 1, at).trim();
    expect(parseAnchorLine(keys, unknownKey)).toEqual({ ok: false, problem: 'MACed with key k7, which this verifier does not hold' });
    expect(parseAnchorLine(keys, '{"seq":3}')).toEqual({ ok: false, problem: 'not an anchor (seq, hash, keyedFromSeq, at, keyId, mac)' });
    expect(parseAnchorLine(keys, 'seq=3')).toEqual({ ok: false, problem: 'not JSON' });
    expect(parseAnchorLine(keys, '[1]')).toEqual({ ok: false, problem: 'not a JSON object' });
    expect(parseAnchorLine(keys, 'x'.repeat(5000))).toEqual({ ok: false, problem: 'longer than 4096 characters' });
  });

  it("the store: the newest anchor is the highest seq that verifies, across the replicas' files; refused lines are named by file and number", async () => {
    const store = join(dir, 'store');
    await mkdir(store);
    const mine = join(store, 'gateway-a.jsonl');
    await appendAnchor(mine, anchorLine(keys, head(5), 1, at));
    await appendAnchor(mine, anchorLine(keys, head(9), 1, at));
    const forged = { ...(JSON.parse(anchorLine(keys, head(9), 1, at)) as object), seq: 40 };
    await appendAnchor(mine, `${JSON.stringify(forged)}\n`);
    await appendAnchor(join(store, 'gateway-b.jsonl'), anchorLine(keys, head(11), 1, at)); // another replica, ahead
    await writeFile(join(store, 'notes.txt'), 'not an anchor file\n');
    const reading = await readAnchors(mine, keys);
    expect(reading).toMatchObject({
      files: [mine, join(store, 'gateway-b.jsonl')],
      lines: 4,
      refusedCount: 1,
      refused: [{ file: mine, line: 3, problem: 'its MAC does not verify (the line was altered)' }],
    });
    expect(reading.newest).toMatchObject({ seq: 11 });
    expect((await readAnchors(store, keys)).newest).toMatchObject({ seq: 11 }); // the store named by its directory
  });

  it('no store, or an empty one: nothing anchored yet', async () => {
    expect(await readAnchors(join(dir, 'missing', 'anchors.jsonl'), keys)).toEqual({ files: [], lines: 0, newest: null, refused: [], refusedCount: 0 });
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'empty', 'anchors.jsonl'), '');
    expect(await readAnchors(join(dir, 'empty', 'anchors.jsonl'), keys)).toMatchObject({ files: [join(dir, 'empty', 'anchors.jsonl')], newest: null });
  });
});

describe('the audit configuration', () => {
  const key = randomBytes(32).toString('base64');
  it('a key of at least 32 bytes, earlier keys as a JSON object of id → key', () => {
    const c = auditConfigSchema.parse({ AUDIT_MAC_KEY: key, AUDIT_MAC_KEY_ID: '2026-12', AUDIT_MAC_KEYS: JSON.stringify({ '2026-01': key }) });
    expect(c).toMatchObject({ AUDIT_MAC_KEY_ID: '2026-12', AUDIT_MAC_KEYS: { '2026-01': key }, AUDIT_ANCHOR_INTERVAL_MS: 60_000 });
  });
  it('a short key, a key that is not base64, or earlier keys that are no object are refused', () => {
    expect(auditConfigSchema.safeParse({ AUDIT_MAC_KEY: randomBytes(16).toString('base64') }).success).toBe(false);
    expect(auditConfigSchema.safeParse({ AUDIT_MAC_KEY: 'not base64 at all, not at all, not at all!' }).success).toBe(false);
    expect(auditConfigSchema.safeParse({ AUDIT_MAC_KEY: key, AUDIT_MAC_KEYS: '["x"]' }).success).toBe(false);
    expect(auditConfigSchema.safeParse({ AUDIT_MAC_KEY: key, AUDIT_MAC_KEYS: JSON.stringify({ old: 'c2hvcnQ=' }) }).success).toBe(false);
  });
});
