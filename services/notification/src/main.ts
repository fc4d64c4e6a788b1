import { loadConfig, runService, serviceModule } from '@postera/platform';
import { notificationConfigSchema, productionProblems, type NotificationConfig } from './config.js';
import { ClientWebhookSecretsController } from './contacts/commands/client-webhook-secrets/client-webhook-secrets.controller.js';
import { CounterpartyContactsController } from './contacts/commands/counterparty-contacts/counterparty-contacts.controller.js';
import { AccountUpsertedConsumer } from './contacts/commands/upsert-contact/account-upserted.consumer.js';
import { secretsKeyOf } from './contacts/domain/webhook-secret-box.js';
import { ClientWebhookSecrets } from './contacts/persistence/client-webhook-secrets.js';
import { WebhookSecrets } from './contacts/persistence/webhook-secrets.js';
import { notificationMigrations } from './database/migrations/index.js';
import { DeliveryBacklogGauge } from './delivery/delivery-backlog.js';
import { DigestSender } from './delivery/digest-sender.js';
import { EmailSender } from './delivery/email-sender.js';
import { WakeUps } from './delivery/wake-ups.js';
import { WebhookSender } from './delivery/webhook-sender.js';
import { InstrumentNamesConsumer } from './instruments/commands/instrument-names.consumer.js';
import { NotificationDayHooks } from './notifications/commands/close-day/notification-day.hooks.js';
import { SettlementEventsConsumer } from './notifications/commands/notify-settlement-events/settlement-events.consumer.js';
import { TradeEventsConsumer } from './notifications/commands/notify-trade-events/trade-events.consumer.js';
import { NoticeRouter } from './notifications/commands/route-notices/notice-router.js';
import { NotificationQueriesController } from './notifications/queries/notification-queries.controller.js';
import { NoticePdfController } from './delivery/notice-pdf.controller.js';

// The migration that seals stored webhook secrets needs the key: the list is built from the configuration.
const config = loadConfig(notificationConfigSchema);
const { WEBHOOK_SECRETS_KEY } = config;
// A production process does not start with the development defaults (in the form loadConfig refuses a configuration).
const unfit = productionProblems(config);
if (unfit.length > 0) {
  process.stderr.write(`configuration refused:\n${unfit.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(78); // EX_CONFIG
}

await runService<NotificationConfig>({
  configSchema: notificationConfigSchema,
  schema: 'notification',
  migrations: notificationMigrations({ webhookSecretsKey: WEBHOOK_SECRETS_KEY ? secretsKeyOf(WEBHOOK_SECRETS_KEY) : undefined }),
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [AccountUpsertedConsumer, InstrumentNamesConsumer, TradeEventsConsumer, SettlementEventsConsumer],
      dayHooks: NotificationDayHooks,
      followsCalendars: true,
      controllers: [NotificationQueriesController, NoticePdfController, CounterpartyContactsController, ClientWebhookSecretsController],
      // WebhookSecrets before ClientWebhookSecrets: the start-up checks run in this order.
      providers: [WebhookSecrets, ClientWebhookSecrets, WakeUps, NoticeRouter, EmailSender, DigestSender, WebhookSender, DeliveryBacklogGauge],
    }),
});
