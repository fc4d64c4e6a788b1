import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const settlementConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('settlement'),
  HTTP_PORT: z.coerce.number().int().default(3002),
  /** Place of settlement (BIC of the CSD) on every instruction until SSIs are in the referential. */
  DEFAULT_PLACE_OF_SETTLEMENT: z.string().default('SICVFRPPXXX'),
});
export type SettlementConfig = z.infer<typeof settlementConfigSchema>;
