import { inboxReceivedIndexMigration, outboxParkedMigration, publicationOrderMigration } from '@postera/platform';
import { MarketSimInitial1764190500000 } from './1764190500000-market-sim-initial.js';
import { MarketSimCancellations1795734300000 } from './1795734300000-market-sim-cancellations.js';
import { MarketSimPartialStatements1796000000000 } from './1796000000000-market-sim-partial-statements.js';
import { MarketSimScenario1796970000000 } from './1796970000000-market-sim-scenario.js';

export const marketSimMigrations = [
  MarketSimInitial1764190500000,
  MarketSimCancellations1795734300000,
  MarketSimPartialStatements1796000000000,
  outboxParkedMigration('market_sim'),
  inboxReceivedIndexMigration('market_sim'),
  MarketSimScenario1796970000000,
  publicationOrderMigration('market_sim'),
];
