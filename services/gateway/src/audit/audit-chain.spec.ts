import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { auditHash, AuditKeyRing, ChainVerifier, GENESIS_HASH, rowMac, type AuditRecord, type StoredAuditRow } from './audit-chain.js';

const key = randomBytes(32);
const keys = new AuditKeyRing('k2', key, { k1: randomBytes(32) });

function record(seq: number, actor = 'ada'): AuditRecord {
  return {
    seq,
    at: `2026-11-26T10:00:0${seq % 10}.000Z`,
    actor,
    roles: ['auditor'],
    action: 'READ',
    target: null,
    before: null,
    after: { n: seq },
    correlationId: null,
  };
}

/** A chain as the gateway writes it: unkeyed rows before keyedFromSeq, MACed rows (key `keyId`) from it. */
function chain(length: number, keyedFromSeq: number, keyIdOf: (seq: number) => string = () => 'k2'): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const r = record(seq);
    const keyId = seq < keyedFromSeq ? null : keyIdOf(seq);
    const hash = keyId === null ? auditHash(prev, r) : rowMac(keys, keyId, prev, r)!;
    rows.push({ ...r, prevHash: prev, hash, keyId });
    prev = hash;
  }
  return rows;
}

function verify(rows: StoredAuditRow[], keyedFromSeq: number, ring = keys) {
  const v = new ChainVerifier(ring, keyedFromSeq);
  for (const r of rows) {
    const broken = v.next(r);
    if (broken) return broken;
  }
  return { rows: v.rows };
}

/** What someone with the database but without the key can do: rewrite a row and recompute every hash after it. */
function rewriteWithoutKey(rows: StoredAuditRow[], seq: number, asUnkeyed: boolean): StoredAuditRow[] {
  const out = rows.map((r) => ({ ...r }));
  out[seq - 1]!.actor = 'mallory';
  const forger = new AuditKeyRing('k2', randomBytes(32)); // a guess of the key
  for (let i = seq - 1; i < out.length; i++) {
    const { prevHash: _p, hash: _h, keyId: _k, ...r } = out[i]!;
    const prev = i === 0 ? GENESIS_HASH : out[i - 1]!.hash;
    out[i]!.prevHash = prev;
    out[i]!.keyId = asUnkeyed ? null : 'k2';
    out[i]!.hash = asUnkeyed ? auditHash(prev, r) : rowMac(forger, 'k2', prev, r)!;
  }
  return out;
}

describe('the audit MAC chain', () => {
  it('an intact chain verifies: the unkeyed rows before the switch, the MACed rows from it, rows of a rotated key with that key', () => {
    expect(
      verify(
        chain(6, 4, (seq) => (seq < 6 ? 'k1' : 'k2')),
        4,
      ),
    ).toEqual({ rows: 6 });
    expect(verify(chain(3, 1), 1)).toEqual({ rows: 3 });
  });

  it('a keyed row rewritten and every hash after it recomputed without the key: refused at that row', () => {
    expect(verify(rewriteWithoutKey(chain(6, 3), 4, false), 3)).toEqual({ seq: 4, problem: 'the row does not match its MAC (altered after it was written)' });
  });

  it('a downgrade: keyed rows rewritten as unkeyed SHA-256 after the switch are refused', () => {
    expect(verify(rewriteWithoutKey(chain(6, 3), 4, true), 3)).toEqual({
      seq: 4,
      problem: 'an unkeyed row after the switch to MACs at seq 3 (rewritten without the key)',
    });
  });

  it('an unkeyed row rewritten before the switch, with the hashes after it recomputed: the first keyed row no longer links', () => {
    const rows = chain(6, 4);
    const forged = rewriteWithoutKey(rows.slice(0, 3), 2, true);
    const tampered = [...forged, ...rows.slice(3)];
    expect(verify(tampered, 4)).toEqual({ seq: 4, problem: 'the link to the previous row does not hold' });
  });

  it('a row removed is a gap; a row MACed with a key the verifier does not hold is named', () => {
    const rows = chain(5, 1);
    expect(verify([...rows.slice(0, 2), ...rows.slice(3)], 1)).toEqual({ seq: 4, problem: 'sequence gap: expected 3, found 4 (a row was removed)' });
    expect(
      verify(
        chain(2, 1, () => 'k1'),
        1,
        new AuditKeyRing('k2', key),
      ),
    ).toEqual({
      seq: 1,
      problem: 'MACed with key k1, which this verifier does not hold (add it to AUDIT_MAC_KEYS)',
    });
  });

  it('the MAC binds the key id and the link: the same content under another key or link differs', () => {
    const r = record(1);
    expect(rowMac(keys, 'k2', GENESIS_HASH, r)).not.toBe(rowMac(keys, 'k1', GENESIS_HASH, r));
    expect(rowMac(keys, 'k2', GENESIS_HASH, r)).not.toBe(rowMac(keys, 'k2', '1'.repeat(64), r));
    expect(rowMac(keys, 'k9', GENESIS_HASH, r)).toBeUndefined();
    expect(() => new AuditKeyRing('short', randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});
