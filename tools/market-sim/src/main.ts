import { runService, serviceModule } from '@postera/platform';
import { marketSimConfigSchema, type MarketSimConfig } from './config.js';
import { SimulatedCustodian } from './custodian/custodian.js';
import { marketSimMigrations } from './database/migrations/index.js';

await runService<MarketSimConfig>({
  configSchema: marketSimConfigSchema,
  schema: 'market_sim',
  migrations: marketSimMigrations,
  module: (config, log) =>
    serviceModule({
      config,
      log,
      schema: 'market_sim',
      migrations: marketSimMigrations,
      handlers: [SimulatedCustodian],
      dayHooks: SimulatedCustodian,
    }),
});
