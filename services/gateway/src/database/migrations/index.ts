import { GatewayInitial1764190600000 } from './1764190600000-gateway-initial.js';

export const gatewayMigrations = [GatewayInitial1764190600000];
