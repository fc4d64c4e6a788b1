import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Secret } from 'kubernetes-models/v1/Secret';
import { podTemplate, renderKustomization, type K8sObject } from './kustomize.js';
import { allUnits, root, services } from './sources.js';
import { isSiren, isYearEnd } from '../../services/accounting/src/periods/domain/fiscal-year.js';

/**
 * Where Postera's secrets come from: never from a manifest. In every rendered manifest (deploy/k8s
 * builds, the migration Jobs, the roles Job) and in compose, a variable named like a secret comes
 * from a Secret (or, in compose, from a variable without a default), no value holds a URL with a
 * password, every Secret referenced is one deploy/README.md documents, with the keys it documents;
 * then the wiring of the service tokens, the webhook key and SMTP; then deploy/secrets/dev-secrets.mjs.
 */
const SECRET_NAME = /PASSWORD|SECRET|KEY|TOKEN|CREDENTIAL/i;
/** scheme://user:password@ — a password written in a URL. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^@\s]+)@/gi;

const k8s = (p: string) => join(root, 'deploy/k8s', p);
const builds: Record<string, K8sObject[]> = {
  base: renderKustomization(k8s('base')),
  'overlays/production': renderKustomization(k8s('overlays/production')),
  'overlays/dev': renderKustomization(k8s('overlays/dev')),
  migrations: renderKustomization(k8s('migrations')),
  'overlays/dev/migrations': renderKustomization(k8s('overlays/dev/migrations')),
  'deploy/postgres': renderKustomization(join(root, 'deploy/postgres')),
};

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
};
type Container = { name: string; env?: EnvVar[]; envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }> };
const containersOf = (o: K8sObject): Container[] => {
  const spec = podTemplate(o)?.spec as { containers?: Container[]; initContainers?: Container[] } | undefined;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
};
const workloads = (objs: K8sObject[]) => objs.filter((o) => podTemplate(o));

/** Every string in an object, with where it is. */
function* strings(v: unknown, at: string): Generator<[string, string]> {
  if (typeof v === 'string') yield [at, v];
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* strings(x, `${at}[${i}]`);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) yield* strings(x, `${at}.${k}`);
}

/** The Secrets table of deploy/README.md: name (a pattern for `<service>`) → the keys it lists. */
const readme = readFileSync(join(root, 'deploy/README.md'), 'utf8');
const documented = [...readme.matchAll(/^\| `(postera-[a-z<>-]+)`[^|]*\| ([^|]+) \|/gm)].map((m) => ({
  name: m[1]!,
  pattern: new RegExp(`^${m[1]!.replace(/<[a-z]+>/g, '[a-z-]+')}$`),
  keys: [...m[2]!.matchAll(/`([A-Z][A-Z0-9_]*(?:<[A-Z]+>)?)`/g)].map((k) => new RegExp(`^${k[1]!.replace(/<[A-Z]+>/g, '[A-Z_]+')}$`)),
}));
const documentedSecret = (name: string) => documented.find((d) => d.pattern.test(name));

/** A container's environment as the pod would see it: ConfigMaps resolved, Secrets named. */
function environment(objs: K8sObject[], c: Container): Map<string, { value?: string; secret?: string; key?: string }> {
  const env = new Map<string, { value?: string; secret?: string; key?: string }>();
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef!.name) as
        (K8sObject & { data: Record<string, string> }) | undefined;
      if (!cm) throw new Error(`ConfigMap ${from.configMapRef.name} is not in the build`);
      for (const [k, v] of Object.entries(cm.data)) env.set(k, { value: v });
    }
  }
  for (const e of c.env ?? [])
    env.set(e.name, e.valueFrom?.secretKeyRef ? { secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key } : { value: e.value });
  return env;
}

