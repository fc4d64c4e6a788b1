/** A partition's next offset to read, once the records before it are committed in the database. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The group offsets a consumer owes the broker: for each partition it owns, the next offset after
 * the records whose effects are committed in the database, until the broker holds that offset.
 *
 * Found by the chaos run: every record of a partition applied, and the group left 1,285 behind for
 * good — a phantom lag an autoscaler would act on, and records redelivered at the next restart. No
 * commit failed in the logs; most likely a deferred commit sent while the broker was away was
 * retried by the client for seconds while a later commit of the same partition went through (two
 * could be in flight at once), landed last and moved the group's offset back, and no record came
 * after it to send another. So:
 * - commits never overlap: one in flight at a time, the next one after it;
 * - what the broker holds is what it last confirmed (kafkajs's COMMIT_OFFSETS event), even when
 *   that is lower than what it confirmed before; not what a call returned (kafkajs's commitOffsets
 *   returns without committing while its runner is stopped);
 * - what is still owed is sent again after a delay, and after a rebalance for the partitions kept.
 */
export class OffsetCommits {
  /** The next offset to read per partition owned, its records applied in the database. */
  private readonly applied = new Map<string, PartitionOffset>();
  /** The offset the broker last confirmed per partition. */
  private readonly held = new Map<string, bigint>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly o: {
      /** Sends the commit; may resolve without committing (the confirmation is what counts). */
      commit: (offsets: PartitionOffset[]) => Promise<void>;
      /** How long processed offsets may wait before a commit (0: each at once). */
      intervalMs: number;
      /** How long before what is still owed is sent again (not a busy loop while the client restarts). */
      retryMs: number;
      /** Whether the error means the group moved on: the member rejoins, and `joined` commits again. */
      isMembershipError: (e: unknown) => boolean;
      onDeferredFailure: (e: unknown) => void;
    },
  ) {}

  /** Records up to `offset` (exclusive) are committed in the database. Never moves a partition back. */
  processed(p: PartitionOffset): void {
    const k = key(p.topic, p.partition);
    const known = this.applied.get(k);
    if (!known || BigInt(p.offset) > BigInt(known.offset)) this.applied.set(k, p);
  }

  /** The broker took a commit (kafkajs's COMMIT_OFFSETS payload): it holds these offsets now. */
  confirmed(topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: unknown }> }>): void {
    for (const t of topics) for (const p of t.partitions) this.held.set(key(t.topic, p.partition), BigInt(String(p.offset)));
  }

  /**
   * A new generation: the partitions this member no longer owns are another's to commit now; those
   * it kept still owe theirs (records applied in the last generation stay applied).
   */
  joined(assignment: Record<string, number[]>): void {
    const kept = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => key(topic, p))));
    for (const k of [...this.applied.keys()]) {
      if (kept.has(k)) continue;
      this.applied.delete(k);
      this.held.delete(k);
    }
    if (this.owed().length > 0) this.schedule();
  }

  /** A commit after the interval (at once when the interval is 0). */
  schedule(delayMs = this.o.intervalMs): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((e) => this.o.onDeferredFailure(e));
    }, delayMs);
  }

  /** Commits what is owed, after any commit in flight. Raises its failure; what stays owed is sent again later. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.chain.then(() => this.commitOwed());
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** The member leaves: nothing more is sent (the records come again to the next owner; the inbox drops them). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Partitions whose processed offset the broker does not hold. */
  owed(): PartitionOffset[] {
    return [...this.applied.entries()].filter(([k, p]) => this.held.get(k) !== BigInt(p.offset)).map(([, p]) => p);
  }

  private async commitOwed(): Promise<void> {
    const owed = this.owed();
    if (owed.length === 0) return;
    try {
      await this.o.commit(owed);
    } catch (e) {
      // After a rebalance the member rejoins first: `joined` commits again what it still owns.
      if (!this.o.isMembershipError(e)) this.schedule(this.o.retryMs);
      throw e;
    }
    if (this.owed().length > 0) this.schedule(this.o.retryMs); // returned without the broker taking it all
  }
}

const key = (topic: string, partition: number) => `${topic}|${partition}`;
