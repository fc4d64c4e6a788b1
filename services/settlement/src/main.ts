import { runService, serviceModule } from '@postera/platform';
import { settlementConfigSchema, type SettlementConfig } from './config.js';
import { settlementMigrations } from './database/migrations/index.js';
import { CustodianStatusConsumer } from './instructions/commands/custodian-status.consumer.js';
import { InstructTradeConsumer } from './instructions/commands/instruct-trade.consumer.js';
import { SettlementQueriesController } from './instructions/queries/settlement-queries.controller.js';

await runService<SettlementConfig>({
  configSchema: settlementConfigSchema,
  schema: 'settlement',
  migrations: settlementMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [InstructTradeConsumer, CustodianStatusConsumer],
      controllers: [SettlementQueriesController],
    }),
});