describe('the Secrets documented in deploy/README.md', () => {
  it('list the database, the Kafka principal, the gateway key, the delivery and the roles Job Secrets', () => {
    expect(documented.map((d) => d.name)).toEqual([
      'postera-<service>-db',
      'postera-<service>-db-owner',
      'postera-<service>-kafka',
      'postera-gateway-service-token',
      'postera-gateway-audit',
      'postera-notification-delivery',
      'postera-db-admin',
      'postera-db-passwords',
    ]);
    expect(documented.every((d) => d.keys.length > 0)).toBe(true);
  });
});

describe.each(Object.keys(builds))('%s: no secret in the manifests', (build) => {
  const objs = builds[build]!;

  it('an env variable named like a secret comes from a Secret; no env value is a URL with a password', () => {
    const bad: string[] = [];
    for (const o of workloads(objs))
      for (const c of containersOf(o))
        for (const e of c.env ?? []) {
          const where = `${o.metadata.name}/${c.name} ${e.name}`;
          if (SECRET_NAME.test(e.name) && !e.valueFrom?.secretKeyRef) bad.push(`${where}: not from a Secret`);
          if (e.valueFrom?.configMapKeyRef && SECRET_NAME.test(e.name)) bad.push(`${where}: from a ConfigMap`);
          if (e.value && [...e.value.matchAll(URL_WITH_PASSWORD)].length) bad.push(`${where}: a URL with a password`);
        }
    expect(bad).toEqual([]);
  });

  it('no ConfigMap entry is named like a secret; no string anywhere holds a URL with a password', () => {
    const bad: string[] = [];
    for (const o of objs) {
      if (o.kind === 'Secret') bad.push(`Secret ${o.metadata.name}: a Secret in the repository`);
      if (o.kind === 'ConfigMap')
        for (const k of Object.keys((o as { data?: object }).data ?? {})) if (SECRET_NAME.test(k)) bad.push(`ConfigMap ${o.metadata.name}: ${k}`);
      for (const [at, v] of strings(o, `${o.kind} ${o.metadata.name}`)) if ([...v.matchAll(URL_WITH_PASSWORD)].length) bad.push(`${at}: a URL with a password`);
    }
    expect(bad).toEqual([]);
  });

  it('every Secret referenced, and every key asked for, is documented', () => {
    const bad: string[] = [];
    for (const o of workloads(objs))
      for (const c of containersOf(o)) {
        for (const f of c.envFrom ?? []) if (f.secretRef && !documentedSecret(f.secretRef.name)) bad.push(`${o.metadata.name}: Secret ${f.secretRef.name}`);
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const d = documentedSecret(ref.name);
          if (!d) bad.push(`${o.metadata.name}: Secret ${ref.name}`);
          else if (!d.keys.some((k) => k.test(ref.key))) bad.push(`${o.metadata.name}: key ${ref.key} of ${ref.name}`);
        }
      }
    expect(bad).toEqual([]);
  });
});

