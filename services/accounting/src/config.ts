import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';
import { isSiren, isYearEnd } from './periods/domain/fiscal-year.js';

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
  /**
   * The company's SIREN, which names the FEC (<SIREN>FEC<closing date>.txt): 9 digits passing the
   * Luhn check. No default: a tax file under a made-up SIREN is worse than no file (see below).
   */
  FEC_SIREN: z.string().refine(isSiren, "FEC_SIREN: the company's SIREN, 9 digits passing the Luhn check").optional(),
  /**
   * Closing day of the fiscal year, MM-DD (12-31 for a calendar year): the FEC covers one fiscal
   * year, is named after its closing date, and opens with the à-nouveaux of its first day.
   */
  FISCAL_YEAR_END: z.string().refine(isYearEnd, 'FISCAL_YEAR_END: the closing day of the fiscal year, MM-DD (02-29 refused)').optional(),
})
  // The company's identity is required to run the service: it refuses to start without it, every
  // problem named, in production as anywhere (the devstack and the tests set a demo company of
  // their own, tools/devstack DEMO_SERVICE_ENV). `main.js migrate` alone does without: a schema
  // change exports nothing, and the migration jobs run with the database settings only.
  .superRefine((c, ctx) => {
    if (process.argv[2] === 'migrate') return;
    for (const k of ['FEC_SIREN', 'FISCAL_YEAR_END'] as const)
      if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required (the company's FEC settings; no default)` });
  });
/** The settings as the service runs with them: the FEC ones are there (refused at boot otherwise). */
export type AccountingConfig = z.infer<typeof accountingConfigSchema> & { FEC_SIREN: string; FISCAL_YEAR_END: string };
