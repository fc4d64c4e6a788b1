import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { nextBusinessDay, TARGET } from '@postera/kernel';
import { dlqTopic, physicalTopic, Topics } from '@postera/contracts';
import { LocalIssuer, loadSampleReferential, PEOPLE, REPO_ROOT, type OperatorRole } from '@postera/devstack';
import { consumeAll, endOffsets, OpenApiAnswers, produceRaw, tradeEconomics, type OpenApiDocument } from '@postera/testing';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';

// The gateway's security on the built process, the real database and broker: the authorization
// matrix, maker-checker (and its proof carried to the service), the audit chain, the OpenAPI
// document, the keys it publishes, dead letters within their byte budget, CORS, rate limits.
jest.setTimeout(180_000);

const R = ['operator', 'supervisor', 'auditor'] as const;
/** The expected matrix, written out here (not read from the implementation): who may call what. */
const MATRIX: Array<{ method: 'GET' | 'POST' | 'PATCH' | 'PUT'; path: string; roles: OperatorRole[]; body?: unknown }> = [
  { method: 'GET', path: '/api/business-day', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/business-day/open', roles: ['supervisor', 'admin'], body: {} },
  { method: 'POST', path: '/api/business-day/close', roles: ['supervisor', 'admin'], body: {} },
  { method: 'GET', path: '/api/eod-summary', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/outbox/parked', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/outbox/parked/{service}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/trades/{ref}/timeline', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/exceptions', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/trades', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/volumes/by-hour', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/exceptions/{id}', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/proposals', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/proposals', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/proposals/{id}', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/proposals/{id}/approve', roles: ['supervisor'], body: {} },
  { method: 'POST', path: '/api/proposals/{id}/reject', roles: ['supervisor'], body: {} },
  { method: 'POST', path: '/api/proposals/{id}/withdraw', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/audit', roles: ['auditor', 'admin'] },
  { method: 'GET', path: '/api/audit/verify', roles: ['auditor', 'admin'] },
  { method: 'GET', path: '/api/dlq', roles: ['operator', 'supervisor', 'auditor'] },
  { method: 'GET', path: '/api/fails', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/penalties/daily', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/penalties/monthly', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/reference-prices', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/simulator/scenario', roles: [...R, 'admin'] },
  { method: 'PUT', path: '/api/simulator/scenario', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/positions/{account}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/cash', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/trades/{ref}/journal', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/fx/results', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/exports/{name}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/reconciliations/runs', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/reconciliations/runs/{id}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/reconciliations/breaks', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/reconciliations/breaks/{id}', roles: [...R, 'admin'] },
  { method: 'PATCH', path: '/api/reconciliations/breaks/{id}', roles: ['operator', 'supervisor'], body: {} },
  { method: 'POST', path: '/api/reconciliations/statements', roles: ['operator', 'supervisor'], body: {} },
  { method: 'POST', path: '/api/reconciliations/pnl', roles: ['operator', 'supervisor'], body: {} },
  { method: 'POST', path: '/api/fx-rates/ecb', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/reports/runs', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/reports/runs/{id}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/reports/runs/{id}/files/{name}', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/reports/runs', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/activity-report', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/notices', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/notifications', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/avis/late', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/counterparty-contacts/{lei}', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/notifications/{id}/resend', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/referential/{entity}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/chart', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/posting-rules', roles: [...R, 'admin'] },
  { method: 'PUT', path: '/api/books/{book}/recognition', roles: ['operator', 'supervisor'], body: {} },
  { method: 'GET', path: '/api/periods', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/trades/{ref}/held-events', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/fx/report', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/reconciliations/breaks/summary', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/reconciliations/desk-pnl', roles: ['operator', 'supervisor'], body: [] },
  { method: 'GET', path: '/api/eod-reports/{date}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/mifir/reports', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/notices/{id}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/notices/{id}/pdf', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/notifications/{id}', roles: [...R, 'admin'] },
  { method: 'GET', path: '/api/webhook-secrets/{account}', roles: [...R, 'admin'] },
  { method: 'POST', path: '/api/webhook-secrets/{account}/rotate', roles: ['operator', 'supervisor'], body: {} },
];
const ALL_ROLES: OperatorRole[] = ['operator', 'supervisor', 'auditor', 'admin'];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const LEI = '529900COUNTERPTY0129';
/** A route of the matrix with its parameters filled in: values no service holds, so a handler reached answers for itself. */
const concrete = (path: string) =>
  path
    .replace('{ref}', 'FO-EQ:NONE')
    .replace('{id}', UNKNOWN_ID)
    .replace('{account}', 'CLI-0001')
    .replace('{name}', 'fec')
    .replace('{lei}', LEI)
    .replace('{entity}', 'instruments')
    .replace('{book}', 'CLIENTS')
    .replace('{date}', '2026-11-26')
    .replace('{service}', 'capture');

/** The manual booking: the shared trade's fields as on trades.executed.v1, off venue (buy 150 TotalEnergies at 58.505 EUR for CLI-0003). */
const { executedAt, tradeDate, side, isin, quantity, price, priceType, currency, account, counterparty, capacity } = tradeEconomics('MANUAL:GW');
const trade = { executedAt, tradeDate, side, isin, quantity, price, priceType, currency, venue: 'XOFF', account, counterparty, capacity };

describe('gateway security, on the built process', () => {
  let env: E2eEnv;
  let gw: string;
  const issuer = () => env.stack.issuer;
  // The gateway believes the loopback proxy (TRUST_PROXY) about the client's address: each request
  // comes from an address of its own unless a test names one, so only the limit test shares one.
  let requests = 0;
  const nextAddress = () => {
    requests++;
    return `10.${(requests >> 16) & 255}.${(requests >> 8) & 255}.${requests & 255}`;
  };
  const call = async (method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${gw}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': nextAddress(),
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.headers ?? {}),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json: json as Record<string, unknown>, headers: res.headers };
  };
  const as = (sub: string, roles: OperatorRole[]) => issuer().token(sub, roles);

  beforeAll(async () => {
    env = await e2eEnv('gateway-security', {
      basePort: 5300,
      smtpUrl: 'smtp://127.0.0.1:1',
      // Notification for the counterparty contacts a proposal changes.
      services: ['gateway', 'capture', 'notification'],
      serviceEnv: {
        // The smallest dead-letter browse budget (64 KiB), so a few large letters go beyond it.
        gateway: { RATE_LIMIT_PER_MINUTE: '400', TRUST_PROXY: 'loopback', AUDIT_ANCHOR_INTERVAL_MS: '1000', DLQ_BROWSE_BYTES_MAX: '65536' },
      },
    });
    await env.stack.startAll();
    await loadSampleReferential(env.stack);
    gw = env.stack.url('gateway');
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('the OpenAPI document is valid and covers exactly the routes of the matrix', async () => {
    const doc = (await call('GET', '/api/docs-json')).json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    // Plus the platform's probes, public by design.
    expect(documented).toEqual([...MATRIX.map((r) => `${r.method} ${r.path}`), 'GET /health', 'GET /health/live', 'GET /metrics'].sort());
  });

  it('the OpenAPI document gives a schema with its fields for every request body', async () => {
    type Schema = { $ref?: string; type?: string; items?: Schema; properties?: Record<string, unknown>; anyOf?: Schema[] };
    const doc = (await call('GET', '/api/docs-json')).json as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
      components: { schemas: Record<string, Schema> };
    };
    const resolve = (s: Schema): Schema => (s.$ref ? doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]! : s);
    // A class's fields, [an array's], alternatives apart; a raw body (XML, CSV) is its media type.
    const fields = (s: Schema): string => {
      const r = resolve(s);
      if (r.anyOf) return r.anyOf.map(fields).join(' | ');
      if (r.type === 'array') return `[${fields(r.items!)}]`;
      return Object.keys(r.properties ?? {}).join(', ');
    };
    const bodies = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody)
        .map(
          ([m, op]) =>
            `${m.toUpperCase()} ${path}: ${Object.entries(op.requestBody!.content)
              .map(([media, { schema }]) => (resolve(schema).type === 'string' ? media : fields(schema)))
              .join(' or ')}`,
        ),
    );
    expect(bodies.sort()).toEqual(
      [
        'PATCH /api/reconciliations/breaks/{id}: status, comment',
        'POST /api/business-day/close: businessDate',
        'POST /api/business-day/open: businessDate',
        'POST /api/fx-rates/ecb: text/csv or csv',
        'POST /api/proposals: kind, params',
        'POST /api/proposals/{id}/reject: comment',
        'POST /api/proposals/{id}/withdraw: comment',
        'POST /api/reconciliations/desk-pnl: [book, date, currency, amount] or text/csv',
        'POST /api/reconciliations/statements: application/xml or text/xml',
        'POST /api/reference-prices: [isin, priceDate, price, priceType, currency]',
        'POST /api/reports/runs: kind, period, testRun',
        'POST /api/webhook-secrets/{account}/rotate: url',
        'PUT /api/books/{book}/recognition: recognition, effectiveFrom',
        'PUT /api/simulator/scenario: rules, failRate',
      ].sort(),
    );
  });

  it("a command the gateway owns that breaks its class's rules is a 400 naming every problem, before anything is done", async () => {
    const supervisor = await as('sam', ['supervisor']);
    const dayBefore = (await call('GET', '/api/business-day', { token: supervisor })).json;
    const day = await call('POST', '/api/business-day/open', { token: supervisor, body: { businessDate: '2026-02-30', when: 'now' } });
    expect(day.status).toBe(400);
    expect([...(day.json.problems as string[])].sort()).toEqual(['businessDate must be a date YYYY-MM-DD', 'property when should not exist']);
    const proposal = await call('POST', '/api/proposals', { token: await as('alice', ['operator']), body: { kind: 'MAKE_MONEY', params: ['x'] } });
    expect(proposal.status).toBe(400);
    expect((proposal.json.problems as string[]).map((p) => p.split(':')[0]).sort()).toEqual([
      'kind must be one of the following values',
      'params must be an object',
    ]);
    const reject = await call('POST', `/api/proposals/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/reject`, {
      token: supervisor,
      body: { comment: '   ' },
    });
    expect(reject).toMatchObject({ status: 400, json: { problems: ['comment must say why the proposal is rejected'] } });
    const work = await call('PATCH', `/api/reconciliations/breaks/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, {
      token: await as('alice', ['operator']),
      body: { status: 'CLOSED', comment: 'x'.repeat(2001) },
    });
    expect(work.status).toBe(400);
    expect([...(work.json.problems as string[])].sort()).toEqual([
      'comment must be shorter than or equal to 2000 characters',
      'status must be one of the following values: OPEN, INVESTIGATING, RESOLVED',
    ]);
    // Nothing reached the day's commands.
    expect((await call('GET', '/api/business-day', { token: supervisor })).json).toEqual(dayBefore);
  });

  it('the authorization matrix: every route, every role — allowed roles pass the guard, others get 403', async () => {
    const outcomes: string[] = [];
    for (const route of MATRIX) {
      const path = concrete(route.path);
      for (const role of ALL_ROLES) {
        const r = await call(route.method, path, { token: await as(`matrix-${role}`, [role]), body: route.body });
        const allowed = route.roles.includes(role);
        // Allowed: the request reaches its handler (which may refuse it for its own reasons: 400, 404, 409, 502).
        const ok = allowed ? r.status !== 401 && r.status !== 403 : r.status === 403;
        if (!ok) outcomes.push(`${route.method} ${route.path} as ${role}: ${r.status}`);
      }
    }
    expect(outcomes).toEqual([]);
  });

  it('no token, an expired token, a forged token, another audience: 401 on every route; health stays public', async () => {
    const expired = await issuer().token('late', ['supervisor'], { expiresIn: '-2m' });
    const forged = await new LocalIssuer().token('mallory', ['supervisor', 'admin']);
    const otherAudience = await issuer().token('elsewhere', ['supervisor'], { audience: 'another-app' });
    const tokens: Array<[string, string | undefined]> = [
      ['none', undefined],
      ['expired', expired],
      ['forged', forged],
      ['another audience', otherAudience],
      ['garbage', 'not.a.jwt'],
    ];
    const outcomes: string[] = [];
    for (const route of MATRIX) {
      const path = concrete(route.path);
      for (const [label, token] of tokens) {
        const r = await call(route.method, path, { token, body: route.body });
        if (r.status !== 401) outcomes.push(`${route.method} ${route.path} with ${label}: ${r.status}`);
      }
    }
    expect(outcomes).toEqual([]);
    expect((await call('GET', '/api/audit', { token: expired })).json.message).toBe('token expired: sign in again');
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/health/live')).status).toBe(200);
  });

  it('maker-checker: a double submission is refused, the maker cannot approve, an operator cannot approve, a second supervisor can', async () => {
    const alice = await as('alice', ['operator']);
    const sam = await as('sam', ['supervisor']);
    const bob = await as('bob', ['supervisor']);
    const proposed = await call('POST', '/api/proposals', { token: alice, body: { kind: 'BOOK_TRADE', params: { trade } } });
    expect(proposed.status).toBe(201);
    const id = String(proposed.json.proposalId);
    const again = await call('POST', '/api/proposals', { token: alice, body: { kind: 'BOOK_TRADE', params: { trade } } });
    expect(again.status).toBe(409);
    expect(String(again.json.message)).toContain(`already pending (${id})`);
    // An operator has no checker's role; the maker cannot approve even as a supervisor.
    expect((await call('POST', `/api/proposals/${id}/approve`, { token: alice })).status).toBe(403);
    const samProposal = await call('POST', '/api/proposals', {
      token: sam,
      body: { kind: 'REJECT_EXCEPTION', params: { exceptionId: UNKNOWN_ID, comment: 'test' } },
    });
    const selfApproval = await call('POST', `/api/proposals/${String(samProposal.json.proposalId)}/approve`, { token: sam });
    expect(selfApproval.status).toBe(403);
    expect(String(selfApproval.json.message)).toContain('a different person must approve it');

    const approved = await call('POST', `/api/proposals/${id}/approve`, { token: bob });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'EXECUTED', maker: 'alice', checker: 'bob' });
    const ref = (approved.json.result as { booked: { tradeRef: string } }).booked.tradeRef;
    const booked = await env.stack.read<Record<string, unknown>>(`${env.stack.url('capture')}/trades/${encodeURIComponent(ref)}`);
    expect([booked.status, booked.origin, booked.maker, booked.validatedBy, booked.validatedHow]).toEqual([
      'VALIDATED',
      'MANUAL',
      'alice',
      'bob',
      'MAKER_CHECKER',
    ]);
    // Decided once: approving again is a conflict, not a second booking.
    expect((await call('POST', `/api/proposals/${id}/approve`, { token: bob })).status).toBe(409);
    // The lists page oldest first by keyset and filter by kind and maker.
    const ids = async (q: string) =>
      ((await call('GET', `/api/proposals?${q}`, { token: bob })).json as unknown as Array<{ proposalId: string }>).map((p) => p.proposalId);
    expect(await ids('status=EXECUTED&maker=alice&kind=BOOK_TRADE')).toContain(id);
    expect(await ids('status=EXECUTED&maker=sam')).not.toContain(id);
    expect(await ids('status=PENDING&kind=REJECT_EXCEPTION&maker=sam')).toContain(String(samProposal.json.proposalId));
    const all = await ids('status=PENDING&limit=500');
    expect(all.length).toBeGreaterThan(0);
    const paged: string[] = [];
    for (let after: string | undefined, i = 0; i <= all.length; i++) {
      const page = await ids(`status=PENDING&limit=1${after ? `&after=${after}` : ''}`);
      if (page.length === 0) break;
      paged.push(...page);
      after = page[0];
    }
    expect(paged).toEqual(all);
    expect((await call('GET', '/api/proposals?limit=0', { token: bob })).status).toBe(400);
    // Capture kept its own proof of both people, one row per call the approval made (book, then validate).
    const { rows } = await env.db.query<{ proposal_id: string; maker: string; checker: string; path: string }>(
      `SELECT proposal_id, maker, checker, path FROM capture.four_eyes_approvals WHERE proposal_id = $1 ORDER BY used_at`,
      [id],
    );
    expect(rows.map((r) => [r.maker, r.checker, r.path])).toEqual([
      ['alice', 'bob', '/trades'],
      ['alice', 'bob', `/trades/${encodeURIComponent(ref)}/approve`],
    ]);
  });

  it('the maker may withdraw a proposal, never reject it; nobody else may withdraw it; a withdrawn proposal is not approved', async () => {
    const alice = await as('alice', ['operator']);
    const carol = await as('carol', ['supervisor']);
    const proposed = await call('POST', '/api/proposals', {
      token: carol,
      body: { kind: 'REJECT_EXCEPTION', params: { exceptionId: UNKNOWN_ID, comment: 'withdrawn' } },
    });
    const id = String(proposed.json.proposalId);
    const selfReject = await call('POST', `/api/proposals/${id}/reject`, { token: carol, body: { comment: 'mine' } });
    expect([selfReject.status, String(selfReject.json.message)]).toEqual([403, expect.stringContaining('you may withdraw it')]);
    expect((await call('POST', `/api/proposals/${id}/withdraw`, { token: alice })).status).toBe(403);
    const withdrawn = await call('POST', `/api/proposals/${id}/withdraw`, { token: carol, body: { comment: 'typo in the comment' } });
    expect([withdrawn.status, withdrawn.json]).toEqual([200, { proposalId: id, status: 'WITHDRAWN', withdrawnBy: 'carol' }]);
    const stored = (await call('GET', `/api/proposals/${id}`, { token: alice })).json;
    expect([stored.status, stored.maker, stored.checker, stored.comment]).toEqual(['WITHDRAWN', 'carol', null, 'typo in the comment']);
    expect((await call('POST', `/api/proposals/${id}/approve`, { token: await as('bob', ['supervisor']) })).status).toBe(409);
  });

  it('counterparty contacts: the proposal shows before → after, carries no secret, and applies once another supervisor approves', async () => {
    const sam = await as('sam', ['supervisor']);
    const bob = await as('bob', ['supervisor']);
    const notification = `${env.stack.url('notification')}/counterparty-contacts/${LEI}`;
    const put = async (body: unknown) => {
      const r = await fetch(notification, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(await env.stack.as(PEOPLE.operator, 'PUT', notification)) },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(200);
    };
    // What notification holds before: set there directly, a webhook with its own secret.
    const heldSecret = 'held-counterparty-secret-0001';
    await put({
      name: 'Counterparty A',
      language: 'fr',
      contacts: [
        { channel: 'EMAIL', address: 'ops@a.example' },
        { channel: 'WEBHOOK', address: 'https://hooks.a.example/postera', secret: heldSecret },
        { channel: 'EMAIL', address: 'old@a.example' },
      ],
    });
    const held = await call('GET', `/api/counterparty-contacts/${LEI}`, { token: await as('ada', ['auditor']) });
    expect([held.status, held.json.name, held.json.updatedBy]).toEqual([200, 'Counterparty A', PEOPLE.operator.id]);

    // A secret never goes through a proposal; neither does a list of mailboxes.
    const proposalSecret = 'proposal-secret-never-stored-0001';
    const withSecret = await call('POST', '/api/proposals', {
      token: sam,
      body: {
        kind: 'SET_COUNTERPARTY_CONTACTS',
        params: {
          lei: LEI,
          name: 'Counterparty A',
          language: 'fr',
          contacts: [{ channel: 'WEBHOOK', address: 'https://hooks.a.example/postera', secret: proposalSecret }],
        },
      },
    });
    expect([withSecret.status, withSecret.json.problems]).toEqual([
      400,
      [expect.stringMatching(/^contacts\[0\]\.secret: a webhook secret never goes through a proposal.*notification’s own route/)],
    ]);
    const twoMailboxes = await call('POST', '/api/proposals', {
      token: sam,
      body: {
        kind: 'SET_COUNTERPARTY_CONTACTS',
        params: { lei: LEI, name: 'Counterparty A', language: 'fr', contacts: [{ channel: 'EMAIL', address: 'ops@a.example,other@b.example' }] },
      },
    });
    expect([twoMailboxes.status, twoMailboxes.json.problems]).toEqual([
      400,
      ['contacts[0].address: one email address (no comma, semicolon, space or display name)'],
    ]);

    const params = {
      lei: LEI,
      name: 'Counterparty A SA',
      language: 'en',
      contacts: [
        { channel: 'EMAIL', address: 'ops@a.example' },
        { channel: 'WEBHOOK', address: 'https://hooks.a.example/postera' },
        { channel: 'EMAIL', address: 'new@a.example' },
      ],
    };
    const proposed = await call('POST', '/api/proposals', { token: sam, body: { kind: 'SET_COUNTERPARTY_CONTACTS', params } });
    expect(proposed.status).toBe(201);
    const id = String(proposed.json.proposalId);
    const change = {
      lei: LEI,
      basedOn: { updatedAt: held.json.updatedAt, updatedBy: PEOPLE.operator.id },
      name: { before: 'Counterparty A', after: 'Counterparty A SA' },
      language: { before: 'fr', after: 'en' },
      contacts: {
        added: [{ channel: 'EMAIL', address: 'new@a.example' }],
        removed: [{ channel: 'EMAIL', address: 'old@a.example', hasSecret: false }],
        unchanged: [
          { channel: 'EMAIL', address: 'ops@a.example', hasSecret: false },
          { channel: 'WEBHOOK', address: 'https://hooks.a.example/postera', hasSecret: true },
        ],
      },
    };
    const summary = `change the contacts of counterparty ${LEI}: name "Counterparty A" → "Counterparty A SA"; language fr → en; + EMAIL new@a.example; − EMAIL old@a.example`;
    expect([proposed.json.summary, proposed.json.change]).toEqual([summary, change]);
    const stored = (await call('GET', `/api/proposals/${id}`, { token: bob })).json;
    expect([stored.status, stored.summary, stored.params]).toEqual(['PENDING', summary, { ...params, change }]);

    // The maker cannot approve, even as a supervisor; another supervisor can, with the proof of both people.
    const self = await call('POST', `/api/proposals/${id}/approve`, { token: sam });
    expect([self.status, String(self.json.message)]).toEqual([403, expect.stringContaining('a different person must approve it')]);
    const approved = await call('POST', `/api/proposals/${id}/approve`, { token: bob });
    expect(approved.json).toMatchObject({ status: 'EXECUTED', maker: 'sam', checker: 'bob' });
    const now = (await call('GET', `/api/counterparty-contacts/${LEI}`, { token: sam })).json;
    expect([now.name, now.language, now.contacts, now.updatedBy]).toEqual([
      'Counterparty A SA',
      'en',
      [
        { channel: 'EMAIL', address: 'ops@a.example', hasSecret: false },
        // The webhook kept at its address keeps its own secret: the proposal carried none and removed none.
        { channel: 'WEBHOOK', address: 'https://hooks.a.example/postera', hasSecret: true },
        { channel: 'EMAIL', address: 'new@a.example', hasSecret: false },
      ],
      'sam',
    ]);
    const { rows: proofs } = await env.db.query<{ maker: string; checker: string; method: string; path: string }>(
      `SELECT maker, checker, method, path FROM notification.four_eyes_approvals WHERE proposal_id = $1`,
      [id],
    );
    expect(proofs).toEqual([{ maker: 'sam', checker: 'bob', method: 'PUT', path: `/counterparty-contacts/${LEI}` }]);

    // Contacts changed after a proposal was made: its approval is refused, nothing is put.
    const stale = await call('POST', '/api/proposals', { token: sam, body: { kind: 'SET_COUNTERPARTY_CONTACTS', params: { ...params, language: 'fr' } } });
    expect(stale.status).toBe(201);
    await put({ name: 'Counterparty A SA', language: 'en', contacts: [{ channel: 'EMAIL', address: 'desk@a.example' }] });
    const refused = await call('POST', `/api/proposals/${String(stale.json.proposalId)}/approve`, { token: bob });
    expect(refused.json).toMatchObject({ status: 'FAILED', result: { status: 409 } });
    const after = (await call('GET', `/api/counterparty-contacts/${LEI}`, { token: sam })).json;
    expect([after.language, after.contacts]).toEqual(['en', [{ channel: 'EMAIL', address: 'desk@a.example', hasSecret: false }]]);

    // No secret is stored by the gateway, in its proposals or its audit log.
    for (const secret of [proposalSecret, heldSecret]) {
      const { rows } = await env.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM gateway.proposals p WHERE p::text LIKE $1)::int + (SELECT count(*) FROM gateway.audit_log a WHERE a::text LIKE $1)::int AS n`,
        [`%${secret}%`],
      );
      expect([secret, rows[0]!.n]).toEqual([secret, 0]);
    }
  });

  it('publishes the public key of the tokens it signs for the services, and nothing private', async () => {
    const r = await call('GET', '/.well-known/jwks.json');
    expect(r.status).toBe(200);
    const published = (r.json as unknown as { keys: Array<Record<string, unknown>> }).keys;
    const mine = (JSON.parse(env.stack.gatewayKey.jwksJson) as { keys: Array<Record<string, unknown>> }).keys;
    expect(published.map((k) => [k.kid, k.kty, k.crv, k.x, k.y, k.alg, 'd' in k])).toEqual(mine.map((k) => [k.kid, 'EC', 'P-256', k.x, k.y, 'ES256', false]));
  });

  it('a service refuses a change for two people made with one identity, whatever the path: nothing is imported', async () => {
    const url = `${env.stack.url('capture')}/referential/import`;
    const before = await env.db.query(`SELECT count(*)::int AS n FROM capture.referential_history`);
    const body = JSON.stringify({ instruments: [{ isin: 'FR0000131104', name: 'BNP PARIBAS', currency: 'EUR', kind: 'EQUITY' }] });
    const alone = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await env.stack.as(PEOPLE.supervisor, 'POST', url)) },
      body,
    });
    const spoofed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-postera-user': 'sam.supervisor' }, body });
    expect([alone.status, spoofed.status]).toEqual([403, 401]);
    expect((await env.db.query(`SELECT count(*)::int AS n FROM capture.referential_history`)).rows).toEqual(before.rows);
  });

  it('the audit chain verifies with its MACs and anchor, refuses any change, and detects a row altered behind its back', async () => {
    const auditor = await as('ada', ['auditor']);
    await call('POST', '/api/business-day/open', { token: await as('sam', ['supervisor']), body: { businessDate: '2026-11-26' } });
    // The gateway anchors its head every second here (AUDIT_ANCHOR_INTERVAL_MS): wait for an anchor at the head.
    let before = await call('GET', '/api/audit/verify', { token: auditor });
    for (let i = 0; i < 50 && (before.json.anchor as { seq?: number } | null)?.seq !== before.json.headSeq; i++) {
      await new Promise((r) => setTimeout(r, 200));
      before = await call('GET', '/api/audit/verify', { token: auditor });
    }
    expect(before.json).toMatchObject({ ok: true, from: 'genesis', fromSeq: 0, anchor: { seq: before.json.headSeq } });
    expect((await call('GET', '/api/audit/verify?from=anchor', { token: auditor })).json).toMatchObject({ ok: true, from: 'anchor', rows: 1 });
    expect((await call('GET', '/api/audit/verify?from=yesterday', { token: auditor })).status).toBe(400);
    const page = (await call('GET', '/api/audit?limit=1000', { token: auditor })).json as unknown as Array<{ actor: string; action: string; keyId: string }>;
    expect(page).toHaveLength(Number(before.json.rows));
    expect(new Set(page.map((r) => r.keyId)).size).toBe(1); // every row MACed, with one key
    // Actions refused by a service are audited too (the matrix's uploads to an accounting that is not running here).
    expect(
      page
        .filter((r) => r.action === 'UPLOAD STATEMENT')
        .map((r) => r.actor)
        .sort(),
    ).toEqual(['matrix-operator', 'matrix-supervisor']);
    expect(page.map((r) => `${r.actor} ${r.action}`)).toEqual(
      expect.arrayContaining(['alice PROPOSE BOOK_TRADE', 'sam PROPOSE REJECT_EXCEPTION', 'bob APPROVE BOOK_TRADE', 'sam BUSINESS_DAY OPEN']),
    );
    // Nobody can change it through the database either: the append-only trigger refuses.
    await expect(env.db.query(`UPDATE gateway.audit_log SET actor = 'mallory' WHERE seq = 2`)).rejects.toThrow(/append-only/);
    // Someone with the rights to disable the trigger alters a row: its MAC no longer holds.
    await env.db.query(`ALTER TABLE gateway.audit_log DISABLE TRIGGER audit_log_no_update`);
    await env.db.query(`UPDATE gateway.audit_log SET actor = 'mallory' WHERE seq = 2`);
    await env.db.query(`ALTER TABLE gateway.audit_log ENABLE TRIGGER audit_log_no_update`);
    const after = await call('GET', '/api/audit/verify', { token: auditor });
    expect(after.json).toEqual({ ok: false, seq: 2, problem: 'the row does not match its MAC (altered after it was written)' });
    // The same verdict from the command line, straight from the database, with the gateway's key and anchor file.
    const gatewayEnv = env.stack.env('gateway');
    const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'services/gateway/dist/audit-verify.js')], {
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        AUDIT_MAC_KEY: gatewayEnv.AUDIT_MAC_KEY,
        AUDIT_MAC_KEY_ID: gatewayEnv.AUDIT_MAC_KEY_ID ?? 'k1',
        AUDIT_ANCHOR_FILE: gatewayEnv.AUDIT_ANCHOR_FILE,
      },
      encoding: 'utf8',
    });
    expect([cli.status, JSON.parse(cli.stdout)]).toEqual([1, { ok: false, seq: 2, problem: 'the row does not match its MAC (altered after it was written)' }]);
  });

  it('dead letters: browsed with their error and bytes, replayed once to their original topic after a second person approves', async () => {
    const original = physicalTopic(env.prefix, Topics.prices);
    await produceRaw(env.prefix, dlqTopic(Topics.prices), [
      {
        key: 'FO-EQ:T-DLQ',
        value: '{"not":"an envelope"}',
        headers: {
          'dlq-error': 'envelope: eventId: not a uuid',
          'dlq-attempts': '1',
          'dlq-consumer': 'settlement.prices',
          'dlq-original-topic': original,
          'dlq-original-partition': '3',
          'dlq-original-offset': '17',
          'x-trace': 'abc',
        },
      },
    ]);
    const alice = await as('alice', ['operator']);
    const letters = (await call('GET', `/api/dlq?topic=${Topics.prices}`, { token: alice })).json as unknown as Array<Record<string, unknown>>;
    expect(letters.map((l) => [l.key, l.error, l.consumer, l.originalTopic, l.value])).toEqual([
      ['FO-EQ:T-DLQ', 'envelope: eventId: not a uuid', 'settlement.prices', original, '{"not":"an envelope"}'],
    ]);
    const params = { topic: Topics.prices, partition: letters[0]!.partition, offset: letters[0]!.offset };
    const proposal = await call('POST', '/api/proposals', { token: alice, body: { kind: 'REPLAY_DLQ', params } });
    const approved = await call('POST', `/api/proposals/${String(proposal.json.proposalId)}/approve`, { token: await as('bob', ['supervisor']) });
    expect(approved.json).toMatchObject({ status: 'EXECUTED', result: { topic: original } });
    const back = await consumeAll(original, { expected: 1, timeoutMs: 10_000 });
    expect(back.map((m) => [m.key, m.value, m.headers['x-trace'], m.headers['dlq-error']])).toEqual([
      ['FO-EQ:T-DLQ', '{"not":"an envelope"}', 'abc', undefined],
    ]);
    // A second replay of the same letter is refused when approved.
    const again = await call('POST', '/api/proposals', { token: alice, body: { kind: 'REPLAY_DLQ', params } });
    const refused = await call('POST', `/api/proposals/${String(again.json.proposalId)}/approve`, { token: await as('bob', ['supervisor']) });
    expect(refused.json).toMatchObject({ status: 'FAILED', result: { status: 409 } });

    // A record on the dead-letter topic naming another topic as its home is not sent there.
    await produceRaw(env.prefix, dlqTopic(Topics.prices), [
      {
        key: 'FO-EQ:T-FORGED',
        value: '{"forged":true}',
        headers: { 'dlq-error': 'x', 'dlq-original-topic': physicalTopic(env.prefix, Topics.tradesExecuted) },
      },
    ]);
    const all = (await call('GET', `/api/dlq?topic=${Topics.prices}`, { token: alice })).json as unknown as Array<Record<string, unknown>>;
    const forged = all.find((l) => l.key === 'FO-EQ:T-FORGED')!;
    const misdirected = await call('POST', '/api/proposals', {
      token: alice,
      body: { kind: 'REPLAY_DLQ', params: { topic: Topics.prices, partition: forged.partition, offset: forged.offset } },
    });
    const stopped = await call('POST', `/api/proposals/${String(misdirected.json.proposalId)}/approve`, { token: await as('bob', ['supervisor']) });
    expect(stopped.json).toMatchObject({ status: 'FAILED', result: { status: 422 } });
    const ends = await endOffsets(physicalTopic(env.prefix, Topics.tradesExecuted));
    expect([...ends.values()].reduce((n, o) => n + Number(o), 0)).toBe(0);
  });

  it('dead letters: a page at a time, each letter once, the next page where the one before ended in each partition', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `FO-EQ:T-PAGE-${i}`);
    await produceRaw(
      env.prefix,
      dlqTopic(Topics.confirmationsReceived),
      keys.map((key) => ({ key, value: `{"page":"${key}"}`, headers: { 'dlq-error': 'x', 'dlq-original-topic': 'elsewhere' } })),
    );
    const alice = await as('alice', ['operator']);
    const pages: string[][] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await call('GET', `/api/dlq?topic=${Topics.confirmationsReceived}&limit=3${after === null ? '' : `&after=${after}`}`, { token: alice });
      const letters = page.json as unknown as Array<{ key: string }>;
      if (letters.length === 0) break;
      pages.push(letters.map((l) => l.key));
      after = page.headers.get('x-dlq-next');
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().sort()).toEqual([...keys].sort());
    const bad = await call('GET', `/api/dlq?topic=${Topics.confirmationsReceived}&after=latest`, { token: alice });
    expect(bad.status).toBe(400);
  });

  it('dead letters: a browse stops at its byte budget (x-dlq-truncated), and a letter beyond it is still replayed', async () => {
    const original = physicalTopic(env.prefix, Topics.fxRates);
    // Five letters of 30,000 bytes, one key (one partition, in order): the 64 KiB budget holds two.
    const size = 30_000;
    const values = [0, 1, 2, 3, 4].map((n) => {
      const head = `{"letter":${n},"pad":"`;
      return `${head}${'x'.repeat(size - head.length - 2)}"}`;
    });
    await produceRaw(
      env.prefix,
      dlqTopic(Topics.fxRates),
      values.map((value) => ({ key: 'FX:BIG', value, headers: { 'dlq-error': 'too large to handle', 'dlq-original-topic': original } })),
    );
    const alice = await as('alice', ['operator']);
    const cut = await call('GET', `/api/dlq?topic=${Topics.fxRates}`, { token: alice });
    const letters = cut.json as unknown as Array<{ partition: number; offset: string; valueBytes: number; valueBase64: string }>;
    expect([cut.status, cut.headers.get('x-dlq-truncated'), cut.headers.get('x-dlq-bytes-read')]).toEqual([200, 'true', String(2 * size)]);
    expect(letters.map((l) => [l.offset, l.valueBytes, Buffer.from(l.valueBase64, 'base64').toString('utf8')])).toEqual([
      ['0', size, values[0]],
      ['1', size, values[1]],
    ]);
    // Stopped by the limit, not the budget: not truncated.
    const one = await call('GET', `/api/dlq?topic=${Topics.fxRates}&limit=1`, { token: alice });
    expect([one.headers.get('x-dlq-truncated'), one.headers.get('x-dlq-bytes-read'), (one.json as unknown as unknown[]).length]).toEqual([
      'false',
      String(size),
      1,
    ]);

    // The fourth letter, past what a browse shows, is found and replayed on its own.
    const params = { topic: Topics.fxRates, partition: letters[0]!.partition, offset: '3' };
    const proposal = await call('POST', '/api/proposals', { token: alice, body: { kind: 'REPLAY_DLQ', params } });
    const approved = await call('POST', `/api/proposals/${String(proposal.json.proposalId)}/approve`, { token: await as('bob', ['supervisor']) });
    expect(approved.json).toMatchObject({ status: 'EXECUTED', result: { topic: original } });
    const back = await consumeAll(original, { expected: 1, timeoutMs: 10_000 });
    expect(back.map((m) => [m.key, m.value, m.headers['replayed-from']])).toEqual([
      ['FX:BIG', values[3], `${physicalTopic(env.prefix, dlqTopic(Topics.fxRates))}/${letters[0]!.partition}/3`],
    ]);
  });

  it("parked outbox events: a count per process (a service that does not answer named), and a process's events page by id; an unknown process is a 400", async () => {
    const alice = await as('alice', ['operator']);
    // Three capture events the broker refused, one of the gateway's: parked as the relay parks them (outbox-relay.ts).
    const park = (schema: string, id: number, topic: string, parkedAt: string) =>
      env.db.query(
        `INSERT INTO ${schema}.outbox_parked (id, event_id, topic, message_key, value, headers, created_at, parked_at, refusal)
         VALUES ($1, gen_random_uuid(), $2, 'FO-EQ:PARKED', repeat('x', 2048), '{}', now(), $3, 'MESSAGE_TOO_LARGE')`,
        [id, topic, parkedAt],
      );
    for (const [id, day] of [
      [1_000_007, '02'],
      [1_000_008, '03'],
      [1_000_009, '04'],
    ] as const)
      await park('capture', id, Topics.tradeEvents, `2026-12-${day}T10:00:00Z`);
    await park('gateway', 1_000_001, Topics.businessDay, '2026-12-01T10:00:00Z');

    const count = await call('GET', '/api/outbox/parked', { token: alice });
    expect(count.status).toBe(200);
    expect(count.json).toEqual({
      services: [
        { service: 'gateway', total: 1, oldestParkedAt: '2026-12-01T10:00:00.000Z' },
        { service: 'capture', total: 3, oldestParkedAt: '2026-12-02T10:00:00.000Z' },
        // Not started here: named, not counted.
        { service: 'settlement', total: null, oldestParkedAt: null, unavailable: expect.stringMatching(/^settlement answered 5\d\d$/) },
        { service: 'accounting', total: null, oldestParkedAt: null, unavailable: expect.stringMatching(/^accounting answered 5\d\d$/) },
        { service: 'reporting', total: null, oldestParkedAt: null, unavailable: expect.stringMatching(/^reporting answered 5\d\d$/) },
        { service: 'notification', total: 0, oldestParkedAt: null },
      ],
    });

    const page = async (q: string) => (await call('GET', `/api/outbox/parked/capture${q}`, { token: alice })).json as unknown as Array<Record<string, unknown>>;
    const first = await page('?limit=2');
    expect(first.map((e) => [e.id, e.topic, e.key, e.bytes, e.refusal])).toEqual([
      ['1000007', Topics.tradeEvents, 'FO-EQ:PARKED', 2048, 'MESSAGE_TOO_LARGE'],
      ['1000008', Topics.tradeEvents, 'FO-EQ:PARKED', 2048, 'MESSAGE_TOO_LARGE'],
    ]);
    expect((await page('?limit=2&after=1000008')).map((e) => e.id)).toEqual(['1000009']);
    expect((await page('?after=1000009')).map((e) => e.id)).toEqual([]);
    expect((await call('GET', '/api/outbox/parked/gateway', { token: alice })).json).toMatchObject([{ id: '1000001', bytes: 2048 }]);
    expect((await call('GET', '/api/outbox/parked/market-sim', { token: alice })).status).toBe(400);
    expect((await call('GET', '/api/outbox/parked/capture?after=latest', { token: alice })).status).toBe(400);
    await env.db.query(`DELETE FROM capture.outbox_parked WHERE id > 1000000`);
    await env.db.query(`DELETE FROM gateway.outbox_parked WHERE id > 1000000`);
  });

  it('CORS is closed: a preflight from a browser origin gets no allow-origin', async () => {
    const r = await fetch(`${gw}/api/eod-summary`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a request over the size limit is refused with 413', async () => {
    const big = { kind: 'IMPORT_REFERENTIAL', params: { referential: { accounts: [{ account: 'x'.repeat(300_000) }] } } };
    expect((await call('POST', '/api/proposals', { token: await as('alice', ['operator']), body: big })).status).toBe(413);
  });

  it('failed sign-ins are limited per client address, apart: past 60 a minute they get 429, a valid token from there still passes', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await call('GET', '/api/business-day', { token: 'not.a.jwt', headers: from })).status);
    expect([statuses.slice(0, 60).every((s) => s === 401), statuses[60]]).toEqual([true, 429]);
    expect((await call('GET', '/api/business-day', { headers: from })).status).toBe(429);
    expect((await call('GET', '/api/business-day', { token: await as('calm', ['operator']), headers: from })).status).toBe(200);
    expect((await call('GET', '/api/business-day', { token: 'not.a.jwt', headers: { 'x-forwarded-for': '203.0.113.10' } })).status).toBe(401);
  });

  it('rate limit: past 400 requests a minute an operator gets 429, another operator does not', async () => {
    const flood = await as('flood', ['operator']);
    let first429 = 0;
    for (let i = 1; i <= 401; i++) {
      const r = await call('GET', '/api/business-day', { token: flood });
      if (r.status === 429) {
        first429 = i;
        break;
      }
    }
    expect(first429).toBe(401);
    expect((await call('GET', '/api/business-day', { token: await as('calm', ['operator']) })).status).toBe(200);
  });
  it('the answers of the business day and of proposals are what their schemas in the OpenAPI document say', async () => {
    const answers = new OpenApiAnswers((await call('GET', '/api/docs-json')).json as unknown as OpenApiDocument);
    const mismatches: string[] = [];
    const answer = async (method: string, path: string, route: string, token: string, body?: unknown) => {
      const r = await call(method, path, { token, body });
      if (answers.schemaOf(method, path, r.status) === undefined) mismatches.push(`${method} ${route} ${r.status}: no schema for this answer`);
      mismatches.push(...answers.problems(method, path, r.status, r.json));
      return r;
    };
    const [alice, bob, sam] = await Promise.all([as('alice', ['operator']), as('bob', ['supervisor']), as('sam', ['supervisor'])]);

    // The next business day after where the day stands (earlier tests may have moved it), opened twice and closed.
    const now = (await answer('GET', '/api/business-day', '/api/business-day', sam)).json as { businessDate: string | null; status: string };
    if (now.status === 'OPEN') await answer('POST', '/api/business-day/close', '/api/business-day/close', sam, { businessDate: now.businessDate });
    const next = now.businessDate ? nextBusinessDay(now.businessDate, TARGET) : '2026-12-01';
    await answer('POST', '/api/business-day/open', '/api/business-day/open', sam, { businessDate: next });
    expect((await answer('POST', '/api/business-day/open', '/api/business-day/open', sam, { businessDate: next })).json).toMatchObject({ alreadyDone: true });
    await answer('GET', '/api/business-day', '/api/business-day', sam);
    await answer('POST', '/api/business-day/close', '/api/business-day/close', sam, { businessDate: next });

    const proposal = async (comment: string) =>
      (await answer('POST', '/api/proposals', '/api/proposals', alice, { kind: 'REJECT_EXCEPTION', params: { exceptionId: UNKNOWN_ID, comment } })).json
        .proposalId as string;
    const withdrawn = await proposal('schema check: withdrawn');
    await answer('GET', `/api/proposals/${withdrawn}`, '/api/proposals/{id}', bob);
    await answer('POST', `/api/proposals/${withdrawn}/withdraw`, '/api/proposals/{id}/withdraw', alice, { comment: 'not needed' });
    const rejected = await proposal('schema check: rejected');
    await answer('POST', `/api/proposals/${rejected}/reject`, '/api/proposals/{id}/reject', bob, { comment: 'no such exception' });
    // Approved, the service refuses it (no such exception): a FAILED decision carrying the service's answer.
    const failed = await proposal('schema check: approved');
    const decided = await answer('POST', `/api/proposals/${failed}/approve`, '/api/proposals/{id}/approve', bob);
    expect(decided.json).toMatchObject({ status: 'FAILED', result: { status: 404 } });
    for (const status of ['PENDING', 'WITHDRAWN', 'REJECTED', 'FAILED', 'EXECUTED'])
      await answer('GET', `/api/proposals?status=${status}`, '/api/proposals', bob);

    expect(mismatches).toEqual([]);
  });
});
