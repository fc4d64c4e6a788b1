import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, fields 14 and 15, in clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds so far of each process of the infrastructure, by pid: the broker (the kafka.Kafka JVM) and every Postgres process. */
function infraProcesses(): Map<number, { which: 'kafka' | 'postgres'; cpu: number }> {
  const m = new Map<number, { which: 'kafka' | 'postgres'; cpu: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const which = readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('kafka.Kafka')
        ? 'kafka'
        : readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')
          ? 'postgres'
          : null;
      if (which) m.set(Number(d), { which, cpu: processCpuSeconds(Number(d)) });
    } catch {
      // the process ended meanwhile
    }
  }
  return m;
}

/** CPU seconds so far of the broker and of the Postgres processes alive now, for the share of the infrastructure. */
export function infraCpuSeconds(): { kafka: number; postgres: number } {
  const totals = { kafka: 0, postgres: 0 };
  for (const { which, cpu } of infraProcesses().values()) totals[which] += cpu;
  return totals;
}

/**
 * The service a connection works for, from the application name the platform gives it: the
 * service's pool (`notification`), its outbox relay and listener (`market_sim-outbox-relay`), its
 * wake-up listener (`notification-wake-ups`).
 */
export function serviceOfApplication(applicationName: string): string {
  return applicationName.replace(/-(outbox-relay|outbox-listener|wake-ups)$/, '').replaceAll('_', '-');
}

/**
 * Postgres's CPU during a run, per service whose connections it served. A backend's CPU is readable
 * only while it lives, and a backend can end before the run does (a pool's idle connection closed,
 * a relay reconnecting): each sample keeps every backend's last reading, so one that ended counts
 * up to its last sample. The other processes of the cluster (checkpointer, WAL writer, autovacuum)
 * are `background`; the bench's own connections (its polls) `bench` and other databases' clients
 * `other`, both left out of the stack's share.
 */
export class PostgresCpu {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly owner = new Map<number, string>();

  constructor(
    private readonly db: pg.Pool,
    private readonly benchApplications: ReadonlySet<string>,
  ) {}

  /** The run starts: what each process has used so far is not the run's. */
  async begin(): Promise<void> {
    await this.sample();
    for (const [pid, cpu] of this.last) this.start.set(pid, cpu);
  }

  async sample(): Promise<void> {
    const { rows } = await this.db.query<{ pid: number; application_name: string; backend_type: string; ours: boolean }>(
      `SELECT pid, application_name, backend_type, datname IS NOT DISTINCT FROM current_database() AS ours FROM pg_stat_activity`,
    );
    for (const r of rows) this.owner.set(r.pid, this.ownerOf(r));
    for (const [pid, p] of infraProcesses()) if (p.which === 'postgres') this.last.set(pid, p.cpu);
  }

  private ownerOf(r: { application_name: string; backend_type: string; ours: boolean }): string {
    if (r.backend_type !== 'client backend') return 'background';
    // Another database's client (an operator's psql): not the run's.
    if (!r.ours) return 'other';
    return this.benchApplications.has(r.application_name) ? 'bench' : serviceOfApplication(r.application_name);
  }

  /** CPU seconds since begin() per owner (a service, `background` or `bench`). */
  byOwner(): Map<string, number> {
    const totals = new Map<string, number>();
    for (const [pid, cpu] of this.last) {
      const owner = this.owner.get(pid) ?? 'background';
      totals.set(owner, (totals.get(owner) ?? 0) + cpu - (this.start.get(pid) ?? 0));
    }
    return totals;
  }
}
