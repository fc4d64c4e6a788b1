import { SettlementInitial1764190100000 } from './1764190100000-settlement-initial.js';
import { SettlementTradeLifecycle1795734000000 } from './1795734000000-settlement-trade-lifecycle.js';

export const settlementMigrations = [SettlementInitial1764190100000, SettlementTradeLifecycle1795734000000];
