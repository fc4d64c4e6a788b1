import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may go. A client's URL is not trusted: without this rule it reaches the loopback,
 * the cloud's metadata address, the private network and Postera's own services. Every address a
 * host resolves to is checked, and the sender connects to the address it checked (no second
 * lookup a DNS answer could change in between).
 */

/** Ranges no webhook goes to, by the name an error gives them. */
export const DENIED_RANGES = {
  loopback: ['127.0.0.0/8', '::1/128'],
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  'carrier-grade NAT': ['100.64.0.0/10'],
  unspecified: ['0.0.0.0/8', '::/128'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
  reserved: ['240.0.0.0/4'],
} as const;

export type RangeName = keyof typeof DENIED_RANGES | 'configured denied';

export interface DestinationRules {
  /** Extra ranges refused (WEBHOOK_DENIED_CIDRS): the cluster's, when they are not private addresses. */
  denied: readonly string[];
  /** Ranges let through although refused above (WEBHOOK_ALLOWED_CIDRS): the tests' and the devstack's loopback receivers. */
  allowed: readonly string[];
}

/** A CIDR as `address/prefix`, IPv4 or IPv6, or null when it is not one. */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = cidr.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const c = parseCidr(cidr);
    if (!c) throw new Error(`not a CIDR: ${cidr}`);
    list.addSubnet(c.address, c.prefix, c.family);
  }
  return list;
}

/** `::ffff:10.0.0.5` is 10.0.0.5: an IPv4-mapped address is judged as the IPv4 one it carries. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

export class DestinationRule {
  private readonly denied: Array<{ name: RangeName; list: BlockList }>;
  private readonly allowed: BlockList;

  constructor(rules: DestinationRules) {
    this.denied = [
      ...Object.entries(DENIED_RANGES).map(([name, cidrs]) => ({ name: name as RangeName, list: blockListOf(cidrs) })),
      { name: 'configured denied' as const, list: blockListOf(rules.denied) },
    ];
    this.allowed = blockListOf(rules.allowed);
  }

  /** The name of the refused range the address is in, or null when a webhook may go there. Anything but an IP address is refused. */
  refusedRange(address: string): RangeName | 'not an IP address' | null {
    const ip = unmapped(address);
    const version = isIP(ip);
    if (version === 0) return 'not an IP address';
    const family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(ip, family)) return null;
    return this.denied.find((d) => d.list.check(ip, family))?.name ?? null;
  }
}

/** Why a webhook URL is refused before any lookup, or null. */
export function urlProblem(url: string, allowHttp: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:') return allowHttp ? null : 'https required';
  return 'https required';
}

/** The host of a URL as a lookup takes it: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The refusal of a destination as stored and served: a fixed form. It names the address only when
 * the URL itself holds it; for a name it does not say where that name resolves (the private network's
 * layout is not read back through it).
 */
export function refusalMessage(host: string, address: string, range: string): string {
  return isIP(host) ? `destination refused: ${address} is in a ${range} range` : `destination refused: ${host} resolves into a ${range} range`;
}