describe.each(['base', 'overlays/production', 'overlays/dev'])('deploy/k8s/%s: service tokens, keys and credentials', (build) => {
  const objs = builds[build]!;
  const container = (name: string) => containersOf(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === `postera-${name}`)!)[0]!;
  const gatewaySvc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'postera-gateway') as K8sObject & {
    spec: { ports: Array<{ port: number }> };
  };

  it("the gateway signs with SERVICE_TOKEN_KEYS from its Secret; it is given no service's JWKS", () => {
    const env = environment(objs, container('gateway'));
    expect(env.get('SERVICE_TOKEN_KEYS')).toEqual({ secret: 'postera-gateway-service-token', key: 'SERVICE_TOKEN_KEYS' });
    expect(env.has('SERVICE_AUTH_JWKS_URL')).toBe(false);
  });

  it.each(services.filter((s) => s.name !== 'gateway').map((s) => [s.name]))(
    "%s verifies against the gateway's JWKS, at its Service's name and port",
    (name) => {
      const env = environment(objs, container(name));
      expect(env.get('SERVICE_AUTH_JWKS_URL')).toEqual({ value: `http://${gatewaySvc.metadata.name}:${gatewaySvc.spec.ports[0]!.port}/.well-known/jwks.json` });
      expect(env.get('SERVICE_AUTH_ISSUER') ?? { value: 'postera-gateway' }).toEqual({ value: 'postera-gateway' });
      expect(env.has('SERVICE_TOKEN_KEYS')).toBe(false);
    },
  );

  it.each(services.map((s) => [s.name]))('%s is its own Kafka principal: username and password from its own Secret, SCRAM over TLS', (name) => {
    const env = environment(objs, container(name));
    for (const k of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']) expect([k, env.get(k)]).toEqual([k, { secret: `postera-${name}-kafka`, key: k }]);
    expect(env.get('KAFKA_SASL_MECHANISM')).toEqual({ value: 'scram-sha-512' });
    expect(env.get('KAFKA_TLS')).toEqual({ value: 'true' });
  });

  it('notification reads SMTP_URL and WEBHOOK_SECRETS_KEY (and its webhook secret) from its delivery Secret', () => {
    const env = environment(objs, container('notification'));
    for (const k of ['SMTP_URL', 'WEBHOOK_SECRETS_KEY', 'WEBHOOK_SECRET'])
      expect([k, env.get(k)]).toEqual([k, { secret: 'postera-notification-delivery', key: k }]);
    const optional = container('notification')
      .env!.filter((e) => e.valueFrom?.secretKeyRef?.optional)
      .map((e) => e.name);
    expect(optional).toEqual(['WEBHOOK_SECRETS']);
  });

  it('accounting gets its company (FEC_SIREN, FISCAL_YEAR_END) from a ConfigMap: a valid demo company in dev, none made up elsewhere', () => {
    const env = environment(objs, container('accounting'));
    const siren = env.get('FEC_SIREN')?.value;
    const yearEnd = env.get('FISCAL_YEAR_END')?.value;
    expect([siren, yearEnd].every((v) => typeof v === 'string')).toBe(true);
    if (build === 'overlays/dev') expect([isSiren(siren!), isYearEnd(yearEnd!)]).toEqual([true, true]);
    else expect([siren, yearEnd]).toEqual(['', '']); // accounting refuses to start until the company is set
  });
});

