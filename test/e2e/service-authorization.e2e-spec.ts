import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { LocalIssuer, PEOPLE, type ServiceName } from '@postera/devstack';
import type { Person, Role } from '@postera/platform';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import { routesOf, type Route } from '../controller-routes.js';
import { e2eEnv, type E2eEnv } from './harness.js';

// Every route of every service behind the gateway, on the built processes: who may call it. The
// expected table is written out here, not read from the code; the routes themselves are read from
// the controllers so that a route added without an entry here fails this test.
jest.setTimeout(300_000);

type Service = Exclude<ServiceName, 'gateway' | 'market-sim'>;
const SERVICES: Service[] = ['capture', 'settlement', 'accounting', 'reporting', 'notification'];
const READ: Role[] = ['operator', 'supervisor', 'auditor', 'admin'];
const ACT: Role[] = ['operator', 'supervisor'];
/** A change two people must make: a single identity is refused whatever its roles; the proof of both passes. */
const FOUR_EYES = 'four-eyes' as const;
type Rule = Role[] | typeof FOUR_EYES;

const EXPECTED: Record<Service, Record<string, Rule>> = {
  capture: {
    'GET /trades/:ref': READ,
    'GET /trades': READ,
    'POST /trades': FOUR_EYES,
    'POST /trades/:ref/approve': FOUR_EYES,
    'GET /summary': READ,
    'GET /volumes/by-hour': READ,
    'GET /exceptions': READ,
    'GET /exceptions/:id': READ,
    'POST /exceptions/:id/replay': FOUR_EYES,
    'POST /exceptions/:id/reject': FOUR_EYES,
    'POST /referential/import': FOUR_EYES,
    'POST /referential/import/:entity': FOUR_EYES,
    'GET /referential/instruments': READ,
    'GET /referential/parties': READ,
    'GET /referential/accounts': READ,
    'GET /referential/ssis': READ,
    'GET /referential/calendars': READ,
    'GET /referential/history': READ,
  },
  settlement: {
    'GET /instructions/by-trade/:ref': READ,
    'GET /summary': READ,
    'GET /fails': READ,
    'POST /fails/:id/resend': FOUR_EYES,
    'POST /fails/:id/cancel-and-reinstruct': FOUR_EYES,
    'POST /fails/:id/buy-in': FOUR_EYES,
    'POST /reference-prices': ACT,
    'GET /penalties/daily': READ,
    'POST /penalties/:id/waive': FOUR_EYES,
    'GET /penalties/monthly': READ,
  },
  accounting: {
    'GET /journal/by-trade/:ref': READ,
    'GET /held-events/by-trade/:ref': READ,
    'GET /summary': READ,
    'GET /chart': READ,
    'GET /posting-rules': READ,
    'PUT /books/:book/recognition': ACT,
    'GET /positions/:account': READ,
    'GET /cash': READ,
    'POST /fx-rates/ecb': ACT,
    'GET /fx/results': READ,
    'GET /fx/report': READ,
    'GET /exports/trial-balance': READ,
    'GET /exports/general-ledger': READ,
    'GET /exports/fec': READ,
    'POST /reconciliations/statements': ACT,
    'POST /reconciliations/desk-pnl': ACT,
    'POST /reconciliations/pnl': ACT,
    'GET /reconciliations/runs': READ,
    'GET /reconciliations/runs/:id': READ,
    'GET /reconciliations/breaks': READ,
    'GET /reconciliations/breaks/summary': READ,
    'GET /reconciliations/breaks/:id': READ,
    // Investigating is one person's; resolving needs two (checked below).
    'PATCH /reconciliations/breaks/:id': ACT,
    'GET /periods': READ,
    'POST /periods/close': FOUR_EYES,
  },
  reporting: {
    'GET /summary': READ,
    'GET /eod-reports/:date': READ,
    'GET /activity/:ref': READ,
    'GET /reports/runs': READ,
    'GET /reports/runs/:id': READ,
    'GET /reports/runs/:id/files/:name': READ,
    'POST /reports/runs': ACT,
    'GET /activity-report': READ,
    'GET /mifir/reports': READ,
  },
  notification: {
    'GET /notifications': READ,
    'GET /notifications/:id': READ,
    'POST /notifications/:id/resend': ACT,
    'GET /notices': READ,
    'GET /notices/:id': READ,
    'GET /notices/:id/pdf': READ,
    'GET /avis/late': READ,
    'GET /summary': READ,
    'PUT /counterparty-contacts/:lei': ACT,
    'GET /counterparty-contacts/:lei': READ,
    'POST /webhook-secrets/:account/rotate': ACT,
    'GET /webhook-secrets/:account': READ,
  },
};
// Every service behind the gateway: its parked outbox events (the platform's routes).
for (const s of SERVICES) Object.assign(EXPECTED[s], { 'GET /outbox/parked': READ, 'GET /outbox/parked/count': READ });
const PUBLIC = ['GET /health', 'GET /health/live', 'GET /metrics'];

