import { runService, serviceModule } from '@postera/platform';
import { notificationConfigSchema, type NotificationConfig } from './config.js';
import { AccountUpsertedConsumer } from './contacts/commands/upsert-contact/account-upserted.consumer.js';
import { notificationMigrations } from './database/migrations/index.js';
import { EmailSender } from './delivery/email-sender.js';
import { InstructionSettledConsumer } from './notifications/commands/notify-settlement/instruction-settled.consumer.js';
import { TradeCapturedConsumer } from './notifications/commands/notify-trade-captured/trade-captured.consumer.js';
import { NotificationQueriesController } from './notifications/queries/notification-queries.controller.js';

await runService<NotificationConfig>({
  configSchema: notificationConfigSchema,
  schema: 'notification',
  migrations: notificationMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [AccountUpsertedConsumer, TradeCapturedConsumer, InstructionSettledConsumer],
      controllers: [NotificationQueriesController],
      providers: [EmailSender],
    }),
});
