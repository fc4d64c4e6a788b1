import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { podTemplate, renderKustomization, type K8sObject } from './kustomize.js';
import { inCidr, NetworkPolicies, selects, type Endpoint } from './network-policy.js';
import { allUnits, root, services } from './sources.js';

/**
 * The NetworkPolicies of deploy/k8s, rendered as kustomize would, evaluated (network-policy.ts) on
 * the pods the same build deploys, the migration and roles Jobs that run in its namespace, and what
 * the cluster around them holds: who reaches whom, on which port. The labels of the cluster's own
 * components are the documented defaults (deploy/README.md, "Network policies").
 */
const k8s = (p: string) => join(root, 'deploy/k8s', p);
const migrations = renderKustomization(k8s('migrations'));
const dbRoles = renderKustomization(join(root, 'deploy/postgres'));
/** Each build, with the migration Jobs that run before it in its namespace (the dev overlay has its own: market-sim's too). */
const builds: Record<string, { dir: string; namespace: string; migrations: K8sObject[]; migrated: number }> = {
  base: { dir: k8s('base'), namespace: 'postera', migrations, migrated: services.length },
  'overlays/production': { dir: k8s('overlays/production'), namespace: 'postera', migrations, migrated: services.length },
  'overlays/dev': {
    dir: k8s('overlays/dev'),
    namespace: 'postera-dev',
    migrations: renderKustomization(k8s('overlays/dev/migrations')),
    migrated: allUnits.length,
  },
};

const serviceNames = services.map((s) => s.name).filter((n) => n !== 'gateway');

type Container = { ports?: Array<{ name?: string; containerPort: number; protocol?: string }> };

let nextIp = 1;
/** The pod a Deployment or a Job runs, in the namespace the build applies it to. */
function podOf(o: K8sObject, namespace: string): Endpoint {
  const t = podTemplate(o)!;
  const containers = (t.spec as { containers: Container[] }).containers;
  return {
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? namespace,
    labels: (t.metadata as { labels: Record<string, string> }).labels,
    ip: `10.244.1.${nextIp++}`,
    ports: containers.flatMap((c) => c.ports ?? []),
  };
}

// The cluster around Postera (the documented default labels) and the outside world.
const prometheus: Endpoint = { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ip: '10.244.7.1' };
const otherMonitoringPod: Endpoint = { name: 'grafana', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' }, ip: '10.244.7.2' };
const ingressController: Endpoint = { name: 'ingress-nginx', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ip: '10.244.8.1' };
const kubeDns: Endpoint = {
  name: 'kube-dns',
  namespace: 'kube-system',
  labels: { 'k8s-app': 'kube-dns' },
  ip: '10.244.0.10',
  ports: [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
  ],
};
const kafka: Endpoint = { name: 'kafka (Strimzi)', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'kafka' }, ip: '10.244.9.1', ports: [{ name: 'tcp-clients', containerPort: 9092 }] };
const managedPostgres: Endpoint = { name: 'managed PostgreSQL', ip: '10.20.0.5' };
const internet: Endpoint = { name: 'the internet', ip: '93.184.216.34' };
const rogue: Endpoint = { name: 'a pod of another namespace', namespace: 'default', labels: { app: 'rogue' }, ip: '10.244.6.1' };

