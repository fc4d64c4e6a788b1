import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { physicalTopic } from '@postera/contracts';
import { podTemplate, renderKustomization, splitImage, type K8sObject } from './kustomize.js';
import { allUnits, marketSim, partitions, root, services, type Unit } from './sources.js';
import { DELIVERIES_DUE_SQL } from '../../services/notification/src/delivery/delivery-backlog.js';

/**
 * deploy/k8s (and deploy/postgres) rendered as kustomize would, every object validated against the
 * Kubernetes JSON schemas (kubernetes-models) and KEDA's ScaledObject schema
 * (@kubernetes-models/keda), then cross-checked against the code: probes, PDBs, one KEDA trigger
 * per consumer group found in the sources, the partition count as the ceiling, one role per service.
 * Who may talk to whom is in network-policies.spec.ts, and where secrets come from in secrets.spec.ts.
 */
const modelOf: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

const k8s = (p: string) => join(root, 'deploy/k8s', p);
const builds: Record<string, { dir: string; units: Unit[] }> = {
  base: { dir: k8s('base'), units: services },
  'overlays/production': { dir: k8s('overlays/production'), units: services },
  'overlays/dev': { dir: k8s('overlays/dev'), units: allUnits },
};
const rendered = Object.fromEntries(Object.entries(builds).map(([name, b]) => [name, renderKustomization(b.dir)]));
const migrations = renderKustomization(k8s('migrations'));
const devMigrations = renderKustomization(k8s('overlays/dev/migrations'));
const dbRoles = renderKustomization(join(root, 'deploy/postgres'));

