import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const captureConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('capture'),
  HTTP_PORT: z.coerce.number().int().default(3001),
});
export type CaptureConfig = z.infer<typeof captureConfigSchema>;
