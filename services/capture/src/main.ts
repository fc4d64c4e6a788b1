import { runService, serviceModule } from '@postera/platform';
import { captureConfigSchema, type CaptureConfig } from './config.js';
import { captureMigrations } from './database/migrations/index.js';
import { ExceptionsController } from './exceptions/exceptions.controller.js';
import { ReferentialController } from './referential/referential.controller.js';
import { ReferentialFileLoader } from './referential/referential-file.loader.js';
import { ReferentialImportService } from './referential/referential-import.service.js';
import { TradeExecutedConsumer } from './trades/commands/capture-trade/trade-executed.consumer.js';
import { UnconfirmedAtCloseHooks } from './trades/commands/close-day/unconfirmed-at-close.hooks.js';
import { ConfirmationReceivedConsumer } from './trades/commands/match-confirmation/confirmation-received.consumer.js';
import { SettlementEventsConsumer } from './trades/commands/mirror-settlement/settlement-events.consumer.js';
import { TradeLifecycle } from './trades/trade-lifecycle.js';
import { CaptureSummaryController, TradesController } from './trades/trades.controller.js';

await runService<CaptureConfig>({
  configSchema: captureConfigSchema,
  schema: 'capture',
  migrations: captureMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [TradeExecutedConsumer, ConfirmationReceivedConsumer, SettlementEventsConsumer],
      dayHooks: UnconfirmedAtCloseHooks,
      controllers: [ReferentialController, TradesController, CaptureSummaryController, ExceptionsController],
      providers: [TradeLifecycle, ReferentialImportService, ReferentialFileLoader],
    }),
});
