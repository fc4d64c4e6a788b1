import { EXECUTION_OUTCOMES, type ExecutionOutcome, type ExecutionsReceivedV1 } from '@postera/contracts';

/** The counts of one capture batch (an ExecutionsReceived), one per outcome, every outcome present. */
export type BatchCounts = Record<ExecutionOutcome, number>;

/**
 * What is wrong with an ExecutionsReceived, or null: an outcome reporting does not know, a count that
 * is not a whole number of records, no record at all, or counts that do not add up to its records.
 * Such an event is refused rather than stored, since the report's identity (received = the sum of the
 * outcomes) would no longer hold.
 */
export function executionsReceivedProblem(p: Pick<ExecutionsReceivedV1, 'outcomes' | 'records'>): string | null {
  const outcomes: Record<string, unknown> = p.outcomes ?? {};
  const known = new Set<string>(EXECUTION_OUTCOMES);
  const unknown = Object.keys(outcomes).filter((o) => !known.has(o));
  if (unknown.length > 0) return `unknown outcome ${unknown.join(', ')}`;
  const counts = Object.values(outcomes);
  const whole = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  if (!whole(p.records) || !counts.every(whole)) return 'a count that is not a whole number of records';
  const sum = (counts as number[]).reduce((a, n) => a + n, 0);
  if (p.records < 1) return 'no record';
  if (sum !== p.records) return `outcomes add up to ${sum}, records ${p.records}`;
  return null;
}

/** The batch's count of every outcome, 0 for an outcome no record had. */
export const batchCounts = (p: Pick<ExecutionsReceivedV1, 'outcomes'>): BatchCounts =>
  Object.fromEntries(EXECUTION_OUTCOMES.map((o) => [o, p.outcomes[o] ?? 0])) as BatchCounts;
