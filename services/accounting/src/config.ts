import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const accountingConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('accounting'),
  HTTP_PORT: z.coerce.number().int().default(3003),
});
export type AccountingConfig = z.infer<typeof accountingConfigSchema>;
