import { fourEyesApprovalsMigration, inboxReceivedIndexMigration, outboxParkedMigration, publicationOrderMigration } from '@postera/platform';
import { ReportingInitial1764190300000 } from './1764190300000-reporting-initial.js';
import { ReportingTradeLifecycle1795734400000 } from './1795734400000-reporting-trade-lifecycle.js';
import { ReportingDeclarations1796000000000 } from './1796000000000-reporting-declarations.js';
import { ReportingClientNaturalPersons1796050000000 } from './1796050000000-reporting-client-natural-persons.js';
import { ReportingActivityHistory1796950000000 } from './1796950000000-reporting-activity-history.js';
import { ReportingRunChanges1796960000000 } from './1796960000000-reporting-run-changes.js';
import { ReportingActivityNotifications1797000000000 } from './1797000000000-reporting-activity-notifications.js';
import { ReportingActivityFxResults1797000001000 } from './1797000001000-reporting-activity-fx-results.js';
import { ReportingActivityIntakeBreaksDeadLetters1797000002000 } from './1797000002000-reporting-activity-intake-breaks-dead-letters.js';
import { ReportingCalendars1797200000000 } from './1797200000000-reporting-calendars.js';
import { ReportingOneTradeLifecycleConsumer1797400000000 } from './1797400000000-reporting-one-trade-lifecycle-consumer.js';
import { ReportingTradesValidationDropped1797800000000 } from './1797800000000-reporting-trades-validation-dropped.js';

export const reportingMigrations = [
  ReportingInitial1764190300000,
  ReportingTradeLifecycle1795734400000,
  ReportingDeclarations1796000000000,
  ReportingClientNaturalPersons1796050000000,
  ReportingActivityHistory1796950000000,
  ReportingRunChanges1796960000000,
  ReportingActivityNotifications1797000000000,
  ReportingActivityFxResults1797000001000,
  ReportingActivityIntakeBreaksDeadLetters1797000002000,
  outboxParkedMigration('reporting'),
  inboxReceivedIndexMigration('reporting'),
  fourEyesApprovalsMigration('reporting'),
  ReportingCalendars1797200000000,
  publicationOrderMigration('reporting'),
  ReportingOneTradeLifecycleConsumer1797400000000,
  ReportingTradesValidationDropped1797800000000,
];
