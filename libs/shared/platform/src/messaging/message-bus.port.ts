/**
 * The project's own port to the message broker. Services and the platform's consumer and relay
 * speak only this; kafkajs lives behind it in one adapter, so a change of client is one file.
 */
export interface OutboundRecord {
  /** Physical topic name (prefix applied). */
  topic: string;
  key: string | null;
  value: Buffer | string;
  headers: Record<string, string>;
  /** Set when the sender chose it (a record packing several keys of one partition); else the key's partition. */
  partition?: number;
}

/** One of the events of a packed record (packed-records.ts): its place in the record. */
export interface PartOfRecord {
  index: number;
  last: boolean;
}

export interface InboundRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
  /** Set on an event cut out of a packed record: the events of one record share its offset. */
  part?: PartOfRecord;
}

export interface InboundBatch {
  topic: string;
  partition: number;
  records: InboundRecord[];
}

export interface BatchControl {
  /**
   * Marks everything up to and including offset as processed (the database has committed it) and
   * commits offset + 1 to the group: at once when `now` is set, else within the bus's commit
   * interval, together with the other partitions' (a crash in between only redelivers what the
   * inbox already holds).
   */
  commit(offset: string, now?: boolean): Promise<void>;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
}

export interface MessageProducer {
  /** Sends in one request per partition leader; resolves once every record is acknowledged (acks=all, idempotent). */
  send(records: OutboundRecord[]): Promise<void>;
  /**
   * The partition a key of the topic goes to, as `send` would place it (the broker's partition
   * count, the Java clients' murmur2 hash): a record that carries several keys is sent to the
   * partition they share.
   */
  partitioner(topic: string): Promise<(key: string) => number>;
}

export interface MessageConsumer {
  /**
   * `onMemberLost`, when given, is told instead of the process exiting when the client gives up on a
   * started member (the broker went away, or the group moved on while it joined): the member is
   * dead, and the caller may start a new one.
   */
  start(
    topics: string[],
    onBatch: (batch: InboundBatch, control: BatchControl) => Promise<void>,
    onMemberLost?: (error: unknown) => void,
  ): Promise<void>;
  /** Stops fetching and waits for the batch in hand to finish. */
  stop(): Promise<void>;
}

export interface MessageBus {
  producer(): Promise<MessageProducer>;
  consumer(groupId: string, options: { partitionsConcurrentMax: number; fromBeginning: boolean }): MessageConsumer;
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
  /** Whether an error of this bus means the broker is down, restarting or electing: time cures it. */
  isUnavailable(error: unknown): boolean;
  /** Whether a send failed because of the records themselves (too large, invalid): sending them again can never succeed. */
  refusedForItself(error: unknown): boolean;
}
