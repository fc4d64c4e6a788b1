import { runService, serviceModule } from '@postera/platform';
import { captureConfigSchema, type CaptureConfig } from './config.js';
import { captureMigrations } from './database/migrations/index.js';
import { ReferentialController } from './referential/referential.controller.js';
import { TradeExecutedConsumer } from './trades/commands/capture-trade/trade-executed.consumer.js';
import { CaptureQueriesController } from './trades/queries/capture-queries.controller.js';

await runService<CaptureConfig>({
  configSchema: captureConfigSchema,
  schema: 'capture',
  migrations: captureMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [TradeExecutedConsumer],
      controllers: [ReferentialController, CaptureQueriesController],
    }),
});
