import type { Operator } from '@postera/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { auditHash, GENESIS_HASH, verifyChain, type AuditRecord } from './audit-chain.js';

export interface AuditEntry {
  action: string;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  correlationId?: string | null;
}

/**
 * Appends to the audit log in the caller's transaction, so an action and its audit row commit
 * together or not at all. Appends are serialised by a transaction-scoped advisory lock: the chain
 * has one order.
 */
export async function appendAudit(tx: EntityManager, who: Operator, e: AuditEntry): Promise<number> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('gateway.audit_log'))`);
  const [last] = (await tx.query(`SELECT seq::int AS seq, hash FROM gateway.audit_log ORDER BY seq DESC LIMIT 1`)) as Array<{ seq: number; hash: string }>;
  const record: AuditRecord = {
    seq: (last?.seq ?? 0) + 1,
    at: new Date().toISOString(),
    actor: who.id,
    roles: [...who.roles].sort(),
    action: e.action,
    target: e.target ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    correlationId: e.correlationId ?? null,
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await tx.query(
    `INSERT INTO gateway.audit_log (seq, at, actor, roles, action, target, before, after, correlation_id, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      record.seq,
      record.at,
      record.actor,
      record.roles,
      record.action,
      record.target,
      JSON.stringify(record.before),
      JSON.stringify(record.after),
      record.correlationId,
      prevHash,
      auditHash(prevHash, record),
    ],
  );
  return record.seq;
}

/** Reads the whole chain back, as stored, and verifies it. */
@Injectable()
export class AuditLog {
  constructor(private readonly ds: DataSource) {}

  async verify() {
    const rows = (await this.ds.query(
      `SELECT seq::int AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, roles, action, target, before, after,
              correlation_id AS "correlationId", prev_hash AS "prevHash", hash
       FROM gateway.audit_log ORDER BY seq`,
    )) as Array<AuditRecord & { prevHash: string; hash: string }>;
    return verifyChain(rows);
  }

  async page(afterSeq: number, limit: number, actor?: string) {
    return this.ds.query(
      `SELECT seq::int AS seq, at, actor, roles, action, target, before, after, correlation_id AS "correlationId", hash
       FROM gateway.audit_log WHERE seq > $1 AND ($3::text IS NULL OR actor = $3) ORDER BY seq LIMIT $2`,
      [afterSeq, limit, actor ?? null],
    );
  }
}
