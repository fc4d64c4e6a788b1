import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Person } from '@postera/platform';
import { kafkaConnectionEnv, serviceKafkaConnection } from '@postera/testing';
import { GatewayKey, LocalIssuer, PEOPLE, type OperatorRole } from './auth.js';
import { getJson } from './http.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export type ServiceName = 'capture' | 'settlement' | 'accounting' | 'reporting' | 'notification' | 'gateway' | 'market-sim';

/** Every process of the stack, with its entry point and its port relative to the stack's base port. */
export const SERVICES: Record<ServiceName, { main: string; portOffset: number }> = {
  gateway: { main: 'services/gateway/dist/main.js', portOffset: 0 },
  capture: { main: 'services/capture/dist/main.js', portOffset: 1 },
  settlement: { main: 'services/settlement/dist/main.js', portOffset: 2 },
  accounting: { main: 'services/accounting/dist/main.js', portOffset: 3 },
  reporting: { main: 'services/reporting/dist/main.js', portOffset: 4 },
  notification: { main: 'services/notification/dist/main.js', portOffset: 5 },
  'market-sim': { main: 'tools/market-sim/dist/main.js', portOffset: 6 },
};
export const ALL_SERVICES = Object.keys(SERVICES) as ServiceName[];

/**
 * The demo company's settings that a service requires and has no default for (a real deployment
 * sets its own). Accounting: the SIREN naming the FEC — 123456782, fictitious but passing the Luhn
 * check the service applies — and a calendar fiscal year. A run's serviceEnv overrides them.
 */
export const DEMO_SERVICE_ENV: Partial<Record<ServiceName, Record<string, string>>> = {
  accounting: { FEC_SIREN: '123456782', FISCAL_YEAR_END: '12-31' },
};

export interface StackOptions {
  databaseUrl: string;
  kafkaBrokers: string;
  topicPrefix: string;
  groupPrefix: string;
  basePort: number;
  logDir: string;
  smtpUrl: string;
  services?: ServiceName[];
  /** Extra environment for all, or per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Extra Node.js flags per service (e.g. --cpu-prof, which NODE_OPTIONS does not allow). */
  nodeArgs?: Partial<Record<ServiceName, string[]>>;
  logLevel?: string;
  /**
   * Where the devstack's own calls get their operators' tokens when the gateway trusts another issuer
   * (an OpenID provider: the main job's); the stack's LocalIssuer otherwise.
   */
  operatorToken?: (roles: OperatorRole[], sub: string) => Promise<string>;
}

export interface RunningService {
  name: ServiceName;
  url: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts services as real processes (the built dist), logs to files, and stops them. */
export class Stack {
  readonly running = new Map<ServiceName, RunningService>();
  /** Further processes of a service (`notification#2`…): the same consumer groups and database, their own HTTP port. */
  readonly replicas = new Map<string, RunningService>();

  /** The stack's own token issuer: the gateway trusts its keys; the devstack signs in with it. */
  readonly issuer = new LocalIssuer();

  constructor(readonly o: StackOptions) {
    mkdirSync(o.logDir, { recursive: true });
  }

  /** The gateway's key for signing its calls to the services; the services trust only it. */
  readonly gatewayKey = new GatewayKey();

  /** The key notification encrypts webhook secrets with, made for this stack (a Kubernetes Secret in production). */
  readonly webhookSecretsKey = randomBytes(32).toString('base64');

  /** notification's default webhook signing secret, made for this stack (a Kubernetes Secret in production). */
  readonly webhookSecret = randomBytes(32).toString('base64');

  /** The gateway's audit MAC key, made for this stack (a Kubernetes Secret in production). */
  readonly auditMacKey = randomBytes(32).toString('base64');

  /** Authorization headers of a person with roles, for the gateway. */
  async auth(roles: OperatorRole[] = ['supervisor'], sub = 'devstack'): Promise<Record<string, string>> {
    const token = this.o.operatorToken ? await this.o.operatorToken(roles, sub) : await this.issuer.token(sub, roles);
    return { authorization: `Bearer ${token}` };
  }

