import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BaseConfig } from '../config.js';
import { BatchConsumer } from '../consumer/batch-consumer.js';
import type { BatchHandler } from '../consumer/batch-handler.js';
import type { Log } from '../logger.js';
import type { MessageBus } from '../messaging/message-bus.port.js';
import { PlatformMetrics } from '../observability/metrics.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { InboxPruner } from '../inbox/inbox-pruner.js';
import { CONFIG, HANDLERS, LOG, MESSAGE_BUS, SERVICE_SCHEMA } from './tokens.js';

/**
 * Starts the outbox relay, one batch consumer per handler and the inbox pruner when the app boots; on shutdown
 * stops fetching, lets the batch in hand finish and commit, then publishes what it wrote.
 */
@Injectable()
export class ConsumerHost implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly consumers: BatchConsumer[];

  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(HANDLERS) handlers: BatchHandler[],
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(LOG) private readonly log: Log,
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
    private readonly pruner: InboxPruner,
    metrics: PlatformMetrics,
  ) {
    this.consumers = handlers.map(
      (h) =>
        new BatchConsumer(
          h,
          ds,
          bus,
          {
            schema,
            topicPrefix: config.TOPIC_PREFIX,
            groupPrefix: config.CONSUMER_GROUP_PREFIX,
            batchSizeMax: config.BATCH_SIZE_MAX,
            partitionsConcurrentMax: config.PARTITIONS_CONCURRENT_MAX,
            partitionsShareTransaction: config.PARTITIONS_SHARE_TRANSACTION,
            retryCountMax: config.RETRY_COUNT_MAX,
            retryBackoffMs: config.RETRY_BACKOFF_MS,
            brokerConnectTimeoutMs: config.KAFKA_CONNECT_TIMEOUT_MS,
          },
          metrics,
          log.child({ consumer: h.consumerId }),
        ),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
    await Promise.all(this.consumers.map((c) => c.start()));
    this.pruner.start();
    this.log.info({ consumers: this.consumers.map((c) => c.groupId) }, 'service consuming');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.log.info({ signal }, 'shutting down: finishing the batches in hand');
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.pruner.stop();
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    if (this.ds.isInitialized) await this.ds.destroy();
    this.log.info('stopped');
  }
}
