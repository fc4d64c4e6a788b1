import type { CanActivate, DynamicModule, Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ServiceAuthGuard } from '../auth/service-auth.guard.js';
import type { DataSource, MigrationInterface } from 'typeorm';
import type { BaseConfig } from '../config.js';
import type { BatchHandler } from '../consumer/batch-handler.js';
import { BusinessDayHandler, type BusinessDayHooks } from '../business-day/business-day.js';
import { createServiceDataSource, enablePreparedStatements, ensureDatabase, migrate, whenDatabaseReachable } from '../database/database.js';
import type { Log } from '../logger.js';
import { KafkajsBus } from '../messaging/kafkajs.adapter.js';
import { kafkaClientOptions } from '../messaging/kafka-client-options.js';
import type { MessageBus } from '../messaging/message-bus.port.js';
import { PlatformMetrics } from '../observability/metrics.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { ParkedEventsController } from '../outbox/parked-events.controller.js';
import { InboxPruner } from '../inbox/inbox-pruner.js';
import { ConsumerHost } from './consumer-host.js';
import { ObservabilityController } from './observability.controller.js';
import { CONFIG, DAY_HOOKS, HANDLERS, LOG, MESSAGE_BUS, SERVICE_SCHEMA } from './tokens.js';
import { DataSource as DataSourceClass } from 'typeorm';
import { ImportedCalendarsHandler } from '../calendars/imported-calendars.js';

export interface ServiceDefinition {
  config: BaseConfig;
  log: Log;
  /** The service's own Postgres schema. */
  schema: string;
  migrations: Array<new () => MigrationInterface>;
  /** Consumers of the service (the business-day follower is added for every service). */
  handlers: Array<Type<BatchHandler>>;
  /** What the service does when the day opens or closes. */
  dayHooks?: Type<BusinessDayHooks>;
  /**
   * The service counts business days on the referential's calendars: it follows refdata.calendars.v1
   * into `<schema>.calendars` (its migrations create the table with calendarsTableSql), read with readCalendar.
   */
  followsCalendars?: boolean;
  providers?: Provider[];
  controllers?: Type[];
  /** Who may call the HTTP routes: the gateway's service tokens by default (ServiceAuthGuard); the gateway brings its own. */
  guard?: Type<CanActivate>;
  /**
   * Whether the service answers the gateway's questions about its parked outbox events
   * (`GET /outbox/parked`, ParkedEventsController): every service behind the gateway does, by
   * default; the gateway reads its own outbox directly.
   */
  parkedEventsRoutes?: boolean;
}

/** One Nest module per service, with the platform (database, Kafka, outbox, consumers, health, metrics) wired in. */
export function serviceModule(def: ServiceDefinition): DynamicModule {
  const { config, log, schema } = def;
  const noHooks: BusinessDayHooks = {};
  return {
    module: class PosteraServiceModule {},
    global: true,
    controllers: [ObservabilityController, ...((def.parkedEventsRoutes ?? true) ? [ParkedEventsController] : []), ...(def.controllers ?? [])],
    providers: [
      { provide: CONFIG, useValue: config },
      { provide: LOG, useValue: log },
      { provide: SERVICE_SCHEMA, useValue: schema },
      {
        provide: DataSourceClass,
        useFactory: async (): Promise<DataSource> => {
          const ds = createServiceDataSource({
            url: config.DATABASE_URL,
            schema,
            migrations: def.migrations,
            poolMax: config.DATABASE_POOL_MAX,
            applicationName: config.SERVICE_NAME,
            preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          });
          await whenDatabaseReachable(
            async () => {
              if (config.DATABASE_CREATE) await ensureDatabase(config.DATABASE_URL);
              if (!ds.isInitialized) await ds.initialize();
              if (config.MIGRATE_ON_BOOT) {
                const applied = await migrate(ds, schema);
                if (applied.length) log.info({ applied }, 'migrations applied');
              }
            },
            {
              timeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
              onWait: (e, waitedMs) => log.warn({ err: (e as Error).message, waitedMs }, 'database not reachable yet; waiting'),
            },
          );
          // After the migrations: a statement prepared before a change of its tables would fail.
          enablePreparedStatements(ds);
          return ds;
        },
      },
      {
        provide: MESSAGE_BUS,
        useFactory: (): MessageBus =>
          new KafkajsBus(
            kafkaClientOptions(config, config.SERVICE_NAME),
            log,
            config.KAFKA_SESSION_TIMEOUT_MS,
            {
              minBytes: config.KAFKA_FETCH_MIN_BYTES,
              maxWaitMs: config.KAFKA_FETCH_MAX_WAIT_MS,
            },
            config.KAFKA_COMMIT_INTERVAL_MS,
          ),
      },
      {
        provide: PlatformMetrics,
        useFactory: (ds: DataSource) =>
          new PlatformMetrics(config.SERVICE_NAME, async () => {
            const [row] = (await ds.query(`SELECT count(*)::int AS n FROM ${schema}.outbox_pending`)) as Array<{ n: number }>;
            return row?.n ?? 0;
          }),
        inject: [DataSourceClass],
      },
      {
        provide: OutboxRelay,
        useFactory: (bus: MessageBus, metrics: PlatformMetrics) =>
          new OutboxRelay(
            bus,
            {
              schema,
              topicPrefix: config.TOPIC_PREFIX,
              batchMax: config.OUTBOX_BATCH_MAX,
              pollMs: config.OUTBOX_POLL_MS,
              lingerMs: config.OUTBOX_LINGER_MS,
              rotateRows: config.OUTBOX_ROTATE_ROWS,
              databaseUrl: config.DATABASE_URL,
            },
            metrics,
            log.child({ component: 'outbox-relay' }),
          ),
        inject: [MESSAGE_BUS, PlatformMetrics],
      },
      {
        provide: InboxPruner,
        useFactory: (ds: DataSource, metrics: PlatformMetrics) =>
          new InboxPruner(
            ds,
            {
              schema,
              retentionDays: config.INBOX_RETENTION_DAYS,
              intervalMs: config.INBOX_PRUNE_INTERVAL_MS,
              onPruned: (n) => metrics.inboxPruned.inc(n),
            },
            log.child({ component: 'inbox-pruner' }),
          ),
        inject: [DataSourceClass, PlatformMetrics],
      },
      def.dayHooks ? { provide: DAY_HOOKS, useExisting: def.dayHooks } : { provide: DAY_HOOKS, useValue: noHooks },
      ...(def.dayHooks ? [def.dayHooks] : []),
      ...def.handlers,
      {
        provide: HANDLERS,
        useFactory: (hooks: BusinessDayHooks, ...handlers: BatchHandler[]) => [
          new BusinessDayHandler(config.SERVICE_NAME, hooks),
          ...(def.followsCalendars ? [new ImportedCalendarsHandler(config.SERVICE_NAME)] : []),
          ...handlers,
        ],
        inject: [DAY_HOOKS, ...def.handlers],
      },
      ConsumerHost,
      { provide: APP_GUARD, useClass: def.guard ?? ServiceAuthGuard },
      ...(def.providers ?? []),
    ],
    exports: [DataSourceClass, CONFIG, LOG, MESSAGE_BUS, SERVICE_SCHEMA, PlatformMetrics],
  };
}
