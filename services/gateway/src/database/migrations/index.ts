import { inboxReceivedIndexMigration, outboxParkedMigration, publicationOrderMigration } from '@postera/platform';
import { GatewayInitial1764190600000 } from './1764190600000-gateway-initial.js';
import { GatewayAuditProposals1764400000000 } from './1764400000000-gateway-audit-proposals.js';
import { GatewayDlqReplays1764400001000 } from './1764400001000-gateway-dlq-replays.js';
import { GatewayProposalWithdrawal1796700100000 } from './1796700100000-gateway-proposal-withdrawal.js';
import { GatewayAuditKeyedChain1796900000000 } from './1796900000000-gateway-audit-keyed-chain.js';
import { GatewayCalendars1797200000000 } from './1797200000000-gateway-calendars.js';

export const gatewayMigrations = [
  GatewayInitial1764190600000,
  GatewayAuditProposals1764400000000,
  GatewayDlqReplays1764400001000,
  outboxParkedMigration('gateway'),
  inboxReceivedIndexMigration('gateway'),
  GatewayProposalWithdrawal1796700100000,
  GatewayAuditKeyedChain1796900000000,
  GatewayCalendars1797200000000,
  publicationOrderMigration('gateway'),
];
