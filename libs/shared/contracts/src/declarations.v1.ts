import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { count, isoDate, type Same } from './wire-schemas.js';

/**
 * reporting.events.v1 — the reports and declarations reporting files. The TTF payable
 * for accounting (`TtfAssessed`) is in reporting.v1.ts; this file has the rest.
 */

/** What reporting files: the Trésor public TTF, the two Banque de France reports, MiFIR transaction reports, the activity report. */
export const REPORT_KINDS = ['TTF', 'BDF_BOP', 'BDF_HOLDINGS', 'MIFIR', 'ACTIVITY'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * A report run was filed: it is immutable from then on. A correction is a new run of the same kind
 * and period with `version` + 1 and `replaces` naming the run it supersedes. Key: `<kind>:<periodStart>`.
 */
export interface ReportFiledV1 {
  runId: string;
  kind: ReportKind;
  /** ISO dates, inclusive: a month for TTF and Banque de France, one business date for MiFIR and activity. */
  periodStart: string;
  periodEnd: string;
  version: number;
  /** The runId this version corrects, or null for the first one. */
  replaces: string | null;
  /** The range of the inputs the run read (settlement dates, trade dates…), as ISO dates, inclusive. */
  inputsFrom: string;
  inputsTo: string;
  /** SHA-256 (hex) of the run's manifest: one `<name> <sha256 of the file>` line per file, sorted by name. */
  checksumSha256: string;
  files: Array<{ name: string; mediaType: string; sha256: string; bytes: number }>;
  /** The operator who filed the run (from the gateway-signed token), or `system` for the runs made at a close. */
  filedBy: string;
  filedAt: string;
}
export const ReportFiledV1Schema = z.object({
  runId: z.string(),
  kind: z.enum(REPORT_KINDS),
  periodStart: isoDate,
  periodEnd: isoDate,
  version: count,
  replaces: z.string().nullable(),
  inputsFrom: isoDate,
  inputsTo: isoDate,
  checksumSha256: z.string(),
  files: z.array(z.object({ name: z.string(), mediaType: z.string(), sha256: z.string(), bytes: count })),
  filedBy: z.string(),
  filedAt: z.string(),
});
const _reportFiled: Same<ReportFiledV1, z.infer<typeof ReportFiledV1Schema>> = true;
export type ReportFiledEvent = EventEnvelope<ReportFiledV1, 'ReportFiled'>;
