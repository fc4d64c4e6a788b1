import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const settlementConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('settlement'),
  HTTP_PORT: z.coerce.number().int().default(3002),
  /** Place of settlement (BIC of the CSD) on every instruction until SSIs are in the referential. */
  DEFAULT_PLACE_OF_SETTLEMENT: z.string().default('SICVFRPPXXX'),
  /** Partial-settlement indicator on gross instructions (sese.023 PrtlSttlmInd); net instructions are always NPAR. */
  PARTIAL_SETTLEMENT_INDICATOR: z.enum(['PART', 'NPAR', 'PARC', 'PARQ']).default('PART'),
  /** The central bank's overnight credit rate, a year, for cash-fail penalties (ECB marginal lending facility) [K]; floored at 0. */
  CSDR_CASH_PENALTY_ANNUAL_RATE: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .default('0.0240'),
  /** Calendar of the business days fails age in and netting closes on. */
  SETTLEMENT_CALENDAR: z.string().default('TARGET'),
});
export type SettlementConfig = z.infer<typeof settlementConfigSchema>;
