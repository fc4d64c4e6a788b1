import { runService, serviceModule } from '@postera/platform';
import { accountingConfigSchema, type AccountingConfig } from './config.js';
import { accountingMigrations } from './database/migrations/index.js';
import { ClosePeriodController } from './exports/commands/close-period/close-period.controller.js';
import { RefdataNamesConsumer } from './exports/commands/refdata-names.consumer.js';
import { LedgerController } from './exports/queries/ledger.controller.js';
import { EcbUploadController } from './fx/commands/store-rates/ecb-upload.controller.js';
import { FxRatesConsumer } from './fx/commands/store-rates/fx-rates.consumer.js';
import { TtfAccrualConsumer } from './journal/commands/accrue-ttf/ttf-accrual.consumer.js';
import { AccountingDayHooks } from './journal/commands/close-day/accounting-day.hooks.js';
import { AccountsRefConsumer } from './journal/commands/follow-accounts/accounts-ref.consumer.js';
import { SettlementEventsPostingConsumer } from './journal/commands/post-settlement-events/settlement-events-posting.consumer.js';
import { TradeEventsPostingConsumer } from './journal/commands/post-trade-events/trade-events-posting.consumer.js';
import { JournalQueriesController } from './journal/queries/journal-queries.controller.js';
import { BookRecognitionController } from './ledger/commands/set-recognition/book-recognition.controller.js';
import { PeriodsController } from './periods/queries/periods.controller.js';
import { CustodianStatementsConsumer } from './reconciliation/commands/reconcile-statement/custodian-statements.consumer.js';
import { StatementUploadController } from './reconciliation/commands/reconcile-statement/statement-upload.controller.js';
import { DeskPnlController } from './reconciliation/commands/record-desk-pnl/desk-pnl.controller.js';
import { PnlRunController } from './reconciliation/commands/reconcile-pnl/pnl-run.controller.js';
import { BreakWorkController } from './reconciliation/commands/work-break/break-work.controller.js';
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
      followsCalendars: true,
      controllers: [
        JournalQueriesController,
        LedgerController,
        BookRecognitionController,
        EcbUploadController,
        ReconciliationController,
        StatementUploadController,
        DeskPnlController,
        PnlRunController,
        BreakWorkController,
        ClosePeriodController,
        PeriodsController,
      ],
    }),
});
