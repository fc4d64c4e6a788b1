import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const accountingConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('accounting'),
  HTTP_PORT: z.coerce.number().int().default(3003),
  /**
   * Messages per transaction: every write of a batch is one set-based statement, so larger
   * batches cost little more than small ones (bench:accounting, README): 2,000 by default here
   * (the platform's 500 gives about three quarters of the rate).
   */
  BATCH_SIZE_MAX: z.coerce.number().int().min(1).max(5000).default(2000),
  /** The database role every posting transaction writes through (SET LOCAL ROLE); empty: the login role. */
  JOURNAL_WRITER_ROLE: z
    .string()
    .regex(/^[a-z0-9_]*$/)
    .default('accounting_service'),
  /** Tolerance of the accounting vs desk P&L reconciliation, absolute, in the P&L's currency. */
  PNL_TOLERANCE: z
    .string()
    .regex(/^\d{1,12}(\.\d{1,6})?$/)
    .default('1.00'),
  /** SIREN of the company, for the FEC file name (<SIREN>FEC<YYYYMMDD>.txt). */
  FEC_SIREN: z
    .string()
    .regex(/^\d{9}$/)
    .default('000000000'),
});
export type AccountingConfig = z.infer<typeof accountingConfigSchema>;
