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

export const reportingConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('reporting'),
  HTTP_PORT: z.coerce.number().int().default(3004),
  /** The investment firm: executing and submitting entity of MiFIR reports (ISO 17442 LEI). */
  FIRM_LEI: z.string().default('969500POSTERAFR00003'),
  FIRM_NAME: z.string().default('Postera'),
  /** Country of the branch (MiFIR) and of residence (Banque de France: counterparties elsewhere are non-residents). */
  FIRM_COUNTRY: z.string().length(2).default('FR'),
  /** MiFIR transaction references are <prefix><trade date yyyymmdd><8-digit sequence>. */
  MIFIR_REFERENCE_PREFIX: z
    .string()
    .regex(/^[A-Z0-9]{1,20}$/)
    .default('PST'),
  /** The firm's affiliate code at Euroclear France, on every TTF declaration line. */
  TTF_MEMBER_CODE: z.string().default('POSTERA01'),
  /** TTF exemptions switched on (comma-separated): MARKET_MAKING, LIQUIDITY_CONTRACT, PRIMARY_MARKET, INTRAGROUP, REPO_LENDING. */
  TTF_EXEMPTIONS: z.string().default('MARKET_MAKING,LIQUIDITY_CONTRACT,PRIMARY_MARKET,INTRAGROUP,REPO_LENDING'),
  TTF_MARKET_MAKING_BOOKS: list,
  TTF_LIQUIDITY_CONTRACT_BOOKS: list,
  TTF_PRIMARY_MARKET_SOURCES: list,
  TTF_INTRAGROUP_LEIS: list,
  TTF_REPO_LENDING_BOOKS: list,
  TTF_REPO_LENDING_SOURCES: list,
  /** The declarant's identifier at the Banque de France (OneGate). */
  BDF_DECLARANT_ID: z.string().default('POSTERA'),
  /** A JSON file overriding any part of the Banque de France XML layout (src/declarations/domain/bdf.ts, BDF_LAYOUT). */
  BDF_LAYOUT_FILE: z.string().optional(),
});
export type ReportingConfig = z.infer<typeof reportingConfigSchema>;
