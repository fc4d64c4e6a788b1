import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * `--cpus=N` of the bench: the whole stack — the services, the bench itself (the load generator and
 * the SMTP and webhook sinks), the broker and Postgres — on the first N cores of the machine, so that
 * a figure says how many cores it was measured on. `--cpus=1,2`: a run on each, compared.
 */

/** A command line the bench cannot run: the message says what is wrong. */
export class CpusOptionError extends Error {}

/**
 * The core counts asked for by `--cpus` (absent: null, nothing pinned): whole numbers from 1 to the
 * machine's cores, comma-separated, each once, in increasing order as given.
 */
export function parseCpusOption(value: string | undefined, machineCores: number): number[] | null {
  if (value === undefined) return null;
  const parts = value.split(',');
  const counts: number[] = [];
  for (const part of parts) {
    if (!/^[1-9]\d*$/.test(part)) throw new CpusOptionError(`--cpus=${value}: core counts such as 1 or 1,2 expected`);
    const n = Number(part);
    if (n > machineCores) throw new CpusOptionError(`--cpus=${value}: this machine has ${machineCores} cores`);
    if (counts.includes(n)) throw new CpusOptionError(`--cpus=${value}: ${n} given twice`);
    counts.push(n);
  }
  return counts.sort((a, b) => a - b);
}

/** The first `count` cores in taskset's list form: `0`, `0-1`, `0-3`. */
export function firstCores(count: number): string {
  return count === 1 ? '0' : `0-${count - 1}`;
}

/** The cores of a list as the kernel writes it (`0-2,5`), one by one. */
export function parseCpuList(list: string): number[] {
  const cores: number[] = [];
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    for (let c = from; c <= (to ?? from); c++) cores.push(c);
  }
  return cores;
}

const sameCores = (a: string, b: string) => parseCpuList(a).join(',') === parseCpuList(b).join(',');

/** One run of a `--cpus=1,2` comparison. */
export interface ScalingRun {
  cpus: number;
  tradesPerSecond: number;
  /** CPU milliseconds per trade of every process of the stack together (services, broker, Postgres). */
  cpuMsPerTrade: number;
}

export interface ScalingComparison {
  cpus: number;
  /** Against the run on the fewest cores: throughput ÷ its throughput (linear scaling: cpus ÷ its cpus). */
  throughputRatio: number;
  /** CPU per trade ÷ its CPU per trade (1: more cores cost nothing more per trade). */
  cpuPerTradeRatio: number;
}

/** Each run against the run on the fewest cores, with the lines the bench prints. */
export function scalingSummary(runs: ScalingRun[]): { comparisons: ScalingComparison[]; lines: string[] } {
  const sorted = [...runs].sort((a, b) => a.cpus - b.cpus);
  const base = sorted[0];
  if (!base) return { comparisons: [], lines: [] };
  const lines = sorted.map(
    (r) =>
      `  ${`${r.cpus} core${r.cpus > 1 ? 's' : ''}`.padEnd(8)} ${String(r.tradesPerSecond).padStart(6)} trades/s, ${r.cpuMsPerTrade.toFixed(2)} ms of CPU per trade`,
  );
  const comparisons = sorted.slice(1).map((r) => ({
    cpus: r.cpus,
    throughputRatio: Number((r.tradesPerSecond / base.tradesPerSecond).toFixed(2)),
    cpuPerTradeRatio: Number((r.cpuMsPerTrade / base.cpuMsPerTrade).toFixed(2)),
  }));
  for (const c of comparisons) {
    lines.push(
      `  ${c.cpus} vs ${base.cpus}: ${c.throughputRatio}× the throughput (${(c.cpus / base.cpus).toFixed(0)}× would be linear), ${c.cpuPerTradeRatio}× the CPU per trade (1× would cost nothing more)`,
    );
  }
  return { comparisons, lines };
}

/** The cores a process's main thread may run on (`0-1`), from /proc. */
export function affinityOf(pid: number | 'self', task?: number): string {
  const status = readFileSync(task === undefined ? `/proc/${pid}/status` : `/proc/${pid}/task/${task}/status`, 'utf8');
  return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? '';
}

/** Sets the cores of every thread of a process (taskset -a); the error taskset gave, or null. */
export function setAffinity(pid: number, cores: string): string | null {
  try {
    execFileSync('taskset', ['-a', '-pc', cores, String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
    return null;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr || (e as Error).message;
  }
}

/** Threads of a process not on `cores` (it ended: none). */
export function threadsOff(pid: number, cores: string): { threads: number; off: number } {
  let threads = 0;
  let off = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        threads++;
        if (!sameCores(affinityOf(pid, Number(t)), cores)) off++;
      } catch {
        // the thread ended
      }
    }
  } catch {
    // the process ended
  }
  return { threads, off };
}

