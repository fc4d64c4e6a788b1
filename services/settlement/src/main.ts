import { runService, serviceModule } from '@postera/platform';
import { settlementConfigSchema, type SettlementConfig } from './config.js';
import { settlementMigrations } from './database/migrations/index.js';
import { CustodianStatusConsumer } from './instructions/commands/custodian-status.consumer.js';
import { FollowTradeLifecycleConsumer } from './instructions/commands/follow-trade-lifecycle.consumer.js';
import { SettlementQueriesController } from './instructions/queries/settlement-queries.controller.js';

await runService<SettlementConfig>({
  configSchema: settlementConfigSchema,
  schema: 'settlement',
  migrations: settlementMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [FollowTradeLifecycleConsumer, CustodianStatusConsumer],
      controllers: [SettlementQueriesController],
    }),
});
