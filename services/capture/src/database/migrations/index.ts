import { fourEyesApprovalsMigration, inboxReceivedIndexMigration, outboxParkedMigration, publicationOrderMigration } from '@postera/platform';
import { CaptureInitial1764190000000 } from './1764190000000-capture-initial.js';
import { CaptureReferential1764300000000 } from './1764300000000-capture-referential.js';
import { CaptureTradeLifecycle1764300001000 } from './1764300001000-capture-trade-lifecycle.js';
import { CaptureAccountNaturalPersons1796510000000 } from './1796510000000-capture-account-natural-persons.js';
import { CaptureCheckers1796710000000 } from './1796710000000-capture-checkers.js';
import { CaptureReceiptsEveryRecord1796900000000 } from './1796900000000-capture-receipts-every-record.js';
import { CaptureAccountNoticeDelivery1797400000000 } from './1797400000000-capture-account-notice-delivery.js';

export const captureMigrations = [
  CaptureInitial1764190000000,
  CaptureReferential1764300000000,
  CaptureTradeLifecycle1764300001000,
  outboxParkedMigration('capture'),
  inboxReceivedIndexMigration('capture'),
  CaptureAccountNaturalPersons1796510000000,
  fourEyesApprovalsMigration('capture'),
  CaptureCheckers1796710000000,
  CaptureReceiptsEveryRecord1796900000000,
  publicationOrderMigration('capture'),
  CaptureAccountNoticeDelivery1797400000000,
];
