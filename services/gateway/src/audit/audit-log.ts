import { CONFIG, LOG, type Log, type Operator } from '@postera/platform';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { anchorLine, appendAnchor, readAnchors } from './audit-anchor.js';
import { GENESIS_HASH, rowMac, type AuditKeyRing, type AuditRecord } from './audit-chain.js';
import { auditKeysOf, type AuditConfig } from './audit-config.js';
import { AuditRows, verifyAudit, type AuditVerdict, type VerifyFrom } from './audit-verification.js';

export interface AuditEntry {
  action: string;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  correlationId?: string | null;
}

/**
 * The process's audit keys. appendAudit is called inside the callers' own transactions, from every
 * controller that changes something; the key is the process's, set once when AuditLog is built.
 */
let signingKeys: AuditKeyRing | null = null;

/**
 * Appends to the audit log in the caller's transaction, so an action and its audit row commit
 * together or not at all. Appends are serialised by a transaction-scoped advisory lock: the chain
 * has one order. Each row is MACed with the current key over its link and content.
 */
export async function appendAudit(tx: EntityManager, who: Operator, e: AuditEntry): Promise<number> {
  if (signingKeys === null) throw new Error('the audit log has no MAC key (AuditLog was not initialised)'); // a wiring bug
  const keys = signingKeys;
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
    `INSERT INTO gateway.audit_log (seq, at, actor, roles, action, target, before, after, correlation_id, prev_hash, hash, key_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
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
      rowMac(keys, keys.currentId, prevHash, record),
      keys.currentId,
    ],
  );
  return record.seq;
}

/**
 * Verifies the chain (streamed from the database, against the MACs and the newest anchor) and
 * anchors its head outside the database: every AUDIT_ANCHOR_INTERVAL_MS when it moved, and at
 * shutdown.
 */
@Injectable()
export class AuditLog implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly keys: AuditKeyRing;
  private readonly rows: AuditRows;
  private timer: NodeJS.Timeout | undefined;
  private lastAnchored: { seq: number; hash: string } | null = null;
  private anchoring: Promise<void> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: AuditConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.keys = auditKeysOf(config);
    signingKeys = this.keys;
    this.rows = new AuditRows((sql, params) => ds.query(sql, params));
  }

  onApplicationBootstrap(): void {
    if (this.config.AUDIT_ANCHOR_FILE === undefined) {
      this.log.warn('AUDIT_ANCHOR_FILE is not set: the audit log is not anchored, a dropped tail would go unnoticed');
      return;
    }
    this.timer = setInterval(() => void this.anchorSafely(), this.config.AUDIT_ANCHOR_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.anchorSafely();
  }

  /**
   * Writes the head to the anchor file unless this process already anchored it. Anchors are chained
   * one at a time: an interval tick never races the shutdown's anchor.
   */
  anchorNow(): Promise<void> {
    this.anchoring = this.anchoring.catch(() => undefined).then(() => this.writeAnchor());
    return this.anchoring;
  }

  private async anchorSafely(): Promise<void> {
    // A failed anchor is logged and tried again at the next tick: the audit itself keeps working.
    await this.anchorNow().catch((e: unknown) => {
      this.log.error({ err: (e as Error).message }, 'audit anchor not written');
    });
  }

  private async writeAnchor(): Promise<void> {
    const file = this.config.AUDIT_ANCHOR_FILE;
    if (file === undefined) return;
    const head = await this.rows.head();
    if (head === null || (this.lastAnchored?.seq === head.seq && this.lastAnchored.hash === head.hash)) return;
    if (this.lastAnchored !== null && head.seq < this.lastAnchored.seq) {
      // Never anchor a head below one already anchored: that would bless a dropped tail.
      this.log.error({ head: head.seq, anchored: this.lastAnchored.seq }, 'the audit log is shorter than its last anchor: not anchoring; run the verification');
      return;
    }
    await appendAnchor(file, anchorLine(this.keys, head, await this.rows.keyedFromSeq(), new Date()));
    this.lastAnchored = head;
  }

  /** The whole chain from its first row, or the quick check from the newest anchor that verifies. */
  async verify(from: VerifyFrom = 'genesis'): Promise<AuditVerdict> {
    const file = this.config.AUDIT_ANCHOR_FILE;
    const anchors = file === undefined ? null : await readAnchors(file, this.keys);
    return verifyAudit({ rows: this.rows, keys: this.keys, anchors, from });
  }

  async page(afterSeq: number, limit: number, actor?: string) {
    return this.ds.query(
      `SELECT seq::int AS seq, at, actor, roles, action, target, before, after, correlation_id AS "correlationId", hash, key_id AS "keyId"
       FROM gateway.audit_log WHERE seq > $1 AND ($3::text IS NULL OR actor = $3) ORDER BY seq LIMIT $2`,
      [afterSeq, limit, actor ?? null],
    );
  }
}
