import type { K8sObject } from './kustomize.js';

/**
 * A small evaluator of Kubernetes NetworkPolicies (networking.k8s.io/v1), for the deploy checks:
 * may `from` open a connection to `to` on `port`? As the API defines it:
 *
 * - a pod selected by no policy of a direction (Ingress / Egress in its policyTypes) is not isolated
 *   in that direction; once one selects it, only what some selecting policy's rules allow passes;
 * - a connection needs both ends: the source's egress and the destination's ingress;
 * - policyTypes defaults to Ingress, plus Egress when the policy has egress rules;
 * - a peer: podSelector alone is pods of the policy's namespace; namespaceSelector alone, every pod
 *   of the matching namespaces; both, the matching pods of the matching namespaces; ipBlock, the
 *   addresses in `cidr` and in no `except` (here applied to every endpoint's address, pods included,
 *   as most CNIs do); no `from`/`to`, or an empty one: everyone;
 * - a port: protocol (TCP by default) and a number, a number range (endPort), or a name resolved
 *   against the destination pod's container ports; no `ports`: every port.
 *
 * What it does not model: host-network pods and the node (the kubelet's probes pass in every CNI
 * used here), Services (a connection is to a pod's address and port, after kube-proxy), IPv6.
 */
export interface Endpoint {
  /** For the messages. */
  name: string;
  /** A pod: its namespace and that namespace's labels (kubernetes.io/metadata.name is added). Absent: outside the cluster. */
  namespace?: string;
  namespaceLabels?: Record<string, string>;
  labels?: Record<string, string>;
  ip: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: PolicyPort[];
}
export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: Array<'Ingress' | 'Egress'>;
  ingress?: Rule[];
  egress?: Rule[];
}
type Policy = { name: string; namespace: string; spec: NetworkPolicySpec };

export function selects(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(labels[e.key]!)
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(labels[e.key]!)
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : (() => {
                  throw new Error(`unknown selector operator ${String(e.operator)}`);
                })();
    if (!ok) return false;
  }
  return true;
}

const ipv4 = (ip: string): number | null => {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};

/** Whether an IPv4 address is in a CIDR block (an IPv6 block holds no IPv4 address here). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(base!);
  if (a === null || b === null) return false;
  const n = Number(bits);
  if (!Number.isInteger(n) || n < 0 || n > 32) throw new Error(`bad CIDR ${cidr}`);
  const size = 2 ** (32 - n);
  return Math.floor(a / size) === Math.floor(b / size);
}

export class NetworkPolicies {
  readonly policies: Policy[];

  /** The NetworkPolicies among `objects`; one without a namespace is in `namespace` (as `kubectl apply -n`). */
  constructor(objects: K8sObject[], namespace: string) {
    this.policies = objects
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? namespace, spec: o.spec as NetworkPolicySpec }));
  }

  private static types(p: Policy): string[] {
    return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  }

  /** The policies that isolate `pod` in a direction. */
  selecting(pod: Endpoint, direction: 'Ingress' | 'Egress'): Policy[] {
    if (pod.namespace === undefined) return [];
    return this.policies.filter(
      (p) => p.namespace === pod.namespace && NetworkPolicies.types(p).includes(direction) && selects(p.spec.podSelector, pod.labels),
    );
  }

  private static peerMatches(policy: Policy, peer: Peer, e: Endpoint): boolean {
    if (peer.ipBlock) return inCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x) => inCidr(e.ip, x));
    if (e.namespace === undefined) return false;
    const nsLabels = { ...e.namespaceLabels, 'kubernetes.io/metadata.name': e.namespace };
    if (peer.namespaceSelector ? !selects(peer.namespaceSelector, nsLabels) : e.namespace !== policy.namespace) return false;
    return selects(peer.podSelector, e.labels);
  }

  private static portMatches(ports: PolicyPort[] | undefined, to: Endpoint, port: number, protocol: string): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'number') return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
      return (to.ports ?? []).some((c) => c.name === p.port && c.containerPort === port && (c.protocol ?? 'TCP') === protocol);
    });
  }

  /** Which policy lets `from` out to `to` on the port (or why not): null when nothing does. */
  egress(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): string | null {
    const policies = this.selecting(from, 'Egress');
    if (policies.length === 0) return 'not isolated';
    for (const p of policies)
      for (const r of p.spec.egress ?? [])
        if (
          (!r.to || r.to.length === 0 || r.to.some((peer) => NetworkPolicies.peerMatches(p, peer, to))) &&
          NetworkPolicies.portMatches(r.ports, to, port, protocol)
        )
          return p.name;
    return null;
  }

  ingress(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): string | null {
    const policies = this.selecting(to, 'Ingress');
    if (policies.length === 0) return 'not isolated';
    for (const p of policies)
      for (const r of p.spec.ingress ?? [])
        if (
          (!r.from || r.from.length === 0 || r.from.some((peer) => NetworkPolicies.peerMatches(p, peer, from))) &&
          NetworkPolicies.portMatches(r.ports, to, port, protocol)
        )
          return p.name;
    return null;
  }

  allows(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
    return this.egress(from, to, port, protocol) !== null && this.ingress(from, to, port, protocol) !== null;
  }
}
