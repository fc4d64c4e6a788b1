import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** Scenario rules: which instructions the simulated CSD leaves unmatched or fails, deterministic for a seed. */
export const marketSimConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('market-sim'),
  HTTP_PORT: z.coerce.number().int().default(3006),
  MARKET_SIM_FAIL_ISINS: list,
  MARKET_SIM_FAIL_REASON: z.enum(['LACK', 'CLAC', 'MONY', 'CMON']).default('LACK'),
  /** Share of matched instructions that fail on a given day, drawn from a hash of seed, instruction and date. */
  MARKET_SIM_FAIL_RATE: z.coerce.number().min(0).max(1).default(0),
  MARKET_SIM_SEED: z.string().default('postera'),
  MARKET_SIM_UNMATCHED_ISINS: list,
});
export type MarketSimConfig = z.infer<typeof marketSimConfigSchema>;
