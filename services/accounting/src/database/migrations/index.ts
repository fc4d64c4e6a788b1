import { fourEyesApprovalsMigration, inboxReceivedIndexMigration, outboxParkedMigration, publicationOrderMigration } from '@postera/platform';
import { AccountingInitial1764190200000 } from './1764190200000-accounting-initial.js';
import { AccountingAccruedInterest1795734100000 } from './1795734100000-accounting-accrued-interest.js';
import { AccountingTradeLifecycle1795734200000 } from './1795734200000-accounting-trade-lifecycle.js';
import { AccountingLedgerData1796000000000 } from './1796000000000-accounting-ledger-data.js';
import { AccountingBalanceCheckPerStatement1796000100000 } from './1796000100000-accounting-balance-check-per-statement.js';
import { AccountingBalanceCheckByIndex1796000200000 } from './1796000200000-accounting-balance-check-by-index.js';
import { AccountingPositionHistory1796000300000 } from './1796000300000-accounting-position-history.js';
import { AccountingFxHistory1796100100000 } from './1796100100000-accounting-fx-history.js';
import { AccountingFecNamesAndResult1796200000000 } from './1796200000000-accounting-fec-names-and-result.js';
import { AccountingPeriodClosings1796800000000 } from './1796800000000-accounting-period-closings.js';
import { AccountingBreaksClosedByRuns1796900000000 } from './1796900000000-accounting-breaks-closed-by-runs.js';
import { AccountingTrialBalanceFormat1797000000000 } from './1797000000000-accounting-trial-balance-format.js';
import { AccountingDayCosting1797100000000 } from './1797100000000-accounting-day-costing.js';
import { AccountingCalendars1797200000000 } from './1797200000000-accounting-calendars.js';

export const accountingMigrations = [
  AccountingInitial1764190200000,
  AccountingAccruedInterest1795734100000,
  AccountingTradeLifecycle1795734200000,
  AccountingLedgerData1796000000000,
  AccountingBalanceCheckPerStatement1796000100000,
  AccountingBalanceCheckByIndex1796000200000,
  AccountingPositionHistory1796000300000,
  outboxParkedMigration('accounting'),
  AccountingFxHistory1796100100000,
  inboxReceivedIndexMigration('accounting'),
  AccountingFecNamesAndResult1796200000000,
  fourEyesApprovalsMigration('accounting'),
  AccountingPeriodClosings1796800000000,
  AccountingBreaksClosedByRuns1796900000000,
  AccountingTrialBalanceFormat1797000000000,
  AccountingDayCosting1797100000000,
  AccountingCalendars1797200000000,
  publicationOrderMigration('accounting'),
];
