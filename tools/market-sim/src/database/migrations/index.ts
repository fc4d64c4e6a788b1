import { MarketSimInitial1764190500000 } from './1764190500000-market-sim-initial.js';
import { MarketSimCancellations1795734300000 } from './1795734300000-market-sim-cancellations.js';

export const marketSimMigrations = [MarketSimInitial1764190500000, MarketSimCancellations1795734300000];
