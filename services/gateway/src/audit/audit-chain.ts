import { createHash } from 'node:crypto';

/** One audit row as hashed: every field that says who did what, when, to what. */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  roles: string[];
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  correlationId: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: the same content always hashes the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 over the previous hash and the canonical record. */
export function auditHash(prevHash: string, r: AuditRecord): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(r)).digest('hex');
}

/** Walks the chain in order; the first row whose hash or link does not hold is named. */
export function verifyChain(
  rows: Array<AuditRecord & { prevHash: string; hash: string }>,
): { ok: true; rows: number } | { ok: false; seq: number; problem: string } {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const r of rows) {
    if (r.seq !== expectedSeq) return { ok: false, seq: r.seq, problem: `sequence gap: expected ${expectedSeq}, found ${r.seq} (a row was removed)` };
    if (r.prevHash !== prev) return { ok: false, seq: r.seq, problem: 'the link to the previous row does not hold' };
    const { prevHash: _p, hash, ...record } = r;
    if (auditHash(prev, record) !== hash) return { ok: false, seq: r.seq, problem: 'the row does not match its hash (altered after it was written)' };
    prev = hash;
    expectedSeq++;
  }
  return { ok: true, rows: rows.length };
}
