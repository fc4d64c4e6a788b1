import type { AnchorReading } from './audit-anchor.js';
import { ChainVerifier, GENESIS_HASH, sameHex, type AuditKeyRing, type StoredAuditRow } from './audit-chain.js';

/** Rows read per query while verifying: the log is streamed, never held whole. */
export const VERIFY_BATCH_ROWS = 1000;

/** Runs one SQL statement and returns its rows (a TypeORM DataSource or a pg client behind it). */
export type AuditQuery = (sql: string, params: unknown[]) => Promise<unknown[]>;

const ROW_COLUMNS = `seq::int AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, roles, action, target,
  before, after, correlation_id AS "correlationId", prev_hash AS "prevHash", hash, key_id AS "keyId"`;

/** The audit tables as the verification reads them: the same statements from the API and from the shell. */
export class AuditRows {
  constructor(private readonly query: AuditQuery) {}

  /** The first seq of the keyed scheme, recorded by the migration that switched to it. */
  async keyedFromSeq(): Promise<number> {
    const [row] = (await this.query(`SELECT keyed_from_seq::int AS seq FROM gateway.audit_chain_scheme`, [])) as Array<{ seq: number }>;
    if (row === undefined) throw new Error('gateway.audit_chain_scheme is empty: the migration that records the switch to MACs was not applied');
    return row.seq;
  }

  async head(): Promise<{ seq: number; hash: string } | null> {
    const [row] = (await this.query(`SELECT seq::int AS seq, hash FROM gateway.audit_log ORDER BY seq DESC LIMIT 1`, [])) as Array<{
      seq: number;
      hash: string;
    }>;
    return row ?? null;
  }

  async row(seq: number): Promise<StoredAuditRow | null> {
    const [row] = (await this.query(`SELECT ${ROW_COLUMNS} FROM gateway.audit_log WHERE seq = $1`, [seq])) as StoredAuditRow[];
    return row ?? null;
  }

  /** Rows after `afterSeq`, up to `uptoSeq`, in order, at most `limit` (keyset paging: each batch one index range). */
  async batch(afterSeq: number, uptoSeq: number, limit: number): Promise<StoredAuditRow[]> {
    return (await this.query(`SELECT ${ROW_COLUMNS} FROM gateway.audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, [
      afterSeq,
      uptoSeq,
      limit,
    ])) as StoredAuditRow[];
  }
}

/** `genesis`: every row from the first; `anchor`: from the newest anchor that verifies (the quick check). */
export type VerifyFrom = 'genesis' | 'anchor';

export type AuditVerdict =
  | {
      ok: true;
      from: VerifyFrom;
      /** The seq the check started after (0 from genesis, the anchored row's predecessor from an anchor). */
      fromSeq: number;
      rows: number;
      headSeq: number;
      /** The newest anchor held against the log, or null when none was found. */
      anchor: { seq: number; at: string } | null;
    }
  | { ok: false; seq: number | null; problem: string };

/** Where anchors are: the reading of the anchor file, or null when no anchor store is configured. */
export interface VerifyInput {
  rows: AuditRows;
  keys: AuditKeyRing;
  anchors: AnchorReading | null;
  from: VerifyFrom;
  batchRows?: number;
}

/**
 * Verifies the log against its MACs and its newest anchor: a row rewritten (even with every hash
 * after it recomputed, which needs the key for the MACs), a row removed, a tail dropped (the
 * anchored row missing or different), a downgrade to the unkeyed scheme, an anchor line altered.
 * The first problem in seq order is named.
 */
export async function verifyAudit(input: VerifyInput): Promise<AuditVerdict> {
  const { rows, keys, anchors, from } = input;
  const batchRows = input.batchRows ?? VERIFY_BATCH_ROWS;
  const keyedFromSeq = await rows.keyedFromSeq();
  const head = await rows.head();
  const headSeq = head?.seq ?? 0;
  const anchor = anchors?.newest ?? null;

  if (anchor !== null && anchor.keyedFromSeq !== keyedFromSeq) {
    return {
      ok: false,
      seq: null,
      problem: `the switch to MACs is recorded at seq ${keyedFromSeq} in the database but at seq ${anchor.keyedFromSeq} in the anchors`,
    };
  }
  if (anchor !== null && anchor.seq > headSeq) {
    return { ok: false, seq: anchor.seq, problem: `the anchored row ${anchor.seq} is missing: the log ends at seq ${headSeq} (its tail was dropped)` };
  }

  let start = { seq: 0, hash: GENESIS_HASH };
  if (from === 'anchor' && anchor !== null) {
    const anchored = await rows.row(anchor.seq);
    if (anchored === null) return { ok: false, seq: anchor.seq, problem: `the anchored row ${anchor.seq} is missing (a row was removed)` };
    // The anchored row is checked with the rest: its MAC covers the link it stores.
    start = { seq: anchor.seq - 1, hash: anchored.prevHash };
  }

  const verifier = new ChainVerifier(keys, keyedFromSeq, start);
  let cursor = start.seq;
  // Bounded: each batch advances the cursor by at least one row, up to the head read above.
  while (cursor < headSeq) {
    const batch = await rows.batch(cursor, headSeq, batchRows);
    if (batch.length === 0) return { ok: false, seq: cursor + 1, problem: `sequence gap: rows ${cursor + 1} to ${headSeq} are missing (rows were removed)` };
    for (const row of batch) {
      const broken = verifier.next(row);
      if (broken !== null) return { ok: false, ...broken };
      if (anchor !== null && row.seq === anchor.seq && !sameHex(row.hash, anchor.hash)) {
        return { ok: false, seq: row.seq, problem: 'the row differs from its anchor (the log was rewritten from here)' };
      }
    }
    cursor = batch[batch.length - 1]!.seq;
  }

  if (anchors !== null && anchors.refusedCount > 0) {
    const first = anchors.refused[0]!;
    return { ok: false, seq: null, problem: `anchors: ${anchors.refusedCount} line(s) refused, the first at ${first.file}:${first.line}: ${first.problem}` };
  }
  return { ok: true, from, fromSeq: start.seq, rows: verifier.rows, headSeq, anchor: anchor === null ? null : { seq: anchor.seq, at: anchor.at } };
}
