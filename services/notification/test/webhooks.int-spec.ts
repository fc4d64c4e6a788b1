import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { SmtpSink } from '@postera/testing';
import { waitFor } from '@postera/testing';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { verifyWebhook } from '../src/delivery/webhook-signature.js';
import { account, accountUpserted, caughtUp, getJson, notificationEnv, publish, Topics, trade, validated } from './notification-fixtures.js';

// Webhooks received by a real HTTP server on loopback: signed, retried with exponential backoff,
// FAILED after the last attempt, resent by an operator.
jest.setTimeout(120_000);

const SECRET = 'a-webhook-secret-for-the-tests-0001';
const BACKOFF_BASE_MS = 400;
const ATTEMPTS_MAX = 4;

interface Received {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('webhooks: signed, retried with backoff, failed, resent', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;
  let server: Server;
  let port = 0;
  const received: Received[] = [];
  /** Status the receiver answers per path. */
  const answer = new Map<string, number>();
  const url = () => env.stack.url('notification');

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = answer.get(req.url ?? '') ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
    ({ env, smtp } = await notificationEnv('notif-webhook', 5110, {
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_BACKOFF_BASE_MS: String(BACKOFF_BASE_MS),
      WEBHOOK_ATTEMPTS_MAX: String(ATTEMPTS_MAX),
    }));
    await env.stack.startAll();
    await publish(
      env,
      Topics.refdataAccounts,
      // Both channels for one client: one email and one webhook per notice.
      accountUpserted(
        account({ account: 'CLI-OK', language: 'en', contacts: [{ channel: 'EMAIL', address: 'ops@client-ok.example' }, { channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/ok` }] }),
      ),
      accountUpserted(account({ account: 'CLI-KO', language: 'fr', contacts: [{ channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/ko` }] })),
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
    await new Promise((r) => server?.close(r));
  });

  it('POSTs the notice as JSON, signed with HMAC-SHA256 over timestamp and body, with an idempotency key; the email goes out beside it', async () => {
    const t = trade('FO-EQ:W-1', { account: 'CLI-OK' });
    await publish(env, Topics.tradeEvents, validated(t));
    await waitFor(() => received.some((r) => r.path === '/ok'), { timeoutMs: 20_000, what: 'the webhook' });
    await smtp.waitFor(1, 20_000);
    const hook = received.find((r) => r.path === '/ok')!;
    const ts = hook.headers['x-postera-timestamp'] as string;
    const sig = hook.headers['x-postera-signature'] as string;
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, ts, sig, hook.body, Math.floor(Date.now() / 1000))).toBe(true);
    // A changed body, or another secret, does not verify.
    expect(verifyWebhook(SECRET, ts, sig, hook.body.replace('8775.75', '8775.76'), Math.floor(Date.now() / 1000))).toBe(false);
    expect(verifyWebhook('another-secret-of-16-chars', ts, sig, hook.body, Math.floor(Date.now() / 1000))).toBe(false);
    const body = JSON.parse(hook.body) as { notificationId: string; kind: string; language: string; text: string; document: { content: Record<string, unknown> } };
    expect(hook.headers['idempotency-key']).toBe(body.notificationId);
    expect(body.kind).toBe('AVIS_OPERE');
    expect(body.text).toContain('Trade confirmation'.toUpperCase());
    expect(body.document.content).toMatchObject({ totalConsideration: '8775.75', netAmount: '8784.53', quantity: '150' });
    const deliveries = await getJson<Array<{ channel: string; status: string }>>(`${url()}/notifications?tradeRef=${encodeURIComponent(t.tradeRef)}`);
    await waitFor(async () => (await getJson<Array<{ status: string }>>(`${url()}/notifications?tradeRef=${encodeURIComponent(t.tradeRef)}`)).body.every((d) => d.status === 'SENT'), {
      timeoutMs: 10_000,
      what: 'both deliveries SENT',
    });
    expect(deliveries.body.map((d) => d.channel).sort()).toEqual(['EMAIL', 'WEBHOOK']);
  });

  it('retries a refusing receiver with exponential backoff, marks the delivery FAILED after the last attempt, and an operator resends it', async () => {
    answer.set('/ko', 503);
    const t = trade('FO-EQ:W-2', { account: 'CLI-KO' });
    await publish(env, Topics.tradeEvents, validated(t));
    const list = () => getJson<Array<{ notificationId: string; status: string; attempts: number; lastError: string | null }>>(`${url()}/notifications?tradeRef=${encodeURIComponent(t.tradeRef)}`);
    await waitFor(async () => (await list()).body[0]?.status === 'FAILED', { timeoutMs: 30_000, what: 'the webhook to be FAILED' });
    const tries = received.filter((r) => r.path === '/ko');
    expect(tries).toHaveLength(ATTEMPTS_MAX);
    // The same delivery every time: one idempotency key, the attempt number rising.
    expect(new Set(tries.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(tries.map((r) => r.headers['x-postera-attempt'])).toEqual(['1', '2', '3', '4']);
    // Waits of 400, 800, 1600 ms (at least; the loop polls every 50 ms).
    const gaps = tries.slice(1).map((r, i) => r.at - tries[i]!.at);
    gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(BACKOFF_BASE_MS * 2 ** i - 50));
    expect(gaps[2]!).toBeGreaterThan(gaps[0]! * 2);
    const [failed] = (await list()).body;
    expect(failed).toMatchObject({ status: 'FAILED', attempts: ATTEMPTS_MAX, lastError: 'HTTP 503' });
    const detail = await getJson<{ deliveryAttempts: Array<{ outcome: string; error: string; response: string }> }>(`${url()}/notifications/${failed!.notificationId}`);
    expect(detail.body.deliveryAttempts.map((a) => [a.outcome, a.error])).toEqual(Array(ATTEMPTS_MAX).fill(['ERROR', 'HTTP 503']));
    expect((await getJson<Array<{ status: string }>>(`${url()}/notifications?status=FAILED`)).body).toHaveLength(1);

    // Resend: refused without an operator, then done by one once the receiver is fixed.
    const resend = (headers: Record<string, string>) => fetch(`${url()}/notifications/${failed!.notificationId}/resend`, { method: 'POST', headers });
    expect((await resend({})).status).toBe(400);
    answer.set('/ko', 200);
    expect((await resend({ 'x-postera-user': 'bob' })).status).toBe(202);
    await waitFor(async () => (await list()).body[0]?.status === 'SENT', { timeoutMs: 20_000, what: 'the resent webhook to be SENT' });
    expect((await resend({ 'x-postera-user': 'bob' })).status).toBe(409); // SENT is not sent twice
    const after = await getJson<{ resentBy: string; deliveryAttempts: Array<{ attemptNo: number; outcome: string }>; operatorActions: Array<{ action: string; operator: string }> }>(
      `${url()}/notifications/${failed!.notificationId}`,
    );
    expect(after.body.resentBy).toBe('bob');
    expect(after.body.operatorActions.map((a) => [a.action, a.operator])).toEqual([['RESEND', 'bob']]);
    expect(after.body.deliveryAttempts.map((a) => a.outcome)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR', 'SENT']);
    expect(received.filter((r) => r.path === '/ko')).toHaveLength(ATTEMPTS_MAX + 1);
  });
});
