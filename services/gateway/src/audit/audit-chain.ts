import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** One audit row as MACed: every field that says who did what, when, to what. */
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

/** A row as stored: the record, the link to the previous row, its own hash or MAC and the key that made it. */
export interface StoredAuditRow extends AuditRecord {
  prevHash: string;
  hash: string;
  /** null for a row of the unkeyed scheme (before the chain switched to MACs). */
  keyId: string | null;
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

/** The first scheme, kept to verify the rows written before the switch: SHA-256 over the previous hash and the record. */
export function auditHash(prevHash: string, r: AuditRecord): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(r)).digest('hex');
}

/**
 * The audit keys: the current one MACs new rows and anchors; the earlier ones only verify. A key is
 * never stored in the database, so rewriting a row and recomputing the chain after it needs the key.
 */
export class AuditKeyRing {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    readonly currentId: string,
    current: Buffer,
    earlier: Readonly<Record<string, Buffer>> = {},
  ) {
    if (current.length < 32) throw new Error('the audit MAC key must be at least 32 bytes');
    this.keys = new Map([...Object.entries(earlier), [currentId, current]]);
  }

  /** From the configuration's base64 strings (validated there). */
  static fromBase64(currentId: string, current: string, earlier: Readonly<Record<string, string>> = {}): AuditKeyRing {
    return new AuditKeyRing(
      currentId,
      Buffer.from(current, 'base64'),
      Object.fromEntries(Object.entries(earlier).map(([id, k]) => [id, Buffer.from(k, 'base64')])),
    );
  }

  /** HMAC-SHA-256 with key `keyId` over a domain label and the parts, hex; undefined when the key is unknown. */
  mac(keyId: string, domain: 'row' | 'anchor', parts: readonly string[]): string | undefined {
    const key = this.keys.get(keyId);
    if (key === undefined) return undefined;
    const h = createHmac('sha256', key).update(`postera-audit-${domain}\n`);
    for (const p of parts) h.update(p).update('\n');
    return h.digest('hex');
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }
}

/** The MAC of a row: its link, its key id and its canonical record, under that key. */
export function rowMac(keys: AuditKeyRing, keyId: string, prevHash: string, r: AuditRecord): string | undefined {
  return keys.mac(keyId, 'row', [prevHash, keyId, canonical(r)]);
}

/** Compares two hex strings in constant time (a MAC check must not leak how much of it matched). */
export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export type ChainBreak = { seq: number; problem: string };

/**
 * Checks a chain fed row by row in seq order, holding only the previous row: the whole log is never
 * in memory. Rows before `keyedFromSeq` (recorded when the chain switched scheme) are the unkeyed
 * SHA-256 of the first scheme; from it on every row must carry a key id and verify with that key.
 */
export class ChainVerifier {
  private prev: string;
  private expectedSeq: number;
  private count = 0;

  constructor(
    private readonly keys: AuditKeyRing,
    private readonly keyedFromSeq: number,
    start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
  ) {
    this.prev = start.hash;
    this.expectedSeq = start.seq + 1;
  }

  /** The first problem of this row, or null when it holds. */
  next(row: StoredAuditRow): ChainBreak | null {
    const { prevHash, hash, keyId, ...record } = row;
    if (row.seq !== this.expectedSeq) return { seq: row.seq, problem: `sequence gap: expected ${this.expectedSeq}, found ${row.seq} (a row was removed)` };
    if (prevHash !== this.prev) return { seq: row.seq, problem: 'the link to the previous row does not hold' };
    if (row.seq < this.keyedFromSeq) {
      if (keyId !== null) return { seq: row.seq, problem: `a keyed row before the switch to MACs at seq ${this.keyedFromSeq}` };
      if (auditHash(prevHash, record) !== hash) return { seq: row.seq, problem: 'the row does not match its hash (altered after it was written)' };
    } else {
      if (keyId === null) return { seq: row.seq, problem: `an unkeyed row after the switch to MACs at seq ${this.keyedFromSeq} (rewritten without the key)` };
      const expected = rowMac(this.keys, keyId, prevHash, record);
      if (expected === undefined) return { seq: row.seq, problem: `MACed with key ${keyId}, which this verifier does not hold (add it to AUDIT_MAC_KEYS)` };
      if (!sameHex(expected, hash)) return { seq: row.seq, problem: 'the row does not match its MAC (altered after it was written)' };
    }
    this.prev = hash;
    this.expectedSeq++;
    this.count++;
    return null;
  }

  /** Rows checked so far. */
  get rows(): number {
    return this.count;
  }
}