const concrete = (path: string) =>
  path
    .replace(':ref', 'FO-EQ:NONE')
    .replace(':id', randomUUID())
    .replace(':account', 'CLI-0001')
    .replace(':entity', 'instruments')
    .replace(':book', 'CLIENTS')
    .replace(':lei', '529900COUNTERPTY0129')
    .replace(':date', '2026-11-26')
    .replace(':name', 'file.txt');

describe('who may call each service', () => {
  let env: E2eEnv;
  const routes = new Map<Service, Route[]>();

  beforeAll(async () => {
    env = await e2eEnv('authz-matrix', { basePort: 5600, smtpUrl: 'smtp://127.0.0.1:1', services: SERVICES });
    for (const s of SERVICES) routes.set(s, await routesOf(s));
    await env.stack.startAll();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  const send = async (url: string, method: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: method === 'GET' ? undefined : '{}',
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return res.status;
  };

  it('the table names every route the services declare, with the roles and four-eyes marks they enforce', () => {
    for (const s of SERVICES) {
      const declared = Object.fromEntries(routes.get(s)!.map((r) => [`${r.method} ${r.path}`, r.fourEyes ? FOUR_EYES : [...r.roles].sort()] as const));
      const expected = Object.fromEntries(Object.entries(EXPECTED[s]).map(([k, v]) => [k, v === FOUR_EYES ? v : [...v].sort()]));
      expect({ service: s, routes: declared }).toEqual({ service: s, routes: expected });
    }
  });

  it('no token, an expired one, a forged one, the operators’ own token, a token of another service or another request, a spoofed identity header: 401 everywhere; the probes stay public', async () => {
    const key = env.stack.gatewayKey;
    const kid = (JSON.parse(key.privateJwkJson) as { kid: string }).kid;
    const gatewaysKey = await importJWK(JSON.parse(key.privateJwkJson) as Parameters<typeof importJWK>[0], 'ES256');
    // Another key presenting the gateway's key id: only the signature tells them apart.
    const forgersKey = (await generateKeyPair('ES256', { extractable: true })).privateKey;
    expect((await exportJWK(forgersKey)).d).not.toBe((JSON.parse(key.privateJwkJson) as { d: string }).d);
    const now = Math.floor(Date.now() / 1000);
    const sign = (with_: CryptoKey | Uint8Array, audience: string, method: string, path: string, times = { iat: now, exp: now + 60 }) =>
      new SignJWT({
        name: 'Sam Supervisor',
        roles: ['supervisor'],
        htm: method,
        htu: path,
        four_eyes: { proposal: 'p', maker: { sub: 'olivia.operator', roles: ['operator'] } },
      })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer('postera-gateway')
        .setAudience(audience)
        .setSubject('sam.supervisor')
        .setJti(randomUUID())
        .setIssuedAt(times.iat)
        .setExpirationTime(times.exp)
        .sign(with_);
    const operatorsIssuer = new LocalIssuer();
    const failures: string[] = [];
    for (const s of SERVICES) {
      const other = SERVICES.find((x) => x !== s)!;
      for (const r of routes.get(s)!) {
        const url = `${env.stack.url(s)}${concrete(r.path)}`;
        const path = new URL(url).pathname;
        const cases: Array<[string, Record<string, string>]> = [
          ['no token', {}],
          ['a spoofed identity header', { 'x-postera-user': 'sam.supervisor' }],
          ['an expired token', { authorization: `Bearer ${await sign(gatewaysKey, s, r.method, path, { iat: now - 200, exp: now - 140 })}` }],
          ['a token living too long', { authorization: `Bearer ${await sign(gatewaysKey, s, r.method, path, { iat: now - 130, exp: now + 3600 })}` }],
          ['a forged signature', { authorization: `Bearer ${await sign(forgersKey, s, r.method, path)}` }],
          ['the operators’ own token', { authorization: `Bearer ${await operatorsIssuer.token('sam', ['supervisor'], { audience: s })}` }],
          ['a token of another service', await key.headers(other, r.method, url, PEOPLE.supervisor, { maker: PEOPLE.operator })],
          ['a token for another request', await key.headers(s, r.method === 'GET' ? 'POST' : 'GET', url, PEOPLE.supervisor, { maker: PEOPLE.operator })],
          ['garbage', { authorization: 'Bearer not.a.jwt' }],
        ];
        for (const [label, headers] of cases) {
          const status = await send(url, r.method, headers);
          if (status !== 401) failures.push(`${s} ${r.method} ${r.path} with ${label}: ${status}`);
        }
      }
      for (const probe of PUBLIC) {
        const [method, path] = probe.split(' ') as [string, string];
        if ((await send(`${env.stack.url(s)}${path}`, method)) !== 200) failures.push(`${s} ${probe} is not public`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('each role: allowed roles pass the guard, the others get 403; a change for two people refuses any single identity and accepts the proof of both', async () => {
    const roles: Array<[Role, Person]> = [
      ['operator', PEOPLE.operator],
      ['supervisor', PEOPLE.supervisor],
      ['auditor', PEOPLE.auditor],
      ['admin', PEOPLE.admin],
    ];
    const failures: string[] = [];
    for (const s of SERVICES) {
      for (const r of routes.get(s)!) {
        const rule = EXPECTED[s][`${r.method} ${r.path}`]!;
        for (const [role, who] of roles) {
          const url = `${env.stack.url(s)}${concrete(r.path)}`;
          const status = await send(url, r.method, await env.stack.as(who, r.method, url));
          const allowed = rule !== FOUR_EYES && rule.includes(role);
          // Allowed: the request reaches its handler, which may refuse it for its own reasons (400, 404, 409, 422).
          if (allowed ? status === 401 || status === 403 : status !== 403) failures.push(`${s} ${r.method} ${r.path} as ${role}: ${status}`);
        }
        if (rule === FOUR_EYES) {
          const url = `${env.stack.url(s)}${concrete(r.path)}`;
          const both = await send(url, r.method, await env.stack.as(PEOPLE.supervisor, r.method, url, { maker: PEOPLE.operator }));
          if (both === 401 || both === 403) failures.push(`${s} ${r.method} ${r.path} with maker and checker: ${both}`);
          const self = await send(url, r.method, await env.stack.as(PEOPLE.supervisor, r.method, url, { maker: PEOPLE.supervisor }));
          if (self !== 403) failures.push(`${s} ${r.method} ${r.path} approved by its own maker: ${self}`);
          const operatorChecker = await send(url, r.method, await env.stack.as(PEOPLE.operator2, r.method, url, { maker: PEOPLE.operator }));
          if (operatorChecker !== 403) failures.push(`${s} ${r.method} ${r.path} approved by an operator: ${operatorChecker}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('resolving a break needs two people even though investigating it needs one', async () => {
    const url = `${env.stack.url('accounting')}/reconciliations/breaks/${randomUUID()}`;
    const res = await fetch(url, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...(await env.stack.as(PEOPLE.supervisor, 'PATCH', url)) },
      body: JSON.stringify({ status: 'RESOLVED', comment: 'alone' }),
    });
    expect(res.status).toBe(403);
  });

  it('a four-eyes token is spent once: the same request replayed is refused', async () => {
    const url = `${env.stack.url('capture')}/referential/import`;
    const headers = await env.stack.as(PEOPLE.supervisor, 'POST', url, { maker: PEOPLE.operator });
    const once = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    const twice = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect([once.status === 401 || once.status === 403 || once.status === 409, twice.status]).toEqual([false, 409]);
    const { rows } = await env.db.query<{ maker: string; checker: string; path: string }>(`SELECT maker, checker, path FROM capture.four_eyes_approvals`);
    expect(rows.filter((r) => r.path === '/referential/import').map((r) => [r.maker, r.checker])).toContainEqual(['olivia.operator', 'sam.supervisor']);
  });
});
