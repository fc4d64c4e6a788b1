import { runService, serviceModule } from '@postera/platform';
import { marketSimConfigSchema, type MarketSimConfig } from './config.js';
import { SimulatedCustodian } from './custodian/custodian.js';
import { ScenarioController } from './custodian/scenario.controller.js';
import { marketSimMigrations } from './database/migrations/index.js';

await runService<MarketSimConfig>({
  configSchema: marketSimConfigSchema,
  schema: 'market_sim',
  migrations: marketSimMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [SimulatedCustodian],
      controllers: [ScenarioController],
      dayHooks: SimulatedCustodian,
    }),
});
