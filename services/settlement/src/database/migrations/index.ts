import { fourEyesApprovalsMigration, inboxReceivedIndexMigration, outboxParkedMigration, publicationOrderMigration } from '@postera/platform';
import { SettlementInitial1764190100000 } from './1764190100000-settlement-initial.js';
import { SettlementTradeLifecycle1795734000000 } from './1795734000000-settlement-trade-lifecycle.js';
import { SettlementNettingPenalties1796000100000 } from './1796000100000-settlement-netting-penalties.js';
import { SettlementPenaltyWaivers1796000200000 } from './1796000200000-settlement-penalty-waivers.js';
import { SettlementCheckers1796710000000 } from './1796710000000-settlement-checkers.js';
import { SettlementDayMarks1797100000000 } from './1797100000000-settlement-day-marks.js';
import { SettlementCalendars1797200000000 } from './1797200000000-settlement-calendars.js';

export const settlementMigrations = [
  SettlementInitial1764190100000,
  SettlementTradeLifecycle1795734000000,
  SettlementNettingPenalties1796000100000,
  SettlementPenaltyWaivers1796000200000,
  outboxParkedMigration('settlement'),
  inboxReceivedIndexMigration('settlement'),
  fourEyesApprovalsMigration('settlement'),
  SettlementCheckers1796710000000,
  SettlementDayMarks1797100000000,
  SettlementCalendars1797200000000,
  publicationOrderMigration('settlement'),
];
