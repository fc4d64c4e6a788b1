/**
 * With `BENCH_REPLICAS`, which process of a service owned which partitions of its consumer groups at
 * the end of the run, from the groups' assignment on the broker (describeGroups), each member named
 * by the process it runs in (the group-join probe's record of each member id).
 */

/** A member of a consumer group as the broker describes it, its assignment decoded. */
export interface GroupMember {
  groupId: string;
  memberId: string;
  /** Partitions per topic. */
  assignment: Record<string, number[]>;
}

export interface ProcessShare {
  /** `notification`, `notification#2`; a member no probe named: `unknown`. */
  process: string;
  partitions: number;
  /** Partitions of the service's groups, every process together. */
  ofPartitions: number;
  /** Per group, the partitions this process owned (`topic:0-5`). */
  byGroup: Record<string, string>;
}

/** `0-2,5`: partition numbers as ranges. */
export function ranges(partitions: number[]): string {
  const sorted = [...new Set(partitions)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/**
 * The share of each process of a service in the partitions of the groups any of its processes is a
 * member of. `processOf` names the process of a member id; `service` is the service's own name (its
 * first process), the others `<service>#<n>`.
 */
export function partitionSplit(members: GroupMember[], processOf: ReadonlyMap<string, string>, service: string): ProcessShare[] {
  const isOurs = (p: string | undefined) => p === service || (p?.startsWith(`${service}#`) ?? false);
  const groups = new Set(members.filter((m) => isOurs(processOf.get(m.memberId))).map((m) => m.groupId));
  const shares = new Map<string, ProcessShare>();
  let total = 0;
  for (const m of members) {
    if (!groups.has(m.groupId)) continue;
    const name = processOf.get(m.memberId) ?? 'unknown';
    const share = shares.get(name) ?? { process: name, partitions: 0, ofPartitions: 0, byGroup: {} };
    shares.set(name, share);
    const owned = Object.entries(m.assignment).filter(([, ps]) => ps.length > 0);
    const count = owned.reduce((n, [, ps]) => n + ps.length, 0);
    share.partitions += count;
    total += count;
    if (owned.length > 0) share.byGroup[m.groupId] = owned.map(([topic, ps]) => `${topic}:${ranges(ps)}`).join(' ');
  }
  for (const s of shares.values()) s.ofPartitions = total;
  const order = (p: string) => (p === service ? 1 : p.startsWith(`${service}#`) ? Number(p.slice(service.length + 1)) : Number.MAX_SAFE_INTEGER);
  return [...shares.values()].sort((a, b) => order(a.process) - order(b.process));
}

/**
 * The lines the bench prints for a replicated service: each process's partitions and CPU per trade,
 * then the group-by-group split.
 */
export function formatPartitionSplit(service: string, shares: ProcessShare[], cpuMsPerTrade: Readonly<Record<string, number>>, groupPrefix: string): string[] {
  const total = shares.reduce((n, s) => n + s.partitions, 0);
  const cpuOf = (p: string) => cpuMsPerTrade[p];
  const serviceCpu = shares.reduce((sum, s) => sum + (cpuOf(s.process) ?? 0), 0);
  const lines = [
    `  ${service}: ${shares.length} processes, ${total} partitions of ${new Set(shares.flatMap((s) => Object.keys(s.byGroup))).size} consumer groups at the end of the run; CPU ${serviceCpu.toFixed(2)} ms per trade together`,
  ];
  for (const s of shares) {
    const pct = total > 0 ? Math.round((100 * s.partitions) / total) : 0;
    const cpu = cpuOf(s.process);
    lines.push(
      `    ${s.process.padEnd(16)} ${String(s.partitions).padStart(4)} of ${s.ofPartitions} partitions (${pct} %), ${cpu === undefined ? 'CPU not measured' : `${cpu.toFixed(2)} ms of CPU per trade`}`,
    );
  }
  const groups = [...new Set(shares.flatMap((s) => Object.keys(s.byGroup)))].sort();
  for (const g of groups) {
    const name = g.startsWith(`${groupPrefix}.`) ? g.slice(groupPrefix.length + 1) : g;
    lines.push(`      ${name}: ${shares.map((s) => `${s.process} ${s.byGroup[g] ? stripPrefix(s.byGroup[g], groupPrefix) : '-'}`).join('; ')}`);
  }
  return lines;
}

/** Topic names without the run's prefix, for reading. */
function stripPrefix(text: string, prefix: string): string {
  return text.replaceAll(`${prefix}.`, '');
}
