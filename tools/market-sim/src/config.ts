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

/**
 * A scenario rule: which instructions it applies to (ISIN, account, counterparty — all given must
 * match — and/or a seeded share of instructions), and what happens to them. A rule is about the
 * matching (UNMATCHED, LATE_MATCH) or about the settlement (FAIL, PARTIAL); for each of the two the
 * first rule that applies wins, so one instruction may be matched late and then fail. An instruction
 * no rule applies to matches at once and settles on its date.
 * - UNMATCHED: NMAT with `reason` (CMIS, DMON, DDAT, DEPT, DELN, DDEA) for `days` closes (forever when absent), then MACH.
 * - LATE_MATCH: NMAT with `reason` (CMIS when absent), then MACH at the close of the `days`-th business day
 *   after its intended date (1 when absent): matched `days` business days late, each one a late-matching
 *   penalty day for the parties; it settles (or fails, by the settlement rules) from that close on.
 * - FAIL: PEND with `reason` (LACK, CLAC, MONY, CMON) on `days` due days (forever when absent), then settles.
 * - PARTIAL: settles part of the remainder on each of `days` due days (2 when absent), the rest pending with
 *   `reason`, then the remainder — when the instruction's partial-settlement indicator allows it; otherwise it fails those days.
 */
/** The reasons a rule may give, as sese.024 codes them: an unmatched reason (UnmatchedReason11Code) or a failing one (FailingReason4Code). */
const UNMATCHED_REASONS = ['CMIS', 'DMON', 'DDAT', 'DEPT', 'DELN', 'DDEA'] as const;
const FAILING_REASONS = ['LACK', 'CLAC', 'MONY', 'CMON'] as const;

export const scenarioRuleSchema = z
  .object({
    isin: z.string().optional(),
    account: z.string().optional(),
    counterparty: z.string().optional(),
    share: z.number().min(0).max(1).optional(),
    outcome: z.enum(['UNMATCHED', 'LATE_MATCH', 'FAIL', 'PARTIAL']),
    reason: z.enum([...UNMATCHED_REASONS, ...FAILING_REASONS]).optional(),
    days: z.number().int().min(0).max(1000).optional(),
  })
  // An unmatched reason on a fail (or the reverse) would be written where the schema refuses it.
  .refine(
    (r) =>
      r.reason === undefined ||
      (isMatchingOutcome(r.outcome) ? (UNMATCHED_REASONS as readonly string[]) : (FAILING_REASONS as readonly string[])).includes(r.reason),
    { message: 'reason: UNMATCHED and LATE_MATCH take CMIS, DMON, DDAT, DEPT, DELN or DDEA; FAIL and PARTIAL take LACK, CLAC, MONY or CMON' },
  )
  // Matched late means at least one business day after the intended date.
  .refine((r) => r.outcome !== 'LATE_MATCH' || r.days === undefined || r.days >= 1, { message: 'days: LATE_MATCH takes 1 or more business days' });
export type ScenarioRule = z.infer<typeof scenarioRuleSchema>;

/** The outcomes about the matching; the others (FAIL, PARTIAL) are about the settlement. */
export function isMatchingOutcome(outcome: 'UNMATCHED' | 'LATE_MATCH' | 'FAIL' | 'PARTIAL'): outcome is 'UNMATCHED' | 'LATE_MATCH' {
  return outcome === 'UNMATCHED' || outcome === 'LATE_MATCH';
}

export const SCENARIO_RULES_MAX = 100;

const rules = z
  .string()
  .default('[]')
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'MARKET_SIM_RULES: not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(scenarioRuleSchema).max(SCENARIO_RULES_MAX));

/** ISIN=price or ISIN=price:PERCENT, comma-separated: the base closing prices of the simulated market. */
const prices = z
  .string()
  .default('')
  .transform((s) =>
    Object.fromEntries(
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => {
          const [isin = '', rest = ''] = x.split('=');
          const [price = '', type = 'UNIT'] = rest.split(':');
          return [isin, { price, priceType: type === 'PERCENT' ? ('PERCENT' as const) : ('UNIT' as const) }];
        }),
    ),
  );

export const marketSimScenarioSchema = z.object({
  MARKET_SIM_RULES: rules,
  MARKET_SIM_PRICES: prices,
  /** Daily move of the closing price around its base: price × (1 + v × (2·draw − 1)); 0 keeps every day at the base. */
  MARKET_SIM_PRICE_VOLATILITY: z.coerce.number().min(0).max(0.5).default(0.02),
  /** PARQ: a partial settlement happens only if it settles at least this quantity. */
  MARKET_SIM_PARQ_MIN_QUANTITY: z.string().default('1'),
  /** PARC: a partial settlement happens only if it settles at least this cash. */
  MARKET_SIM_PARC_MIN_AMOUNT: z.string().default('0.01'),
});

/** Scenario rules: which instructions the simulated CSD leaves unmatched or fails, deterministic for a seed. */
export const marketSimConfigSchema = baseConfigSchema
  .extend({
    SERVICE_NAME: z.string().default('market-sim'),
    HTTP_PORT: z.coerce.number().int().default(3006),
    MARKET_SIM_FAIL_ISINS: list,
    MARKET_SIM_FAIL_REASON: z.enum(['LACK', 'CLAC', 'MONY', 'CMON']).default('LACK'),
    /** Share of matched instructions that fail on a given day, drawn from a hash of seed, instruction and date. */
    MARKET_SIM_FAIL_RATE: z.coerce.number().min(0).max(1).default(0),
    MARKET_SIM_SEED: z.string().default('postera'),
    MARKET_SIM_UNMATCHED_ISINS: list,
    /**
     * Every sese.023 received and every sese.024/025 sent is validated against its official schema
     * (one xmllint run per batch and message version): an invalid instruction is rejected (REJT),
     * an invalid message of ours stops the batch. `false` skips the check (benchmarks).
     */
    MARKET_SIM_SCHEMA_CHECK: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
  })
  .extend(marketSimScenarioSchema.shape);
export type MarketSimConfig = z.infer<typeof marketSimConfigSchema>;
