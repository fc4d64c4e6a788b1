import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics every service exposes on /metrics. One registry per process. */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly consumed: Counter<'topic' | 'consumer'>;
  readonly duplicates: Counter<'topic' | 'consumer'>;
  readonly skipped: Counter<'topic' | 'consumer'>;
  readonly produced: Counter<'topic'>;
  readonly outboxParked: Counter<'topic'>;
  readonly dlq: Counter<'topic' | 'consumer'>;
  readonly batchSeconds: Histogram<'consumer'>;
  readonly messageLagSeconds: Histogram<'consumer'>;
  readonly outboxBacklog: Gauge;
  readonly inboxPruned: Counter;
  readonly outboxRotations: Counter;

  constructor(service: string, outboxBacklog: () => Promise<number>) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.consumed = new Counter({
      name: 'postera_messages_consumed_total',
      help: 'Messages consumed and committed',
      labelNames: ['topic', 'consumer'],
      registers: [this.registry],
    });
    this.duplicates = new Counter({
      name: 'postera_messages_duplicate_total',
      help: 'Redelivered messages ignored: already applied by offset, by publication sequence or by identity',
      labelNames: ['topic', 'consumer'],
      registers: [this.registry],
    });
    this.skipped = new Counter({
      name: 'postera_messages_skipped_total',
      help: 'Messages of types the consumer does not act on, committed without a transaction',
      labelNames: ['topic', 'consumer'],
      registers: [this.registry],
    });
    this.produced = new Counter({
      name: 'postera_messages_produced_total',
      help: 'Messages published by the outbox relay',
      labelNames: ['topic'],
      registers: [this.registry],
    });
    this.outboxParked = new Counter({
      name: 'postera_outbox_parked_total',
      help: 'Outbox events the broker refused for themselves (too large, invalid), parked in <schema>.outbox_parked for an operator',
      labelNames: ['topic'],
      registers: [this.registry],
    });
    this.dlq = new Counter({
      name: 'postera_dlq_messages_total',
      help: 'Messages sent to a dead-letter topic',
      labelNames: ['topic', 'consumer'],
      registers: [this.registry],
    });
    this.batchSeconds = new Histogram({
      name: 'postera_batch_processing_seconds',
      help: 'Time to process and commit one batch',
      labelNames: ['consumer'],
      registers: [this.registry],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.messageLagSeconds = new Histogram({
      name: 'postera_message_age_seconds',
      help: 'Age of a message (since produced) when its batch commits',
      labelNames: ['consumer'],
      registers: [this.registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.outboxRotations = new Counter({
      name: 'postera_outbox_rotations_total',
      help: 'Times the published outbox was emptied (outbox_rotate())',
      registers: [this.registry],
    });
    this.inboxPruned = new Counter({
      name: 'postera_inbox_pruned_total',
      help: 'Inbox rows deleted once older than INBOX_RETENTION_DAYS',
      registers: [this.registry],
    });
    this.outboxBacklog = new Gauge({
      name: 'postera_outbox_backlog',
      help: 'Outbox rows not yet published',
      registers: [this.registry],
      async collect() {
        this.set(await outboxBacklog());
      },
    });
  }
}
