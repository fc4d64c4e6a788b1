import { runService, serviceModule } from '@postera/platform';
import { notificationConfigSchema, type NotificationConfig } from './config.js';
import { CounterpartyContactsController } from './contacts/commands/counterparty-contacts/counterparty-contacts.controller.js';
import { AccountUpsertedConsumer } from './contacts/commands/upsert-contact/account-upserted.consumer.js';
import { notificationMigrations } from './database/migrations/index.js';
import { DeliveryBacklogGauge } from './delivery/delivery-backlog.js';
import { EmailSender } from './delivery/email-sender.js';
import { WakeUps } from './delivery/wake-ups.js';
import { WebhookSender } from './delivery/webhook-sender.js';
import { NotificationDayHooks } from './notifications/commands/close-day/notification-day.hooks.js';
import { SettlementEventsConsumer } from './notifications/commands/notify-settlement-events/settlement-events.consumer.js';
import { TradeEventsConsumer } from './notifications/commands/notify-trade-events/trade-events.consumer.js';
import { NoticeRouter } from './notifications/commands/route-notices/notice-router.js';
import { NotificationQueriesController } from './notifications/queries/notification-queries.controller.js';

await runService<NotificationConfig>({
  configSchema: notificationConfigSchema,
  schema: 'notification',
  migrations: notificationMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [AccountUpsertedConsumer, TradeEventsConsumer, SettlementEventsConsumer],
      dayHooks: NotificationDayHooks,
      controllers: [NotificationQueriesController, CounterpartyContactsController],
      providers: [WakeUps, NoticeRouter, EmailSender, WebhookSender, DeliveryBacklogGauge],
    }),
});
