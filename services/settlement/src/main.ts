import { runService, serviceModule } from '@postera/platform';
import { settlementConfigSchema, type SettlementConfig } from './config.js';
import { settlementMigrations } from './database/migrations/index.js';
import { FailsController, PenaltiesController } from './fails/fails.controller.js';
import { CustodianStatusConsumer } from './instructions/commands/custodian-status.consumer.js';
import { FollowTradeLifecycleConsumer } from './instructions/commands/follow-trade-lifecycle.consumer.js';
import { SettlementDayHooks } from './instructions/commands/netting-close.js';
import { SettlementQueriesController } from './instructions/queries/settlement-queries.controller.js';
import { AccountsConsumer, InstrumentsConsumer, PricesConsumer } from './reference/reference-data.consumers.js';

await runService<SettlementConfig>({
  configSchema: settlementConfigSchema,
  schema: 'settlement',
  migrations: settlementMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [FollowTradeLifecycleConsumer, CustodianStatusConsumer, AccountsConsumer, InstrumentsConsumer, PricesConsumer],
      dayHooks: SettlementDayHooks,
      followsCalendars: true,
      controllers: [SettlementQueriesController, FailsController, PenaltiesController],
    }),
});