describe('deploy/compose/compose.yaml: no secret in the file', () => {
  const text = readFileSync(join(root, 'deploy/compose/compose.yaml'), 'utf8');
  const compose = parse(text, { merge: true }) as { services: Record<string, { environment?: Record<string, string> }> };
  /** A variable from the environment (deploy/compose/.env), without a default: `${VAR}` or `${VAR:?message}`. */
  const FROM_ENV = /^\$\{[A-Z][A-Z0-9_]*(:\?[^}]*)?\}$/;

  it('a variable named like a secret, and the password of any URL, come from the environment without a default', () => {
    const bad: string[] = [];
    for (const [name, s] of Object.entries(compose.services))
      for (const [k, v] of Object.entries(s.environment ?? {})) {
        if (SECRET_NAME.test(k) && !FROM_ENV.test(String(v))) bad.push(`${name} ${k}: ${String(v)}`);
        for (const m of String(v).matchAll(URL_WITH_PASSWORD)) if (!FROM_ENV.test(m[1]!)) bad.push(`${name} ${k}: a password in the URL`);
      }
    expect(bad).toEqual([]);
  });

  it('the same wiring: the gateway its signing key, the services its JWKS, notification its webhook key', () => {
    const env = (s: string) => compose.services[s]!.environment!;
    expect(env('gateway').SERVICE_TOKEN_KEYS).toMatch(FROM_ENV);
    expect(env('gateway').SERVICE_AUTH_JWKS_URL).toBeUndefined();
    for (const s of services.filter((u) => u.name !== 'gateway'))
      expect([s.name, env(s.name).SERVICE_AUTH_JWKS_URL]).toEqual([s.name, `http://gateway:${env('gateway').HTTP_PORT}/.well-known/jwks.json`]);
    expect(env('notification').WEBHOOK_SECRETS_KEY).toMatch(FROM_ENV);
    expect(env('notification').SMTP_URL).toBeDefined();
    expect(env('gateway').AUDIT_MAC_KEY).toMatch(FROM_ENV);
    // Each its own Kafka principal, its password its own variable; the topics job as the admin.
    for (const s of allUnits) {
      expect([s.name, env(s.name).KAFKA_SASL_USERNAME, env(s.name).KAFKA_SASL_MECHANISM]).toEqual([s.name, s.name, 'scram-sha-512']);
      expect(env(s.name).KAFKA_SASL_PASSWORD).toContain(`POSTERA_KAFKA_PASSWORD_${s.name.toUpperCase().replace(/-/g, '_')}:?`);
    }
    expect(env('topics').KAFKA_SASL_PASSWORD).toContain('POSTERA_KAFKA_PASSWORD_ADMIN:?');
  });

  it("the runtime roles' and the owner roles' passwords are different variables", () => {
    const pg = compose.services.postgres!.environment!;
    expect(pg.POSTERA_DB_PASSWORD).toMatch(FROM_ENV);
    expect(pg.POSTERA_DB_OWNER_PASSWORD).toMatch(FROM_ENV);
    const variable = (v: string) => /^\$\{([A-Z0-9_]+)/.exec(v)![1];
    expect(variable(pg.POSTERA_DB_OWNER_PASSWORD!)).not.toBe(variable(pg.POSTERA_DB_PASSWORD!));
    for (const [name, s] of Object.entries(compose.services)) {
      const url = s.environment?.DATABASE_URL;
      if (!url) continue;
      const [, user, password] = /^postgres:\/\/([^:]+):(\$\{[^}]+\})@/.exec(url)!;
      expect([name, variable(password!)]).toEqual([name, variable(user!.endsWith('_owner') ? pg.POSTERA_DB_OWNER_PASSWORD! : pg.POSTERA_DB_PASSWORD!)]);
    }
  });
});