  /**
   * Authorization headers for a call straight to a service of this stack (`url` on its port), signed
   * with the gateway's key for `who` — and for a change a second person approved, `fourEyes` names
   * the maker (`who` is the checker). What the gateway does for an operator, a test does here.
   */
  as(who: Person, method: string, url: string, fourEyes?: { proposal?: string; maker: Person }): Promise<Record<string, string>> {
    const port = Number(new URL(url).port);
    const offset = (port - this.o.basePort) % 10;
    const name = (Object.keys(SERVICES) as ServiceName[]).find((n) => SERVICES[n].portOffset === offset);
    if (!name) throw new Error(`${url} is no service of this stack`);
    return this.gatewayKey.headers(name, method, url, who, fourEyes);
  }

  /** A JSON read straight from a service of this stack, signed for `who` (an auditor unless named). */
  async read<T = unknown>(url: string, who: Person = PEOPLE.auditor): Promise<T> {
    return getJson<T>(url, await this.as(who, 'GET', url));
  }

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.o.basePort + SERVICES[name].portOffset}`;
  }

  env(name: ServiceName, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const urls = Object.fromEntries(
      (['capture', 'settlement', 'accounting', 'reporting', 'notification', 'market-sim'] as const).map((s) => [
        `${s.toUpperCase().replace('-', '_')}_URL`,
        this.url(s),
      ]),
    );
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      DATABASE_URL: this.o.databaseUrl,
      // Each service as its own principal (its SCRAM user), so the broker's ACLs hold it to its topics.
      ...kafkaConnectionEnv(serviceKafkaConnection(name)),
      KAFKA_BROKERS: this.o.kafkaBrokers,
      TOPIC_PREFIX: this.o.topicPrefix,
      CONSUMER_GROUP_PREFIX: this.o.groupPrefix,
      HTTP_PORT: String(this.o.basePort + SERVICES[name].portOffset),
      LOG_LEVEL: this.o.logLevel ?? 'info',
      SMTP_URL: this.o.smtpUrl,
      AUTH_JWKS_JSON: this.issuer.jwksJson,
      ...(name === 'gateway' ? { SERVICE_TOKEN_KEYS: this.gatewayKey.privateJwkJson } : { SERVICE_AUTH_JWKS_JSON: this.gatewayKey.jwksJson }),
      ...(name === 'notification'
        ? { WEBHOOK_SECRETS_KEY: this.webhookSecretsKey, WEBHOOK_SECRET: this.webhookSecret, WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' }
        : {}),
      ...(name === 'gateway' ? { AUDIT_MAC_KEY: this.auditMacKey, AUDIT_ANCHOR_FILE: join(this.o.logDir, 'audit-anchors', 'gateway.jsonl') } : {}),
      ...urls,
      ...(DEMO_SERVICE_ENV[name] ?? {}),
      ...(this.o.env ?? {}),
      ...(this.o.serviceEnv?.[name] ?? {}),
      ...extra,
    };
  }

  start(name: ServiceName, extraEnv: Record<string, string> = {}): RunningService {
    const svc = this.spawnService(name, `${name}.log`, this.url(name), this.env(name, extraEnv));
    this.running.set(name, svc);
    return svc;
  }

  /** One process of a service, its stdout and stderr in logDir/<logName>. */
  private spawnService(name: ServiceName, logName: string, url: string, env: NodeJS.ProcessEnv): RunningService {
    const log = createWriteStream(join(this.o.logDir, logName), { flags: 'a' });
    const args = [...(this.o.nodeArgs?.[name] ?? []), join(REPO_ROOT, SERVICES[name].main)];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Two streams into one file: neither may end it while the other still writes.
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.on('close', () => log.end());
    const exited = new Promise<number | null>((res) => child.on('exit', (code, signal) => res(code ?? (signal ? -1 : null))));
    return { name, url, process: child, exited };
  }

  /**
   * Starts replica `index` (2, 3…) of a service, as an SRE scales a Deployment: it joins the
   * service's consumer groups (the partitions are shared out) and claims work with SKIP LOCKED
   * beside the first process. Its HTTP port is past the stack's: base + 10 + 10 × (index − 2) + offset.
   */
  async startReplica(name: ServiceName, index: number): Promise<RunningService> {
    const id = `${name}#${index}`;
    const port = this.o.basePort + 10 + 10 * (index - 2) + SERVICES[name].portOffset;
    const svc = this.spawnService(name, `${name}-${index}.log`, `http://127.0.0.1:${port}`, this.env(name, { HTTP_PORT: String(port) }));
    const child = svc.process;
    this.replicas.set(id, svc);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${id} exited with ${child.exitCode} before it was healthy`);
      const ok = await fetch(`${svc.url}/health`, { signal: AbortSignal.timeout(3000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return svc;
      if (Date.now() > deadline) throw new Error(`${id} not healthy after 90 s`);
      await sleep(250);
    }
  }

  /** Starts every service and waits for each to be healthy; `progress` hears how many are up. */
  async startAll(progress: (detail: string) => void = () => undefined): Promise<void> {
    const names = this.o.services ?? ALL_SERVICES;
    const taken = (await Promise.all(names.map(async (n) => ((await portInUse(this.o.basePort + SERVICES[n].portOffset)) ? n : null)))).filter(Boolean);
    if (taken.length > 0) {
      throw new Error(
        `ports taken for ${taken.map((n) => `${n} (${this.url(n!)})`).join(', ')}: is another Postera running? Stop it, or set POSTERA_BASE_PORT`,
      );
    }
    for (const n of names) this.start(n);
    const healthy: string[] = [];
    progress(`0/${names.length} healthy`);
    await Promise.all(
      names.map(async (n) => {
        await this.waitHealthy(n);
        healthy.push(n);
        progress(
          `${healthy.length}/${names.length} healthy (${names.filter((m) => !healthy.includes(m)).join(', ') || 'all up'}${healthy.length < names.length ? ' starting' : ''})`,
        );
      }),
    );
  }

  /** Waits until /health answers 200 (Postgres and Kafka up, migrations applied, consumers started). */
  async waitHealthy(name: ServiceName, timeoutMs = 90_000): Promise<void> {
    const svc = this.running.get(name);
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void svc?.exited.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode} before it was healthy: see ${join(this.o.logDir, `${name}.log`)}`);
      try {
        const res = await fetch(`${this.url(name)}/health`, { signal: AbortSignal.timeout(3000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`${name} not healthy after ${timeoutMs} ms: see ${join(this.o.logDir, `${name}.log`)}`);
  }

  /** SIGKILL: no cleanup, no graceful shutdown — the crash the guarantees are for. */
  async kill(name: ServiceName): Promise<void> {
    const svc = this.running.get(name);
    if (!svc) return;
    svc.process.kill('SIGKILL');
    await svc.exited;
    this.running.delete(name);
  }

  async stop(name: ServiceName, timeoutMs = 20_000): Promise<void> {
    const svc = this.running.get(name);
    if (!svc) return;
    svc.process.kill('SIGTERM');
    const t = setTimeout(() => svc.process.kill('SIGKILL'), timeoutMs);
    await svc.exited;
    clearTimeout(t);
    this.running.delete(name);
  }

  async stopAll(): Promise<void> {
    const replicas = [...this.replicas.values()].map(async (svc) => {
      svc.process.kill('SIGTERM');
      const t = setTimeout(() => svc.process.kill('SIGKILL'), 20_000);
      await svc.exited;
      clearTimeout(t);
    });
    await Promise.all([...[...this.running.keys()].map((n) => this.stop(n)), ...replicas]);
    this.replicas.clear();
  }
}