describe.each(Object.keys(builds))('deploy/k8s/%s: network policies', (build) => {
  const { dir, namespace, migrated } = builds[build]!;
  const objs = renderKustomization(dir);
  const net = new NetworkPolicies(objs, namespace);
  const workloads = objs.filter((o) => o.kind === 'Deployment').map((d) => podOf(d, namespace));
  const jobs = [...builds[build]!.migrations, ...dbRoles].filter((o) => o.kind === 'Job').map((j) => podOf(j, namespace));
  const pod = (name: string) => workloads.find((w) => w.name === `postera-${name}`)!;
  const http = (p: Endpoint) => p.ports!.find((x) => x.name === 'http')!.containerPort;
  const stray: Endpoint = { name: 'a stray pod of the namespace', namespace, labels: { run: 'debug' }, ip: '10.244.5.1', ports: [{ name: 'http', containerPort: 8080 }] };
  const config = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'postera-config') as K8sObject & { data: Record<string, string> };
  const kafkaPorts = [...new Set(config.data.KAFKA_BROKERS!.split(',').map((b) => Number(b.trim().split(':').at(-1))))];

  it('a default-deny policy, both directions, selects every pod of the namespace', () => {
    const denyAll = net.policies.filter(
      (p) =>
        Object.keys(p.spec.podSelector).length === 0 &&
        ['Ingress', 'Egress'].every((t) => p.spec.policyTypes?.includes(t as 'Ingress')) &&
        !p.spec.ingress?.length &&
        !p.spec.egress?.length,
    );
    expect(denyAll.map((p) => p.name)).toEqual(['postera-default-deny']);
    for (const p of [...workloads, ...jobs, stray]) {
      expect([p.name, net.selecting(p, 'Ingress').map((x) => x.name)]).toEqual([p.name, expect.arrayContaining(['postera-default-deny'])]);
      expect([p.name, net.selecting(p, 'Egress').map((x) => x.name)]).toEqual([p.name, expect.arrayContaining(['postera-default-deny'])]);
    }
  });

  it("between Postera's pods: the gateway calls each service's HTTP port, each service the gateway's (JWKS), nothing else", () => {
    expect(workloads.length).toBeGreaterThanOrEqual(services.length);
    const gateway = pod('gateway');
    for (const from of workloads)
      for (const to of workloads) {
        if (from === to) continue;
        const expected = (from === gateway && serviceNames.some((s) => to.name === `postera-${s}`)) || (to === gateway && serviceNames.some((s) => from.name === `postera-${s}`));
        // each end on its own, so that neither side's policy leans on the other's
        const ends = [net.egress(from, to, http(to)) !== null, net.ingress(from, to, http(to)) !== null];
        expect([from.name, '→', to.name, http(to), ends]).toEqual([from.name, '→', to.name, http(to), [expected, expected]]);
        // and on no other port of theirs (the database's, the broker's)
        for (const port of [5432, 9092]) expect([from.name, to.name, port, net.allows(from, to, port)]).toEqual([from.name, to.name, port, false]);
      }
  });

  it.each([
    ['capture', 'accounting', 3003, false],
    ['gateway', 'capture', 3001, true],
    ['gateway', 'notification', 3005, true],
    ['capture', 'gateway', 3000, true],
    ['notification', 'gateway', 3000, true],
    ['settlement', 'capture', 3001, false],
    ['reporting', 'notification', 3005, false],
  ] as const)('%s → %s:%d: %s', (from, to, port, expected) => {
    expect(http(pod(to))).toBe(port);
    expect(net.allows(pod(from), pod(to), port)).toBe(expected);
  });

  it('the metrics scraper reaches every pod on its HTTP port (/metrics); another pod of its namespace does not', () => {
    for (const p of workloads) {
      expect([p.name, net.allows(prometheus, p, http(p))]).toEqual([p.name, true]);
      expect([p.name, net.allows(otherMonitoringPod, p, http(p))]).toEqual([p.name, false]);
      expect([p.name, net.allows(prometheus, p, 5432)]).toEqual([p.name, false]);
    }
  });

  it('the ingress controller reaches the gateway alone; no pod of another namespace reaches any', () => {
    expect(net.allows(ingressController, pod('gateway'), 3000)).toBe(true);
    for (const p of workloads.filter((w) => w.name !== 'postera-gateway')) expect([p.name, net.allows(ingressController, p, http(p))]).toEqual([p.name, false]);
    for (const p of workloads) {
      expect([p.name, net.ingress(rogue, p, http(p)), net.ingress(stray, p, http(p))]).toEqual([p.name, null, null]);
      expect([p.name, net.allows(rogue, p, http(p))]).toEqual([p.name, false]);
      expect([p.name, net.allows(internet, p, http(p))]).toEqual([p.name, false]);
      expect([p.name, net.allows(stray, p, http(p))]).toEqual([p.name, false]);
    }
  });

  it('every Postera pod resolves names (kube-dns, UDP and TCP 53), and reaches PostgreSQL (5432)', () => {
    for (const p of [...workloads, ...jobs]) {
      expect([p.name, net.allows(p, kubeDns, 53, 'UDP'), net.allows(p, kubeDns, 53, 'TCP')]).toEqual([p.name, true, true]);
      expect([p.name, net.allows(p, managedPostgres, 5432)]).toEqual([p.name, true]);
    }
  });

  it("the services and the gateway reach Kafka on the port of KAFKA_BROKERS (the ScaledObjects' too); the Jobs do not", () => {
    expect(kafkaPorts).toEqual([9092]);
    const bootstrap = objs
      .filter((o) => o.kind === 'ScaledObject')
      .flatMap((o) => (o.spec as { triggers: Array<{ type: string; metadata: { bootstrapServers?: string } }> }).triggers)
      .filter((t) => t.type === 'kafka')
      .map((t) => t.metadata.bootstrapServers);
    expect(new Set(bootstrap)).toEqual(new Set([config.data.KAFKA_BROKERS]));
    for (const p of workloads) for (const port of kafkaPorts) expect([p.name, port, net.allows(p, kafka, port)]).toEqual([p.name, port, true]);
    for (const j of jobs) expect([j.name, net.allows(j, kafka, 9092)]).toEqual([j.name, false]);
  });

  it('outside the cluster: the gateway its OIDC issuer (443), notification its SMTP relay and webhooks; nobody else', () => {
    const gateway = pod('gateway');
    const notification = pod('notification');
    expect(net.allows(gateway, internet, 443)).toBe(true);
    for (const port of [443, 587, 465, 25]) expect([port, net.allows(notification, internet, port)]).toEqual([port, true]);
    expect(net.allows(notification, internet, 80)).toBe(false);
    expect(net.allows(gateway, internet, 587)).toBe(false);
    for (const p of workloads.filter((w) => w !== gateway && w !== notification))
      for (const port of [443, 80, 587, 25]) expect([p.name, port, net.allows(p, internet, port)]).toEqual([p.name, port, false]);
  });

  it('the migration and roles Jobs: PostgreSQL and DNS, nothing else', () => {
    expect(jobs.map((j) => (j.labels ?? {})['app.kubernetes.io/component']).sort()).toEqual([...Array(migrated).fill('migration'), 'database-roles'].sort());
    for (const j of jobs) {
      expect([j.name, net.allows(j, internet, 443)]).toEqual([j.name, false]);
      for (const p of workloads) expect([j.name, p.name, net.allows(j, p, http(p))]).toEqual([j.name, p.name, false]);
    }
  });

  it('a stray pod of the namespace is cut off: DNS alone', () => {
    expect(net.allows(stray, kubeDns, 53, 'UDP')).toBe(true);
    expect(net.allows(stray, managedPostgres, 5432)).toBe(false);
    expect(net.allows(stray, kafka, 9092)).toBe(false);
    expect(net.allows(stray, internet, 443)).toBe(false);
    for (const p of workloads) expect([p.name, net.allows(p, stray, 8080)]).toEqual([p.name, false]);
  });
});

