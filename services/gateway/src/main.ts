import { runService, serviceModule } from '@postera/platform';
import { BusinessDayController } from './business-day/business-day.controller.js';
import { gatewayConfigSchema, type GatewayConfig } from './config.js';
import { gatewayMigrations } from './database/migrations/index.js';
import { CaptureWorkController } from './operations/capture-work.controller.js';
import { OperationsController } from './operations/operations.controller.js';

await runService<GatewayConfig>({
  configSchema: gatewayConfigSchema,
  schema: 'gateway',
  migrations: gatewayMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [],
      controllers: [BusinessDayController, OperationsController, CaptureWorkController],
    }),
});
