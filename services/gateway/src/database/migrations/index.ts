import { GatewayInitial1764190600000 } from './1764190600000-gateway-initial.js';
import { GatewayAuditProposals1764400000000 } from './1764400000000-gateway-audit-proposals.js';

export const gatewayMigrations = [GatewayInitial1764190600000, GatewayAuditProposals1764400000000];
