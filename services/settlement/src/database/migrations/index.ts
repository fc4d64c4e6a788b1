import { SettlementInitial1764190100000 } from './1764190100000-settlement-initial.js';

export const settlementMigrations = [SettlementInitial1764190100000];
