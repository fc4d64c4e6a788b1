import { runService, serviceModule } from '@postera/platform';
import { accountingConfigSchema, type AccountingConfig } from './config.js';
import { accountingMigrations } from './database/migrations/index.js';
import { AccountingDayHooks, SettlementEventsPostingConsumer, TradeEventsPostingConsumer } from './journal/commands/post-events.consumers.js';
import { JournalQueriesController } from './journal/queries/journal-queries.controller.js';

await runService<AccountingConfig>({
  configSchema: accountingConfigSchema,
  schema: 'accounting',
  migrations: accountingMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [TradeEventsPostingConsumer, SettlementEventsPostingConsumer],
      dayHooks: AccountingDayHooks,
      controllers: [JournalQueriesController],
    }),
});
