import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { Log } from '../logger.js';

/** Rows deleted per statement: each is a short transaction, so consumers inserting meanwhile never wait long. */
export const INBOX_PRUNE_BATCH = 5_000;

/**
 * Deletes the inbox rows received more than `retentionDays` ago, INBOX_PRUNE_BATCH at a time, and
 * returns how many. The inbox only has to remember what Kafka can still deliver again: a topic
 * keeps a record for its retention (7 days) plus the time its segment stays open (up to 7 more),
 * so a row older than that guards nothing, while the table and its primary key would otherwise
 * grow by every message consumed, for ever (30 rows per trade across the services). Compacted
 * topics (reference and market data) keep each key's last record beyond any retention; their
 * consumers apply it as an upsert of that key (versioned where the referential is), so a record
 * delivered again after its row is gone changes nothing. Replicas may prune together: SKIP LOCKED
 * splits the rows between them.
 */
export async function pruneInbox(ds: DataSource, schema: string, retentionDays: number): Promise<number> {
  let pruned = 0;
  for (;;) {
    const [, count] = (await ds.query(
      `DELETE FROM ${schema}.inbox i USING (
         SELECT consumer_id, message_id FROM ${schema}.inbox WHERE received_at < now() - make_interval(days => $1)
         ORDER BY received_at LIMIT ${INBOX_PRUNE_BATCH} FOR UPDATE SKIP LOCKED) old
       WHERE i.consumer_id = old.consumer_id AND i.message_id = old.message_id`,
      [retentionDays],
    )) as [unknown, number];
    pruned += count;
    if (count < INBOX_PRUNE_BATCH) return pruned;
  }
}

/** Prunes the service's inbox every `intervalMs` (0: never), from the first interval after start. */
export class InboxPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly o: { schema: string; retentionDays: number; intervalMs: number; onPruned?: (n: number) => void },
    private readonly log: Log,
  ) {}

  start(): void {
    if (this.o.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.pruneNow().finally(() => (this.running = null));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async pruneNow(): Promise<void> {
    try {
      const n = await pruneInbox(this.ds, this.o.schema, this.o.retentionDays);
      this.o.onPruned?.(n);
      if (n > 0) this.log.info({ pruned: n, retentionDays: this.o.retentionDays }, 'inbox pruned');
    } catch (e) {
      // The next interval tries again (an outage, a restart of Postgres): nothing is lost by waiting.
      this.log.warn({ err: e }, 'inbox pruning failed; retried at the next interval');
    }
  }
}

/**
 * A third platform migration, the same for every service: the index the pruner reads the oldest
 * rows from. Without it each pruning pass would read the whole inbox. It is built in the
 * migration's transaction, so on a service that already holds a large inbox the migration takes
 * the time of one index build over it (consumers wait for the migration, as for any other).
 */
export function inboxReceivedIndexMigration(schema: string): new () => MigrationInterface {
  return class PlatformInboxReceivedIndex1796500000000 implements MigrationInterface {
    name = 'PlatformInboxReceivedIndex1796500000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE INDEX inbox_received_at ON ${schema}.inbox (received_at)`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP INDEX ${schema}.inbox_received_at`);
    }
  };
}
