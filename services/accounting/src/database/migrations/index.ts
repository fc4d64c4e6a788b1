import { AccountingInitial1764190200000 } from './1764190200000-accounting-initial.js';

export const accountingMigrations = [AccountingInitial1764190200000];
