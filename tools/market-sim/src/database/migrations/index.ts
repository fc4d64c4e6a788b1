import { MarketSimInitial1764190500000 } from './1764190500000-market-sim-initial.js';

export const marketSimMigrations = [MarketSimInitial1764190500000];
