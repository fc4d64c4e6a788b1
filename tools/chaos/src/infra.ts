/**
 * The chaos run's own infrastructure: a Kafka broker (deploy/local/kafka.sh on other ports, its home
 * under .local/chaos, the shared jars) and a throwaway PostgreSQL cluster (initdb into .local/chaos,
 * its own port). The shared broker (9092) and database (5432) are never touched: other people's
 * tests run on them while this one restarts its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@postera/devstack';
import pg from 'pg';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PG_BIN = process.env.CHAOS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PG_USER = 'postgres';

export interface InfraOptions {
  /** Everything of this run lives here (broker home, cluster, logs); deleted by `destroy()`. */
  home: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  pgPort: number;
}

export function defaultInfraOptions(runId: string, o: Partial<InfraOptions> = {}): InfraOptions {
  return {
    home: o.home ?? join(REPO_ROOT, '.local/chaos', runId),
    kafkaPort: o.kafkaPort ?? Number(process.env.CHAOS_KAFKA_PORT ?? 19092),
    kafkaControllerPort: o.kafkaControllerPort ?? Number(process.env.CHAOS_KAFKA_CONTROLLER_PORT ?? 19093),
    pgPort: o.pgPort ?? Number(process.env.CHAOS_PG_PORT ?? 15432),
  };
}

/** The run's own broker and database, started, killed and restarted on demand. */
export class ChaosInfra {
  readonly kafkaHome: string;
  readonly pgHome: string;
  readonly pgData: string;

  constructor(readonly o: InfraOptions) {
    this.kafkaHome = join(o.home, 'kafka');
    // The cluster runs as the postgres user, who may not be able to enter the checkout (a clone in a
    // private 0700 directory, as CI's may be): it lives in a directory of its own under /tmp.
    this.pgHome = mkdtempSync('/tmp/postera-chaos-pg-');
    this.pgData = join(this.pgHome, 'data');
  }

  get brokers(): string {
    return `127.0.0.1:${this.o.kafkaPort}`;
  }

  databaseUrl(name: string): string {
    return `postgres://postgres@127.0.0.1:${this.o.pgPort}/${name}`;
  }

  // --- Kafka ------------------------------------------------------------------------------------

  private kafkaEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_LOCAL_HOME: this.kafkaHome,
      KAFKA_LOCAL_PORT: String(this.o.kafkaPort),
      KAFKA_LOCAL_CONTROLLER_PORT: String(this.o.kafkaControllerPort),
      KAFKA_LOCAL_TOPICS: '0',
      KAFKA_START_TIMEOUT: '120',
    };
    delete env.KAFKA_BROKERS; // with it set, kafka.sh starts nothing
    return env;
  }

  private async kafkaSh(command: 'start' | 'stop'): Promise<void> {
    mkdirSync(this.kafkaHome, { recursive: true });
    await run('bash', [join(REPO_ROOT, 'deploy/local/kafka.sh'), command], { env: this.kafkaEnv(), maxBuffer: 1 << 20 });
  }

  /** Starts the broker on its data dir (formatted on the first start) and waits until it answers. */
  async startKafka(): Promise<void> {
    await this.kafkaSh('start');
  }

  kafkaPid(): number | null {
    const file = join(this.kafkaHome, 'kafka.pid');
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  /** SIGKILL of the broker JVM: no controlled shutdown, the log recovered at the next start. */
  async killKafka(): Promise<void> {
    const pid = this.kafkaPid();
    if (pid === null) return;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && this.alive(pid); i++) await sleep(100);
  }

  async restartKafka(downMs: number): Promise<void> {
    await this.killKafka();
    await sleep(downMs);
    await this.startKafka();
  }

  async stopKafka(): Promise<void> {
    await this.kafkaSh('stop').catch(() => this.killKafka());
  }

  // --- Postgres ---------------------------------------------------------------------------------

  private pgCtl(args: string[]): Promise<unknown> {
    return run('runuser', ['-u', PG_USER, '--', join(PG_BIN, 'pg_ctl'), '-D', this.pgData, ...args], { maxBuffer: 1 << 20, cwd: this.pgHome });
  }

  private pgOptions(): string[] {
    // fsync and synchronous_commit stay at their defaults (on): an immediate restart must lose nothing committed.
    return ['-o', `-p ${this.o.pgPort} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200`, '-l', join(this.pgHome, 'postgres.log')];
  }

  /** initdb (first time) and start; trust authentication on loopback only. */
  async startPostgres(): Promise<void> {
    if (!existsSync(join(this.pgData, 'PG_VERSION'))) {
      mkdirSync(this.pgHome, { recursive: true });
      await run('chown', ['-R', PG_USER, this.pgHome]);
      await run('runuser', ['-u', PG_USER, '--', join(PG_BIN, 'initdb'), '-D', this.pgData, '-A', 'trust', '-U', PG_USER, '--no-sync'], {
        maxBuffer: 1 << 20,
        cwd: this.pgHome,
      });
    }
    await this.pgCtl(['-w', '-t', '60', ...this.pgOptions(), 'start']);
  }

  /** `pg_ctl -m immediate restart`: every backend dropped, WAL replayed at start. */
  async restartPostgresImmediate(): Promise<void> {
    await this.pgCtl(['-w', '-t', '60', '-m', 'immediate', ...this.pgOptions(), 'restart']);
  }

  async stopPostgres(): Promise<void> {
    if (!existsSync(join(this.pgData, 'postmaster.pid'))) return;
    await this.pgCtl(['-w', '-t', '60', '-m', 'fast', 'stop']).catch(() => this.pgCtl(['-w', '-m', 'immediate', 'stop']));
  }

  async createDatabase(name: string): Promise<string> {
    const c = new pg.Client({ connectionString: this.databaseUrl('postgres') });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.query(`CREATE DATABASE ${name}`);
    } finally {
      await c.end();
    }
    return this.databaseUrl(name);
  }

  // --- both -------------------------------------------------------------------------------------

  /** Both at once; when one fails, the other is still awaited, so that destroy() finds it started and stops it (no broker left behind). */
  async start(): Promise<void> {
    const [postgres, kafka] = await Promise.allSettled([this.startPostgres(), this.startKafka()]);
    for (const r of [postgres, kafka]) if (r.status === 'rejected') throw r.reason;
  }

  /** Stops both and deletes the run's home (broker data, cluster). Never throws. */
  async destroy(o: { keep?: boolean } = {}): Promise<void> {
    await Promise.allSettled([this.stopKafka(), this.stopPostgres()]);
    if (!o.keep) {
      rmSync(this.o.home, { recursive: true, force: true });
      rmSync(this.pgHome, { recursive: true, force: true });
    }
  }

  private alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
