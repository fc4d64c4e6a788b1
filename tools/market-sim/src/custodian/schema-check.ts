import { validateAgainst, type SchemaCheck, type SchemaVersion } from '@postera/iso20022';

/**
 * The simulated CSD checks messages as a real one does: against the official schema of their
 * version, a batch at a time — one xmllint run per batch and version, so the cost is a process and
 * a schema load per run (about 35 ms here) plus about 0.25 ms a document (500 advices ≈ 150 ms).
 * `MARKET_SIM_SCHEMA_CHECK=false` skips it (benchmarks).
 */

/** The narrative of a rejection: `AddtlRsnInf` is Max210Text. */
const NARRATIVE_MAX = 210;

/** A narrative cut to what `AddtlRsnInf` holds. */
export const narrative = (text: string): string => (text.length <= NARRATIVE_MAX ? text : `${text.slice(0, NARRATIVE_MAX - 1)}…`);

/** Why a received document is refused: the schema's problems with their lines, as much as the narrative holds. */
export function rejectionNarrative(check: SchemaCheck): string {
  return narrative(`not valid against its schema: ${check.problems.map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message)).join('; ')}`);
}

/** Each received document checked against `version`: null when valid, else the narrative of its rejection. */
export async function checkReceived(enabled: boolean, version: SchemaVersion, documents: readonly string[]): Promise<Array<string | null>> {
  if (!enabled || documents.length === 0) return documents.map(() => null);
  const checks = await validateAgainst(version, documents);
  return checks.map((c) => (c.valid ? null : rejectionNarrative(c)));
}

/** A message the simulator wrote and failed its schema: a bug of ours, so the batch stops (and is retried) rather than send it. */
export class InvalidOutgoingMessage extends Error {
  constructor(version: string, check: SchemaCheck, document: string) {
    super(
      `market-sim wrote a ${version} that is not valid against its schema (a bug, not sent): ${check.problems
        .map((p) => `line ${p.line ?? '?'}: ${p.message}`)
        .join('; ')}\n${document}`,
    );
    this.name = 'InvalidOutgoingMessage';
  }
}

/** Checks every document to be sent, grouped by version (one run each); throws on the first invalid one. */
export async function checkOutgoing(enabled: boolean, documents: ReadonlyArray<{ version: SchemaVersion; xml: string }>): Promise<void> {
  if (!enabled) return;
  const versions = [...new Set(documents.map((d) => d.version))];
  for (const version of versions) {
    const mine = documents.filter((d) => d.version === version).map((d) => d.xml);
    const checks = await validateAgainst(version, mine);
    const bad = checks.findIndex((c) => !c.valid);
    if (bad >= 0) throw new InvalidOutgoingMessage(version, checks[bad]!, mine[bad]!);
  }
}
