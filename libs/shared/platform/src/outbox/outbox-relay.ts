import { physicalTopic, TOPIC_CATALOGUE } from '@postera/contracts';
import pg from 'pg';
import { PUBLICATION_HEADERS } from '../consumer/positions.js';
import { NotificationListener } from '../database/listen.js';
import { PACKED_EVENTS_MAX, PACKED_HEADER, packedRecord } from '../messaging/packed-records.js';
import { faultPoint } from '../fault.js';
import type { Log } from '../logger.js';
import type { MessageBus } from '../messaging/message-bus.port.js';
import type { PlatformMetrics } from '../observability/metrics.js';

/** Published rows after which the relay empties the outbox, once it has caught up. */
export const OUTBOX_ROTATE_ROWS = 20_000;
/** A quiet outbox with published rows is emptied after this long. */
const ROTATE_IDLE_MS = 60_000;

/** Below the broker's default message.max.bytes (1,048,588), with room for record and batch overheads. */
export const OUTBOX_BATCH_BYTES_MAX = 768 * 1024;

/**
 * The longest prefix of the rows (in id order, so per-key order is kept) whose size stays within
 * `bytesMax`; always at least one row, so a single large event still goes out.
 */
export function withinBytes<R extends { message_key: string | null; value: string; headers: Record<string, string> }>(rows: R[], bytesMax: number): R[] {
  let total = 0;
  let n = 0;
  for (const r of rows) {
    // Per record: key, value, each header's name and value, and about 70 bytes of framing.
    const size =
      Buffer.byteLength(r.value) +
      (r.message_key ? Buffer.byteLength(r.message_key) : 0) +
      Object.entries(r.headers).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)) + 8, 0) +
      70;
    if (n > 0 && total + size > bytesMax) break;
    total += size;
    n++;
  }
  return rows.slice(0, n);
}

/** The topics on which one record may carry several keys' events (the catalogue's packsAcrossKeys). */
const PACKED_ACROSS_KEYS = new Set(TOPIC_CATALOGUE.topics.filter((t) => t.packsAcrossKeys).map((t) => t.name));

/** The rows of one record, and the partition they share when they are several keys'. */
export interface RecordGroup<R> {
  rows: R[];
  partition?: number;
}

/**
 * The rows cut into the groups that travel as one record each, at most PACKED_EVENTS_MAX rows.
 * On a topic `partitionOf` places (one that packs across keys), a row joins the open group of its
 * partition, whatever its key; elsewhere only neighbours with the same topic and key are packed (a
 * key is required: keyless events spread over partitions). Either way each partition receives its
 * rows in id order — the groups are listed in the order they were opened, and a partition's next
 * group opens only when its last is full — which is the order consumers check sequences in.
 */
