import { HttpException, Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Person, type ServiceTokenSigner } from '@postera/platform';
import type { GatewayConfig } from '../config.js';
import { callService, fetchRaw } from './http.js';

export const SERVICE_TOKENS = Symbol('postera.gateway.service-tokens');

export type ServiceName = 'capture' | 'settlement' | 'accounting' | 'reporting' | 'notification' | 'market-sim';

/** On whose behalf a call is made: the operator, and for an approved proposal its maker (the operator is then the checker). */
export interface OnBehalf {
  as: Person;
  fourEyes?: { proposal: string; maker: Person };
}

/**
 * A path parameter of `.` or `..` (or their percent-encoded forms, which URL parsers treat alike)
 * would move the call to another route of the service: refused before anything is sent.
 */
export function refuseDotSegments(url: string): void {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0]!;
  for (const segment of path.split('/')) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // not decodable: not a dot segment either
    }
    if (decoded === '.' || decoded === '..') throw new HttpException({ message: `a path segment may not be "${decoded}"` }, 400);
  }
}

/**
 * The gateway's calls to the services. Each request carries a token the gateway signs for that one
 * service, method and path, on behalf of the operator it verified (docs/trust.md): the service
 * checks it again and takes the person and roles from it, never from a header it cannot verify.
 */
@Injectable()
export class Upstream {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_TOKENS) private readonly signer: ServiceTokenSigner | null,
  ) {}

  base(service: ServiceName): string {
    const urls: Record<ServiceName, string> = {
      capture: this.config.CAPTURE_URL,
      settlement: this.config.SETTLEMENT_URL,
      accounting: this.config.ACCOUNTING_URL,
      reporting: this.config.REPORTING_URL,
      notification: this.config.NOTIFICATION_URL,
      'market-sim': this.config.MARKET_SIM_URL ?? '',
    };
    if (!urls[service])
      throw new HttpException({ message: `no ${service} in this environment (${service.toUpperCase().replace('-', '_')}_URL is not set)` }, 404);
    return urls[service];
  }

  private async authorization(service: ServiceName, method: string, url: string, who: OnBehalf): Promise<Record<string, string>> {
    refuseDotSegments(url);
    if (!this.signer) throw new HttpException({ message: 'the gateway has no signing key (SERVICE_TOKEN_KEYS): it cannot call the services' }, 503);
    const token = await this.signer.sign({ audience: service, method, url, who: who.as, fourEyes: who.fourEyes });
    return { authorization: `Bearer ${token}` };
  }

  /** A JSON call; a refusal comes back with the service's status and words. */
  async call(
    service: ServiceName,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    who: OnBehalf,
    o: { body?: unknown; contentType?: string } = {},
  ): Promise<unknown> {
    const base = this.base(service);
    const headers = await this.authorization(service, method, `${base}${path}`, who);
    return callService(base, method, path, { ...o, headers, timeoutMs: this.config.UPSTREAM_TIMEOUT_MS });
  }

  /** The answer as bytes (a file, or a body the JSON parser must not touch). */
  async raw(service: ServiceName, path: string, who: OnBehalf, o: { method?: string; body?: Buffer | string; contentType?: string } = {}) {
    const url = `${this.base(service)}${path}`;
    const headers = await this.authorization(service, o.method ?? 'GET', url, who);
    return fetchRaw(url, { ...o, headers, timeoutMs: this.config.UPSTREAM_TIMEOUT_MS });
  }

  /** A read for a page made of several services: null for 404, and a service that does not answer is named instead of failing the page. */
  async part(service: ServiceName, path: string, who: OnBehalf): Promise<unknown> {
    try {
      return await this.call(service, 'GET', path, who);
    } catch (e) {
      if (e instanceof HttpException && e.getStatus() === 404) return null;
      const status = e instanceof HttpException ? e.getStatus() : 502;
      return { unavailable: `${service} answered ${status}` };
    }
  }
}