/** Whether this process already runs on exactly these cores. */
export function runsOn(cores: string): boolean {
  return sameCores(affinityOf('self'), cores);
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The pids of the broker (the kafka.Kafka JVM) and of every Postgres process, the postmaster first. */
export function infraPids(): { kafka: number[]; postgres: number[]; postmaster: number | null } {
  const kafka: number[] = [];
  const postgres: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('kafka.Kafka')) kafka.push(Number(d));
      else if (readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')) postgres.push(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  const all = new Set(postgres);
  // The postmaster is the Postgres process whose parent is not one.
  const postmaster = postgres.find((p) => {
    try {
      return !all.has(parentOf(p));
    } catch {
      return false;
    }
  });
  return { kafka, postgres, postmaster: postmaster ?? null };
}

/** Other runs of the bench on this machine (this one's parent, which started it pinned, apart). */
export function otherBenches(): number[] {
  const mine = new Set([process.pid, process.ppid]);
  const found: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || mine.has(Number(d))) continue;
    try {
      if (/devstack\/dist\/bench\.js/.test(readFileSync(`/proc/${d}/cmdline`, 'utf8'))) found.push(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/**
 * The broker and the Postgres cluster are not the bench's children: they run before it, for every
 * user of the machine. `pin` moves every thread of the broker and every Postgres process (the
 * postmaster included, so the backends it forks for the stack start on the same cores) to the cores;
 * `restore` gives them back the cores they had, every Postgres process forked meanwhile included.
 * Whatever could not be moved is said, not hidden.
 */
export class InfraPinning {
  private kafkaBefore = new Map<number, string>();
  private postgresBefore: string | null = null;
  readonly pinned: string[] = [];
  readonly notPinned: Array<{ what: string; why: string }> = [];

  constructor(readonly cores: string) {}

  pin(): void {
    const { kafka, postgres, postmaster } = infraPids();
    if (kafka.length === 0) this.notPinned.push({ what: 'kafka broker', why: 'no kafka.Kafka process on this machine (a remote broker?)' });
    for (const pid of kafka) {
      const before = affinityOf(pid);
      const error = setAffinity(pid, this.cores);
      if (error) this.notPinned.push({ what: `kafka broker (pid ${pid})`, why: error });
      else {
        this.kafkaBefore.set(pid, before);
        this.pinned.push(`kafka broker (pid ${pid}, every thread)`);
      }
    }
    if (postmaster === null) {
      this.notPinned.push({ what: 'postgres', why: 'no Postgres process on this machine (a remote server?)' });
      return;
    }
    this.postgresBefore = affinityOf(postmaster);
    const errors = new Map<string, number>();
    let moved = 0;
    // The postmaster first: what it forks from now on inherits the cores.
    for (const pid of [postmaster, ...postgres.filter((p) => p !== postmaster)]) {
      const error = setAffinity(pid, this.cores);
      // A backend that ended meanwhile is no failure.
      if (error && existsProcess(pid)) errors.set(error, (errors.get(error) ?? 0) + 1);
      else if (!error) moved++;
    }
    if (moved > 0) this.pinned.push(`postgres (postmaster ${postmaster} and ${moved - 1} processes; the backends it forks inherit)`);
    for (const [why, n] of errors) this.notPinned.push({ what: `postgres (${n} processes)`, why });
  }

  /** The cores the broker and Postgres had before, back; the errors, if any. */
  restore(): string[] {
    const errors: string[] = [];
    for (const [pid, before] of this.kafkaBefore) {
      const error = setAffinity(pid, before);
      if (error && existsProcess(pid)) errors.push(`kafka broker (pid ${pid}): ${error}`);
    }
    this.kafkaBefore.clear();
    if (this.postgresBefore !== null) {
      const { postgres, postmaster } = infraPids();
      for (const pid of [...(postmaster ? [postmaster] : []), ...postgres.filter((p) => p !== postmaster)]) {
        const error = setAffinity(pid, this.postgresBefore);
        if (error && existsProcess(pid)) errors.push(`postgres (pid ${pid}): ${error}`);
      }
      this.postgresBefore = null;
    }
    return errors;
  }
}

function existsProcess(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/**
 * What ran where at the end of a run: for each group of processes (a service, the broker,
 * Postgres, the bench), how many processes and threads, and how many threads were on other cores.
 */
export function affinityCheck(
  groups: Array<{ what: string; pids: number[] }>,
  cores: string,
): Array<{ what: string; processes: number; threads: number; off: number }> {
  return groups.map(({ what, pids }) => {
    let threads = 0;
    let off = 0;
    for (const pid of pids) {
      const t = threadsOff(pid, cores);
      threads += t.threads;
      off += t.off;
    }
    return { what, processes: pids.length, threads, off };
  });
}