export function packRecords<R extends { topic: string; message_key: string | null }>(
  rows: R[],
  partitionOf: (topic: string) => ((key: string) => number) | undefined = () => undefined,
): Array<RecordGroup<R>> {
  const groups: Array<RecordGroup<R>> = [];
  const open = new Map<string, RecordGroup<R>>();
  for (const r of rows) {
    const place = r.message_key === null ? undefined : partitionOf(r.topic);
    if (place) {
      const partition = place(r.message_key!);
      const slot = `${r.topic}\u0000${partition}`;
      const group = open.get(slot);
      if (group && group.rows.length < PACKED_EVENTS_MAX) group.rows.push(r);
      else {
        const fresh = { rows: [r], partition };
        open.set(slot, fresh);
        groups.push(fresh);
      }
      continue;
    }
    const last = groups[groups.length - 1];
    const head = last?.rows[0];
    if (last && head && last.partition === undefined && r.message_key !== null && head.message_key === r.message_key && head.topic === r.topic && last.rows.length < PACKED_EVENTS_MAX)
      last.rows.push(r);
    else groups.push({ rows: [r] });
  }
  return groups;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface OutboxRelayOptions {
  schema: string;
  topicPrefix: string;
  batchMax: number;
  /**
   * Bytes per send, bounded below the broker's message.max.bytes (1 MiB by default), which limits
   * each partition's record batch: a handler's batch keyed by one partition's trades lands wholly
   * on one partition downstream.
   */
  batchBytesMax?: number;
  pollMs: number;
  /** Published rows after which the outbox is emptied (OUTBOX_ROTATE_ROWS by default). */
  rotateRows?: number;
  /** Waited after each wake-up before reading, to gather the commits right behind it into one pass; 0 reads at once. */
  lingerMs?: number;
  databaseUrl: string;
  /** The logical topics whose records may carry several keys (the catalogue's packsAcrossKeys by default). */
  packsAcrossKeys?: ReadonlySet<string>;
}

/**
 * Publishes the outbox to Kafka in id order, in batches, with the idempotent producer, after the
 * cursor (`outbox_cursor.published_id`), which moves in the same transaction that read the rows,
 * after the broker acknowledged them: a crash in between sends them again (each carries its
 * publication sequence, and consumers drop a sequence they applied), never loses one. The outbox
 * is append-only; it is emptied by rotation (`outbox_rotate()`), not row by row. An advisory lock
 * keeps one relay per schema active, so replicas of a service do not reorder.
 *
 * A pass is two round trips on the relay's own connection: `BEGIN; lock; read` before the
 * produce, `UPDATE cursor; COMMIT` after it (simple-protocol statements sent together); a relay
 * pass follows nearly every consumer transaction at low load, and on this VM each round trip costs
 * a wake-up of another process.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Set by a NOTIFY or stop() that arrives while a batch is in hand, so the next idle() returns at once. */
  private wakeRequested = false;
  private listener: NotificationListener | null = null;
  /** Rows published since the outbox was last emptied, and when it was last tried. */
  private publishedSinceRotation = 0;
  private lastRotation = Date.now();
  /** The relay's own connection, opened on first use and again after it failed. */
  private connection: pg.Client | null = null;

  constructor(
    private readonly bus: MessageBus,
    private readonly o: OutboxRelayOptions,
    private readonly metrics: PlatformMetrics,
    private readonly log: Log,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    this.listener = new NotificationListener(this.o.databaseUrl, [`${this.o.schema}_outbox`], {
      applicationName: `${this.o.schema}-outbox-listener`,
      onNotify: () => this.requestWake(),
      // Back after an outage: what was committed meanwhile notified nobody.
      onListening: () => this.requestWake(),
      onLost: (e) => this.log.warn({ err: e }, 'outbox listener lost; polling until it is back'),
    });
    await this.listener.start();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.requestWake();
    await this.loop;
    await this.listener?.close();
    await this.connection?.end().catch(() => undefined);
    this.connection = null;
  }

  /** Publishes until the outbox is empty; for shutdown and tests. */
  async drain(): Promise<void> {
    while ((await this.relayOnce()) > 0);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const n = await this.relayOnce();
        failures = 0;
        if (n < this.o.batchMax) await this.rotateIfDue();
        if (n < this.o.batchMax && this.running) {
          await this.idle(this.o.pollMs);
          // Under load, commits land every few milliseconds, each with its NOTIFY: without a pause
          // every one of them would cost a pass (a transaction of four statements and a produce).
          if (this.o.lingerMs && this.running) await new Promise((r) => setTimeout(r, this.o.lingerMs));
        }
      } catch (e) {
        failures++;
        const backoffMs = Math.min(5000, 50 * 2 ** Math.min(failures, 7));
        this.log.error({ err: e, backoffMs }, 'outbox relay failed; retrying');
        await this.idle(backoffMs);
      }
    }
    // Publish what the last batches wrote before the process goes.
    await this.drain().catch((e) => this.log.error({ err: e }, 'outbox drain at shutdown failed; rows stay for the next start'));
  }

  private requestWake(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  private idle(ms: number): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(t);
        this.wake = null;
        this.wakeRequested = false;
        resolve();
      };
      this.wake = done;
    });
  }

  private async connect(): Promise<pg.Client> {
    if (this.connection) return this.connection;
    const client = new pg.Client({ connectionString: this.o.databaseUrl, application_name: `${this.o.schema}-outbox-relay` });
    // A connection lost between passes is replaced at the next one (the loop backs off meanwhile).
    client.on('error', (e) => {
      this.log.warn({ err: e }, 'outbox relay connection lost');
      if (this.connection === client) this.connection = null;
    });
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    this.connection = client;
    return client;
  }

  private async park(db: pg.Client, parked: Array<{ row: OutboxRow; refusal: string }>): Promise<void> {
    await db.query(
      `INSERT INTO ${this.o.schema}.outbox_parked (id, event_id, topic, message_key, value, headers, created_at, refusal)
       SELECT o.id, o.event_id, o.topic, o.message_key, o.value, o.headers, o.created_at, x.refusal
       FROM ${this.o.schema}.outbox o JOIN unnest($1::bigint[], $2::text[]) AS x(id, refusal) ON o.id = x.id`,
      [parked.map((p) => p.row.id), parked.map((p) => p.refusal)],
    );
    for (const p of parked) {
      this.metrics.outboxParked.inc({ topic: p.row.topic });
      this.log.error(
        { topic: p.row.topic, key: p.row.message_key, outboxId: p.row.id, bytes: Buffer.byteLength(p.row.value), refusal: p.refusal },
        `event refused by the broker for itself; parked in ${this.o.schema}.outbox_parked, the events behind it go on`,
      );
    }
  }

  async relayOnce(): Promise<number> {
    const producer = await this.bus.producer();
    const db = await this.connect();
    try {
      return await this.pass(db, producer);
    } catch (e) {
      // The transaction is given up (nothing deleted: the rows go out again at the next pass); a
      // connection that cannot even roll back is dropped and replaced.
      await db.query('ROLLBACK').catch(() => {
        if (this.connection === db) this.connection = null;
        void db.end().catch(() => undefined);
      });
      throw e;
    }
  }

  private async pass(db: pg.Client, producer: Awaited<ReturnType<MessageBus['producer']>>): Promise<number> {
    // The schema and the batch size are the service's own configuration, not input: inlined, so
    // that BEGIN, the lock and the read travel as one simple-protocol message. The lock is the
    // transaction's, held until the COMMIT after the produce.
    //
    // The lock is taken by a statement of its own, before the read: a statement reads with the
    // snapshot taken as it starts, so a read that took the lock itself could start while another
    // relay was committing its pass, get the lock once that relay let it go, and read the cursor
    // from before that commit — sending the other relay's batch a second time. A statement that
    // starts after the lock was granted sees every pass committed before it. Whether it was
    // granted travels to the read as a setting local to the transaction.
    //
    // The cursor is read as a scalar subquery: a bound the primary key's range scan starts from,
    // not a join the planner may answer by walking the published rows before it.
    const lockKey = pg.escapeLiteral(`${this.o.schema}.outbox`);
    const results = (await db.query(
      `BEGIN;
       SELECT set_config('postera.outbox_relay_active', pg_try_advisory_xact_lock(hashtext(${lockKey}))::text, true);
       SELECT o.id, o.topic, o.message_key, o.value, o.headers, (SELECT epoch::text FROM ${this.o.schema}.outbox_cursor) AS epoch
       FROM ${this.o.schema}.outbox o
       WHERE current_setting('postera.outbox_relay_active')::boolean
         AND o.id > (SELECT published_id FROM ${this.o.schema}.outbox_cursor) ORDER BY o.id LIMIT ${Math.trunc(this.o.batchMax)}`,
    )) as unknown as pg.QueryResult[];
    const rows = results[2]!.rows as Array<OutboxRow & { epoch: string }>;
    if (rows.length === 0) {
      await db.query('COMMIT');
      return 0;
    }
    const sent = withinBytes(rows, this.o.batchBytesMax ?? OUTBOX_BATCH_BYTES_MAX);
    const epoch = sent[0]!.epoch;
    // The row's id is the publication's sequence: ids are taken in commit order (the outbox's
    // ordering trigger), so on every partition the first copy of each event comes in increasing
    // sequence, and a consumer drops a copy this relay sends again after a crash.
    const publication = { [PUBLICATION_HEADERS.outbox]: this.o.schema, [PUBLICATION_HEADERS.epoch]: epoch };
    const single = (r: OutboxRow) => ({
      topic: physicalTopic(this.o.topicPrefix, r.topic),
      key: r.message_key,
      value: r.value,
      headers: { ...r.headers, ...publication, [PUBLICATION_HEADERS.seq]: r.id },
    });
    const parked: Array<{ row: OutboxRow; refusal: string }> = [];
    try {
      const placements = new Map<string, (key: string) => number>();
      for (const topic of new Set(sent.map((r) => r.topic)))
        if ((this.o.packsAcrossKeys ?? PACKED_ACROSS_KEYS).has(topic)) placements.set(topic, await producer.partitioner(physicalTopic(this.o.topicPrefix, topic)));
      const groups = packRecords(sent, (topic) => placements.get(topic));
      await producer.send(groups.map((g) => (g.rows.length === 1 ? single(g.rows[0]!) : this.packed(g, publication))));
    } catch (e) {
      if (!this.bus.refusedForItself(e)) throw e;
      // One event the broker will never take must not hold back every event behind it: the batch
      // again one event at a time, in id order, and what is refused for itself is parked.
      for (const r of sent) {
        try {
          await producer.send([single(r)]);
        } catch (one) {
          if (!this.bus.refusedForItself(one)) throw one;
          parked.push({ row: r, refusal: (one as Error).message });
        }
      }
    }
    faultPoint('relay-after-send');
    if (parked.length > 0) await this.park(db, parked);
    // Ids are bigserials read back from the table: digits only, safe to inline. One row moves,
    // whatever the batch: the published rows stay until the outbox is rotated.
    await db.query(`UPDATE ${this.o.schema}.outbox_cursor SET published_id = ${sent[sent.length - 1]!.id}; COMMIT`);
    this.publishedSinceRotation += sent.length;
    const parkedIds = new Set(parked.map((p) => p.row.id));
    for (const r of sent) if (!parkedIds.has(r.id)) this.metrics.produced.inc({ topic: r.topic });
    // A batch cut by size is followed at once by the next (the loop idles only on a short batch).
    return sent.length < rows.length ? this.o.batchMax : sent.length;
  }

  /** One record for a group of events of one topic (packed-records.ts): one key's, or one partition's. */
  private packed(group: RecordGroup<OutboxRow>, publication: Record<string, string>) {
    const { rows } = group;
    const oneKey = rows.every((r) => r.message_key === rows[0]!.message_key);
    const { value, header } = packedRecord(
      rows.map((r) => r.value),
      rows.map((r) => (oneKey ? { h: r.headers, s: r.id } : { h: r.headers, s: r.id, k: r.message_key! })),
    );
    return {
      topic: physicalTopic(this.o.topicPrefix, rows[0]!.topic),
      key: oneKey ? rows[0]!.message_key : null,
      partition: group.partition,
      value,
      headers: { ...publication, [PACKED_HEADER]: header },
    };
  }

  /**
   * Empties the published outbox once it has grown by `rotateRows` (or has published anything and
   * the last rotation is a minute old), when the relay has caught up. `outbox_rotate()` truncates
   * only if nothing is left to publish and no writer holds the table; otherwise the next pass
   * that catches up tries again.
   */
  private async rotateIfDue(): Promise<void> {
    if (this.publishedSinceRotation === 0) return;
    const now = Date.now();
    if (this.publishedSinceRotation < (this.o.rotateRows ?? OUTBOX_ROTATE_ROWS) && now - this.lastRotation < ROTATE_IDLE_MS) return;
    const db = await this.connect();
    const result = await db.query<{ rotated: boolean }>(`SELECT ${this.o.schema}.outbox_rotate() AS rotated`);
    this.lastRotation = now;
    if (result.rows[0]?.rotated) {
      this.publishedSinceRotation = 0;
      this.metrics.outboxRotations.inc();
    }
  }
}
