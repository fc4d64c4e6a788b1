import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const reportingConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('reporting'),
  HTTP_PORT: z.coerce.number().int().default(3004),
});
export type ReportingConfig = z.infer<typeof reportingConfigSchema>;
