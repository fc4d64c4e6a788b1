import { runService, serviceModule } from '@postera/platform';
import { accountingConfigSchema, type AccountingConfig } from './config.js';
import { accountingMigrations } from './database/migrations/index.js';
import { RefdataNamesConsumer } from './exports/commands/refdata-names.consumer.js';
import { LedgerController } from './exports/queries/ledger.controller.js';
import { FxRatesConsumer } from './fx/commands/fx.service.js';
import {
  AccountingDayHooks,
  AccountsRefConsumer,
  SettlementEventsPostingConsumer,
  TradeEventsPostingConsumer,
  TtfAccrualConsumer,
} from './journal/commands/post-events.consumers.js';
import { JournalQueriesController } from './journal/queries/journal-queries.controller.js';
import { ClosePeriodController } from './periods/commands/close-period/close-period.controller.js';
import { PeriodsController } from './periods/queries/periods.controller.js';
import { CustodianStatementsConsumer } from './reconciliation/commands/reconciliation.service.js';
import { ReconciliationController } from './reconciliation/queries/reconciliation.controller.js';

await runService<AccountingConfig>({
  configSchema: accountingConfigSchema,
  schema: 'accounting',
  migrations: accountingMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [
        TradeEventsPostingConsumer,
        SettlementEventsPostingConsumer,
        TtfAccrualConsumer,
        AccountsRefConsumer,
        FxRatesConsumer,
        CustodianStatementsConsumer,
        RefdataNamesConsumer,
      ],
      dayHooks: AccountingDayHooks,
      controllers: [JournalQueriesController, LedgerController, ReconciliationController, ClosePeriodController, PeriodsController],
    }),
});