type Container = {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
};
const containersOf = (o: K8sObject) => ((podTemplate(o)?.spec as { containers?: Container[] } | undefined)?.containers ?? []) as Container[];
const find = (objs: K8sObject[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const ofKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(Object.keys(builds))('deploy/k8s/%s', (name) => {
  const objs = rendered[name]!;
  const { units } = builds[name]!;
  const config = find(objs, 'ConfigMap', 'postera-config') as (K8sObject & { data: Record<string, string> }) | undefined;

  it('renders, and every object is valid against the Kubernetes and KEDA schemas', () => {
    expect(objs.length).toBeGreaterThan(0);
    const invalid: string[] = [];
    for (const o of objs) {
      const Model = modelOf[`${o.apiVersion}/${o.kind}`];
      if (!Model) {
        invalid.push(`${o.apiVersion}/${o.kind} ${o.metadata.name}: no schema known to the test`);
        continue;
      }
      try {
        new Model(o as never).validate();
      } catch (e) {
        invalid.push(`${o.kind} ${o.metadata.name}: ${(e as Error).message}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  it('one Deployment, Service and PodDisruptionBudget per service, and nothing else deployed', () => {
    expect(ofKind(objs, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(units.map((u) => `postera-${u.name}`).sort());
    for (const u of units) {
      const d = find(objs, 'Deployment', `postera-${u.name}`)!;
      const podLabels = (podTemplate(d)!.metadata as { labels: Record<string, string> }).labels;
      const selector = (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      expect(matches(selector, podLabels)).toBe(true);
      const svc = find(objs, 'Service', `postera-${u.name}`) as (K8sObject & { spec: { selector: Record<string, string>; ports: Array<{ port: number }> } }) | undefined;
      expect(svc && matches(svc.spec.selector, podLabels)).toBe(true);
      expect(svc!.spec.ports.map((p) => p.port)).toEqual([u.port]);
      const pdbs = ofKind(objs, 'PodDisruptionBudget').filter((p) => matches((p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, podLabels));
      expect([u.name, pdbs.length]).toEqual([u.name, 1]);
      expect([u.name, containersOf(d).map((c) => c.ports?.map((p) => p.containerPort))]).toEqual([u.name, [[u.port]]]);
    }
  });

  it('every container: readiness on /health, liveness on /health/live, non-root, read-only, no capabilities, resources', () => {
    for (const d of [...ofKind(objs, 'Deployment')]) {
      const spec = podTemplate(d)!.spec as { securityContext?: { runAsNonRoot?: boolean }; terminationGracePeriodSeconds?: number; automountServiceAccountToken?: boolean };
      expect([d.metadata.name, spec.securityContext?.runAsNonRoot, spec.automountServiceAccountToken]).toEqual([d.metadata.name, true, false]);
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
      expect((d.spec as { replicas?: number }).replicas).toBeUndefined(); // the autoscaler owns it
      for (const c of containersOf(d)) {
        const where = `${d.metadata.name}/${c.name}`;
        expect([where, c.readinessProbe?.httpGet?.path, c.livenessProbe?.httpGet?.path]).toEqual([where, '/health', '/health/live']);
        const port = c.readinessProbe!.httpGet!.port;
        expect(c.ports?.some((p) => p.name === port || p.containerPort === port)).toBe(true);
        expect([where, c.securityContext]).toEqual([
          where,
          expect.objectContaining({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }),
        ]);
        expect([where, c.resources?.requests?.cpu !== undefined, c.resources?.requests?.memory !== undefined, c.resources?.limits?.memory !== undefined]).toEqual([
          where,
          true,
          true,
          true,
        ]);
      }
    }
  });

  it("every service reads its DATABASE_URL from its own Secret (its own role), never from a literal", () => {
    for (const u of units) {
      const [c] = containersOf(find(objs, 'Deployment', `postera-${u.name}`)!);
      expect([u.name, c!.envFrom?.filter((e) => e.secretRef?.name.endsWith('-db')).map((e) => e.secretRef!.name)]).toEqual([u.name, [`postera-${u.name}-db`]]);
      expect(c!.env?.find((e) => e.name === 'DATABASE_URL')).toBeUndefined();
      expect(c!.envFrom?.some((e) => e.configMapRef?.name === 'postera-config')).toBe(true);
      expect(splitImage(c!.image).name.endsWith(`postera/${u.name}`)).toBe(true);
    }
    // The pods log in as the runtime roles, which may not create or alter anything: never a migration at boot.
    expect(config?.data).toMatchObject({ DATABASE_CREATE: 'false', MIGRATE_ON_BOOT: 'false' });
  });

  it('each consuming service scales on lag with one KEDA trigger per consumer group in its code, capped at the partition count; notification on its senders\' backlog too', () => {
    const groupPrefix = config!.data.CONSUMER_GROUP_PREFIX!;
    const topicPrefix = config!.data.TOPIC_PREFIX ?? '';
    for (const u of units) {
      const target = `postera-${u.name}`;
      const scaled = ofKind(objs, 'ScaledObject').filter((s) => (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === target);
      const hpas = ofKind(objs, 'HorizontalPodAutoscaler').filter((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === target);
      // The gateway scales on CPU: it serves operators, and what it consumes besides the business day
      // is the referential's calendars, a handful of records a year.
      if (u.name === 'gateway') {
        expect([u.consumers.map((c) => c.consumerId), scaled.length, hpas.length]).toEqual([['gateway.refdata-calendars'], 0, 1]);
        continue;
      }
      expect([u.name, scaled.length, hpas.length]).toEqual([u.name, 1, 0]);
      const spec = scaled[0]!.spec as {
        minReplicaCount: number;
        maxReplicaCount: number;
        triggers: Array<{ type: string; metadata: { bootstrapServers: string; consumerGroup: string; topic?: string; lagThreshold: string } }>;
      };
      const lagTriggers = spec.triggers.filter((t) => t.type === 'kafka');
      // Besides the lag, notification scales on its senders' backlog (postgresql trigger, below); no other trigger.
      expect([u.name, spec.triggers.filter((t) => t.type !== 'kafka').map((t) => t.type)]).toEqual([u.name, u.name === 'notification' ? ['postgresql'] : []]);
      expect([u.name, lagTriggers.map((t) => t.metadata.consumerGroup).sort()]).toEqual([u.name, u.consumers.map((c) => `${groupPrefix}.${c.consumerId}`).sort()]);
      for (const t of lagTriggers) {
        const consumer = u.consumers.find((c) => `${groupPrefix}.${c.consumerId}` === t.metadata.consumerGroup)!;
        expect(t.metadata.bootstrapServers).toBe(config!.data.KAFKA_BROKERS);
        // One topic: named (with the prefix); several: left out, KEDA sums the group's topics.
        expect([t.metadata.consumerGroup, t.metadata.topic]).toEqual([
          t.metadata.consumerGroup,
          consumer.topics.length === 1 ? physicalTopic(topicPrefix, consumer.topics[0]!) : undefined,
        ]);
        expect(Number(t.metadata.lagThreshold)).toBeGreaterThan(0);
      }
      if (u.name === 'notification') {
        const [backlog] = spec.triggers.filter((t) => t.type === 'postgresql') as unknown as Array<{ metadata: Record<string, string> }>;
        // The code's own count, through the service's own role: DATABASE_URL comes from its -db Secret (checked above).
        expect(backlog!.metadata).toEqual({ connectionFromEnv: 'DATABASE_URL', query: DELIVERIES_DUE_SQL, targetQueryValue: expect.stringMatching(/^[1-9]\d*$/) });
      }
      const ceiling = Math.max(...u.consumers.flatMap((c) => c.topics.map((t) => partitions.get(t)!)));
      expect([u.name, spec.maxReplicaCount <= ceiling, spec.minReplicaCount >= 1, spec.minReplicaCount <= spec.maxReplicaCount]).toEqual([u.name, true, true, true]);
    }
  });
});

describe('deploy/k8s overlays', () => {
  it('production pins a released tag on every image, in its own namespace', () => {
    const objs = rendered['overlays/production']!;
    expect(new Set(objs.map((o) => o.metadata.namespace))).toEqual(new Set(['postera']));
    for (const d of ofKind(objs, 'Deployment')) for (const c of containersOf(d)) expect([c.image, splitImage(c.image).tag]).toEqual([c.image, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
    expect((find(objs, 'ScaledObject', 'postera-capture')!.spec as { minReplicaCount: number }).minReplicaCount).toBe(2);
    // the patch merged the container by name: probes and security stay
    const [capture] = containersOf(find(objs, 'Deployment', 'postera-capture')!);
    expect(capture!.resources?.requests?.cpu).toBe('500m');
    expect(capture!.readinessProbe?.httpGet?.path).toBe('/health');
  });

  it('dev adds the simulated CSD, debug logs, no migration at boot', () => {
    const objs = rendered['overlays/dev']!;
    expect(find(objs, 'ScaledObject', `postera-${marketSim.name}`)).toBeDefined();
    expect((find(objs, 'ConfigMap', 'postera-config') as K8sObject & { data: Record<string, string> }).data).toMatchObject({
      MIGRATE_ON_BOOT: 'false',
      LOG_LEVEL: 'debug',
    });
    expect(find(rendered.base!, 'Deployment', `postera-${marketSim.name}`)).toBeUndefined();
  });

  it("the gateway's anchor store: a claim the cluster provides in base and production, the dev overlay's own in dev", () => {
    type Volume = { name: string; persistentVolumeClaim?: { claimName: string } };
    const claimsOf = (objs: K8sObject[]) =>
      ofKind(objs, 'Deployment').flatMap((d) =>
        ((podTemplate(d)!.spec as { volumes?: Volume[] }).volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])),
      );
    for (const name of Object.keys(builds)) {
      expect([name, claimsOf(rendered[name]!)]).toEqual([name, ['postera-gateway-audit-anchors']]);
      const provided = ofKind(rendered[name]!, 'PersistentVolumeClaim').map((c) => c.metadata.name);
      expect([name, provided]).toEqual([name, name === 'overlays/dev' ? ['postera-gateway-audit-anchors'] : []]);
    }
    const claim = find(rendered['overlays/dev']!, 'PersistentVolumeClaim', 'postera-gateway-audit-anchors') as K8sObject & {
      spec: { accessModes: string[]; resources: { requests: { storage: string } } };
    };
    expect(claim.metadata.namespace).toBe('postera-dev');
    expect(claim.spec.accessModes.length).toBeGreaterThan(0);
    expect(claim.spec.resources.requests.storage).toMatch(/^\d+[MG]i$/);
    // mounted where the gateway writes its anchors
    const [gateway] = containersOf(find(rendered['overlays/dev']!, 'Deployment', 'postera-gateway')!);
    const mounts = (gateway as Container & { volumeMounts: Array<{ name: string; mountPath: string }> }).volumeMounts;
    const anchorFile = gateway!.env!.find((e) => e.name === 'AUDIT_ANCHOR_FILE')!.value!;
    expect(mounts.some((m) => m.name === 'audit-anchors' && anchorFile.startsWith(`${m.mountPath}/`))).toBe(true);
  });
});

describe('deploy/k8s/migrations, deploy/k8s/overlays/dev/migrations and deploy/postgres', () => {
  it('are valid against the schemas', () => {
    for (const o of [...migrations, ...devMigrations, ...dbRoles]) new modelOf[`${o.apiVersion}/${o.kind}`]!(o as never).validate();
  });

  it('one migration Job per service, each as its own role', () => {
    const jobs = ofKind(migrations, 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(services.map((s) => `postera-migrate-${s.name}`).sort());
    for (const s of services) {
      const [c] = containersOf(find(jobs, 'Job', `postera-migrate-${s.name}`)!);
      expect((c as Container & { command: string[] }).command).toEqual(['node', 'main.js', 'migrate']);
      expect(c!.envFrom?.find((e) => e.secretRef)?.secretRef?.name).toBe(`postera-${s.name}-db-owner`);
      expect(splitImage(c!.image).name).toBe(`postera/${s.name}`);
    }
  });

  it("dev: one migration Job per service and market-sim, each as its owner role, with the overlay's namespace and tags, needing none of its ConfigMaps", () => {
    const jobs = ofKind(devMigrations, 'Job');
    expect(devMigrations.length).toBe(jobs.length);
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(allUnits.map((u) => `postera-migrate-${u.name}`).sort());
    const overlayImages = new Set(ofKind(rendered['overlays/dev']!, 'Deployment').flatMap((d) => containersOf(d).map((c) => c.image)));
    for (const u of allUnits) {
      const job = find(jobs, 'Job', `postera-migrate-${u.name}`)!;
      expect(job.metadata.namespace).toBe('postera-dev');
      const [c] = containersOf(job);
      expect((c as Container & { command: string[] }).command).toEqual(['node', 'main.js', 'migrate']);
      // It runs before the overlay: the owner role's Secret alone, DATABASE_CREATE given in place of postera-config's.
      expect([u.name, c!.envFrom]).toEqual([u.name, [{ secretRef: { name: `postera-${u.name}-db-owner` } }]]);
      expect(c!.env).toEqual(expect.arrayContaining([{ name: 'DATABASE_CREATE', value: 'false' }]));
      expect([u.name, overlayImages.has(c!.image)]).toEqual([u.name, true]);
      expect(c!.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }));
    }
  });

  it('the roles Job runs the very roles.sql and init-roles.sh of deploy/postgres, which cover every schema', () => {
    const cm = find(dbRoles, 'ConfigMap', 'postera-db-roles') as K8sObject & { data: Record<string, string> };
    const roles = readFileSync(join(root, 'deploy/postgres/roles.sql'), 'utf8');
    expect(cm.data['roles.sql']).toBe(roles);
    expect(cm.data['init-roles.sh']).toBe(readFileSync(join(root, 'deploy/postgres/init-roles.sh'), 'utf8'));
    const listed = [...roles.matchAll(/ARRAY\[([^\]]+)\]/g)].map((m) => [...m[1]!.matchAll(/'([a-z_]+)'/g)].map((x) => x[1]).sort());
    for (const l of listed) expect(l).toEqual(allUnits.map((u) => u.schema).sort());
  });
});