describe('deploy/secrets/dev-secrets.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postera-dev-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(root, 'deploy/secrets/dev-secrets.mjs');
  const run = (...args: string[]) => execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const k8sSecrets = (state: string) =>
    (JSON.parse(run('k8s', '--state', state, '--db-host', 'postgres.databases.svc')) as { items: Array<K8sObject & { stringData: Record<string, string> }> })
      .items;

  /** The JWK signs, and its public half verifies, with ES256 (P-256, SHA-256). */
  const checkSigningKey = (json: string) => {
    const jwk = JSON.parse(json) as { kty: string; crv: string; d?: string; kid?: string };
    expect([jwk.kty, jwk.crv, typeof jwk.d, typeof jwk.kid]).toEqual(['EC', 'P-256', 'string', 'string']);
    const key = createPrivateKey({ key: jwk, format: 'jwk' });
    const signature = sign('sha256', Buffer.from('postera'), { key, dsaEncoding: 'ieee-p1363' });
    expect(verify('sha256', Buffer.from('postera'), { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  };

  it('k8s: valid Secrets, documented, with every key the dev overlay and the Jobs ask for, kept from one run to the next', () => {
    const state = join(dir, 'secrets.json');
    const items = k8sSecrets(state);
    for (const s of items) new Secret(s as never).validate();
    expect(statSync(state).mode & 0o077).toBe(0); // the values file: its owner alone
    const byName = new Map(items.map((s) => [s.metadata.name, s.stringData]));
    for (const s of items) {
      const d = documentedSecret(s.metadata.name);
      expect([s.metadata.name, d !== undefined]).toEqual([s.metadata.name, true]);
      for (const k of Object.keys(s.stringData)) expect([s.metadata.name, k, d!.keys.some((p) => p.test(k))]).toEqual([s.metadata.name, k, true]);
    }
    // every Secret the demo cluster's pods and Jobs read, but the database administrator's own
    for (const o of workloads([...builds['overlays/dev']!, ...builds['overlays/dev/migrations']!, ...builds['deploy/postgres']!]))
      for (const c of containersOf(o)) {
        for (const f of c.envFrom ?? [])
          if (f.secretRef && f.secretRef.name !== 'postera-db-admin')
            expect([o.metadata.name, f.secretRef.name, byName.has(f.secretRef.name)]).toEqual([o.metadata.name, f.secretRef.name, true]);
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref && !ref.optional) expect([ref.name, ref.key, byName.get(ref.name)?.[ref.key] !== undefined]).toEqual([ref.name, ref.key, true]);
        }
      }
    // each role's URL carries the password the roles Job sets for it; an owner's is never a runtime role's
    const passwords = byName.get('postera-db-passwords')!;
    for (const u of allUnits) {
      const env = u.name.toUpperCase().replace(/-/g, '_');
      const url = new URL(byName.get(`postera-${u.name}-db`)!.DATABASE_URL!);
      expect([url.username, url.password]).toEqual([`postera_${u.schema}`, passwords[`POSTERA_DB_PASSWORD_${env}`]]);
      const owner = new URL(byName.get(`postera-${u.name}-db-owner`)!.DATABASE_URL!);
      expect([owner.username, owner.password]).toEqual([`postera_${u.schema}_owner`, passwords[`POSTERA_DB_OWNER_PASSWORD_${env}`]]);
      expect([u.name, owner.host, owner.pathname]).toEqual([u.name, url.host, url.pathname]);
    }
    expect(new Set(Object.values(passwords)).size).toBe(Object.keys(passwords).length);
    // the audit log's MAC key, as the gateway's configuration takes it
    const audit = byName.get('postera-gateway-audit')!;
    expect(Buffer.from(audit.AUDIT_MAC_KEY!, 'base64')).toHaveLength(32);
    expect(audit.AUDIT_MAC_KEY_ID).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    checkSigningKey(byName.get('postera-gateway-service-token')!.SERVICE_TOKEN_KEYS!);
    expect(Buffer.from(byName.get('postera-notification-delivery')!.WEBHOOK_SECRETS_KEY!, 'base64')).toHaveLength(32);
    expect(byName.get('postera-notification-delivery')!.WEBHOOK_SECRET!.length).toBeGreaterThanOrEqual(16);
    expect(k8sSecrets(state)).toEqual(items);
  });

  it('compose: every variable compose.yaml requires, in a .env of its owner alone, kept from one run to the next', () => {
    const file = join(dir, '.env');
    run('compose', '--state', file);
    const first = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o077).toBe(0);
    const values = Object.fromEntries([...first.matchAll(/^([A-Z0-9_]+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
    const required = [...new Set([...readFileSync(join(root, 'deploy/compose/compose.yaml'), 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]!))];
    expect(required.length).toBeGreaterThanOrEqual(5);
    for (const v of required) expect([v, typeof values[v]]).toEqual([v, 'string']);
    checkSigningKey(values.POSTERA_SERVICE_TOKEN_KEYS!);
    expect(Buffer.from(values.POSTERA_WEBHOOK_SECRETS_KEY!, 'base64')).toHaveLength(32);
    expect(Buffer.from(values.POSTERA_AUDIT_MAC_KEY!, 'base64')).toHaveLength(32);
    expect(values.POSTERA_DB_OWNER_PASSWORD).not.toBe(values.POSTERA_DB_PASSWORD);
    run('compose', '--state', file);
    expect(readFileSync(file, 'utf8')).toBe(first);
  });

  it('refuses to make a database URL without a host', () => {
    expect(() => run('k8s', '--state', join(dir, 'x.json'))).toThrow(/--db-host is required/);
  });

  it('its output files are git-ignored', () => {
    expect(readFileSync(join(root, 'deploy/compose/.gitignore'), 'utf8').split('\n')).toContain('.env');
    expect(readFileSync(join(root, 'deploy/k8s/overlays/dev/.gitignore'), 'utf8').split('\n')).toContain('.secrets.json');
  });
});