describe('the NetworkPolicy evaluator', () => {
  const policy = (name: string, spec: object, namespace = 'a'): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
  const a1: Endpoint = { name: 'a1', namespace: 'a', labels: { app: 'one', tier: 'x' }, ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] };
  const a2: Endpoint = { name: 'a2', namespace: 'a', labels: { app: 'two' }, ip: '10.0.0.2', ports: [{ name: 'web', containerPort: 8080 }] };
  const b1: Endpoint = { name: 'b1', namespace: 'b', namespaceLabels: { team: 'blue' }, labels: { app: 'one' }, ip: '10.1.0.1' };
  const out: Endpoint = { name: 'out', ip: '192.0.2.10' };

  it('selectors: labels and every expression operator', () => {
    expect(selects({}, {})).toBe(true);
    expect(selects({ matchLabels: { app: 'one' } }, a1.labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'one' } }, a2.labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['two', 'three'] }] }, a2.labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['two'] }] }, a2.labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, a1.labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, a1.labels)).toBe(false);
  });

  it('CIDR blocks', () => {
    expect(inCidr('10.0.0.1', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(inCidr('93.184.216.34', '0.0.0.0/0')).toBe(true);
    expect(inCidr('93.184.216.34', '::/0')).toBe(false);
  });

  it('nothing selects a pod: open; a deny-all selects it: closed both ways, until a rule opens a port, named or numbered', () => {
    expect(new NetworkPolicies([], 'a').allows(a1, a2, 8080)).toBe(true);
    const deny = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(new NetworkPolicies([deny], 'a').allows(a1, a2, 8080)).toBe(false);
    expect(new NetworkPolicies([deny], 'a').allows(out, a2, 8080)).toBe(false);
    const egress = policy('eg', { podSelector: { matchLabels: { app: 'one' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'two' } } }], ports: [{ port: 8080 }] }] });
    const ingressNamed = policy('in', { podSelector: { matchLabels: { app: 'two' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'web' }] }] });
    const ingressWrongName = policy('in', { podSelector: { matchLabels: { app: 'two' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'http' }] }] });
    expect(new NetworkPolicies([deny, egress], 'a').allows(a1, a2, 8080)).toBe(false); // egress alone: the destination still refuses
    expect(new NetworkPolicies([deny, egress, ingressNamed], 'a').allows(a1, a2, 8080)).toBe(true);
    expect(new NetworkPolicies([deny, egress, ingressNamed], 'a').allows(a1, a2, 8080, 'UDP')).toBe(false);
    expect(new NetworkPolicies([deny, egress, ingressWrongName], 'a').allows(a1, a2, 8080)).toBe(false);
    expect(new NetworkPolicies([deny, egress, ingressNamed], 'a').allows(a2, a1, 8080)).toBe(false);
  });

  it('peers: podSelector alone is its own namespace, namespaceSelector other ones, both together an AND; ipBlock with except', () => {
    const only = (from: object) => [policy('deny', { podSelector: {}, policyTypes: ['Ingress'] }), policy('in', { podSelector: {}, ingress: [{ from: [from] }] })];
    expect(new NetworkPolicies(only({ podSelector: { matchLabels: { app: 'one' } } }), 'a').allows(b1, a2, 8080)).toBe(false);
    expect(new NetworkPolicies(only({ podSelector: { matchLabels: { app: 'one' } } }), 'a').allows(a1, a2, 8080)).toBe(true);
    expect(new NetworkPolicies(only({ namespaceSelector: { matchLabels: { team: 'blue' } } }), 'a').allows(b1, a2, 8080)).toBe(true);
    expect(new NetworkPolicies(only({ namespaceSelector: { matchLabels: { team: 'blue' } }, podSelector: { matchLabels: { app: 'two' } } }), 'a').allows(b1, a2, 8080)).toBe(false);
    expect(new NetworkPolicies(only({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }), 'a').allows(b1, a2, 8080)).toBe(true);
    expect(new NetworkPolicies(only({ ipBlock: { cidr: '0.0.0.0/0', except: ['192.0.2.0/24'] } }), 'a').allows(out, a2, 8080)).toBe(false);
    expect(new NetworkPolicies(only({ ipBlock: { cidr: '0.0.0.0/0' } }), 'a').allows(out, a2, 8080)).toBe(true);
  });
});
