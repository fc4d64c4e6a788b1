import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const captureConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('capture'),
  HTTP_PORT: z.coerce.number().int().default(3001),
  /** A referential file (JSON, the shape of POST /referential/import) imported at boot; unchanged rows change nothing. */
  REFERENTIAL_FILE: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
  /** Confirmation matching (DOMAIN.md §1): absolute tolerance on the price, in price units (per share, or points of nominal for bonds). */
  CONFIRMATION_PRICE_TOLERANCE: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .default('0.0001'),
  /** Absolute tolerance on the settlement amount, in the trade currency. */
  CONFIRMATION_AMOUNT_TOLERANCE: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .default('1.00'),
});
export type CaptureConfig = z.infer<typeof captureConfigSchema>;
