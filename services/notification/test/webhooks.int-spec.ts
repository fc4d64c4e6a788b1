import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PEOPLE } from '@postera/devstack';
import type { SmtpSink } from '@postera/testing';
import { waitFor } from '@postera/testing';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { openSecret } from '../src/contacts/domain/webhook-secret-box.js';
import { verifyWebhook } from '../src/delivery/webhook-signature.js';
import {
  account,
  accountUpserted,
  callAs,
  caughtUp,
  counterpartyConfirmationIssued,
  getJson,
  hugeAnswer,
  notificationEnv,
  publish,
  TEST_WEBHOOK_SECRETS_KEY,
  Topics,
  trade,
  validated,
} from './notification-fixtures.js';

// Webhooks received by a real HTTP server on loopback: signed, retried with exponential backoff,
// FAILED after the last attempt, resent by an operator.
jest.setTimeout(120_000);

const SECRET = 'a-webhook-secret-for-the-tests-0001';
/** A counterparty's own secret, set through the API: stored sealed, never in plaintext. */
const CPTY_SECRET = 'the-counterparty-own-webhook-secret-7f3a';
const CPTY_LEI = '529900T8BM49AURSDO55';
const BACKOFF_BASE_MS = 400;
const ATTEMPTS_MAX = 4;

/** 50 MB from one buffer, written as fast as the sender reads it. */
const huge = hugeAnswer();

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
  const rotate = async (acc: string, who = PEOPLE.operator) => {
    const res = await callAs(env, `${url()}/webhook-secrets/${acc}/rotate`, { method: 'POST', who, body: {} });
    expect(res.status).toBe(200);
    return (await res.json()) as { secrets: Array<{ url: string; secret: string; previousValidUntil: string | null }> };
  };
  /** The resident memory of the notification process (Linux), null elsewhere. */
  const rssOfNotification = async (): Promise<number | null> => {
    const pid = env.stack.running.get('notification')?.process.pid;
    const status = pid ? await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null) : null;
    const kb = status ? /VmRSS:\s+(\d+) kB/.exec(status)?.[1] : undefined;
    return kb ? Number(kb) * 1024 : null;
  };
  const hooksTo = (path: string) => received.filter((r) => r.path === path);
  const deliveriesOf = (ref: string) =>
    getJson<Array<{ notificationId: string; recipient: string; status: string; attempts: number; lastError: string | null }>>(
      env,
      `${url()}/notifications?tradeRef=${encodeURIComponent(ref)}`,
    );

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = answer.get(req.url ?? '') ?? 200;
        if (req.url === '/huge') return void huge.respond(res);
        res.end('a body the receiver wrote, never stored');
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
        account({
          account: 'CLI-OK',
          language: 'en',
          contacts: [
            { channel: 'EMAIL', address: 'ops@client-ok.example' },
            { channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/ok` },
          ],
        }),
      ),
      accountUpserted(account({ account: 'CLI-KO', language: 'fr', contacts: [{ channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/ko` }] })),
      accountUpserted(account({ account: 'CLI-A', language: 'en', contacts: [{ channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/a` }] })),
      accountUpserted(account({ account: 'CLI-B', language: 'en', contacts: [{ channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/b` }] })),
      accountUpserted(account({ account: 'CLI-HUGE', language: 'en', contacts: [{ channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/huge` }] })),
      // Internal destinations: the loopback outside the allow-list (127.0.0.1/32), the metadata address, a private one.
      accountUpserted(
        account({
          account: 'CLI-INTERNAL',
          language: 'en',
          contacts: [
            { channel: 'WEBHOOK', address: `http://127.0.0.2:${port}/internal` },
            { channel: 'WEBHOOK', address: 'http://169.254.169.254/latest/meta-data/' },
            { channel: 'WEBHOOK', address: 'http://10.0.0.5:8080/hook' },
          ],
        }),
      ),
      // One contact for two mailboxes: the event is refused (to the DLQ), nothing is stored.
      accountUpserted(account({ account: 'CLI-COMMA', language: 'en', contacts: [{ channel: 'EMAIL', address: 'ops,other@client-comma.example' }] })),
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
    await new Promise((r) => server?.close(r));
  });

  it('POSTs the notice as JSON, signed with HMAC-SHA256 over timestamp and body, with an idempotency key; the email goes out beside it', async () => {
    // The client's own secret, learned from a rotation (the only time it is shown).
    const clientSecret = (await rotate('CLI-OK')).secrets[0]!.secret;
    const t = trade('FO-EQ:W-1', { account: 'CLI-OK' });
    await publish(env, Topics.tradeEvents, validated(t));
    await waitFor(() => received.some((r) => r.path === '/ok'), { timeoutMs: 20_000, what: 'the webhook' });
    await smtp.waitFor(1, 20_000);
    const hook = received.find((r) => r.path === '/ok')!;
    const ts = hook.headers['x-postera-timestamp'] as string;
    const sig = hook.headers['x-postera-signature'] as string;
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(clientSecret, ts, sig, hook.body, Math.floor(Date.now() / 1000))).toBe(true);
    // A changed body, or another secret (the shared default among them), does not verify.
    expect(verifyWebhook(clientSecret, ts, sig, hook.body.replace('8775.75', '8775.76'), Math.floor(Date.now() / 1000))).toBe(false);
    expect(verifyWebhook(SECRET, ts, sig, hook.body, Math.floor(Date.now() / 1000))).toBe(false);
    const body = JSON.parse(hook.body) as {
      notificationId: string;
      kind: string;
      language: string;
      text: string;
      document: { content: Record<string, unknown> };
    };
    expect(hook.headers['idempotency-key']).toBe(body.notificationId);
    expect(body.kind).toBe('AVIS_OPERE');
    expect(body.text).toContain('Trade confirmation'.toUpperCase());
    expect(body.document.content).toMatchObject({ totalConsideration: '8775.75', netAmount: '8784.53', quantity: '150' });
    const deliveries = await getJson<Array<{ channel: string; status: string }>>(env, `${url()}/notifications?tradeRef=${encodeURIComponent(t.tradeRef)}`);
    await waitFor(
      async () =>
        (await getJson<Array<{ status: string }>>(env, `${url()}/notifications?tradeRef=${encodeURIComponent(t.tradeRef)}`)).body.every(
          (d) => d.status === 'SENT',
        ),
      {
        timeoutMs: 10_000,
        what: 'both deliveries SENT',
      },
    );
    expect(deliveries.body.map((d) => d.channel).sort()).toEqual(['EMAIL', 'WEBHOOK']);
  });

  it('retries a refusing receiver with exponential backoff, marks the delivery FAILED after the last attempt, and an operator resends it', async () => {
    answer.set('/ko', 503);
    const t = trade('FO-EQ:W-2', { account: 'CLI-KO' });
    await publish(env, Topics.tradeEvents, validated(t));
    const list = () =>
      getJson<Array<{ notificationId: string; status: string; attempts: number; lastError: string | null }>>(
        env,
        `${url()}/notifications?tradeRef=${encodeURIComponent(t.tradeRef)}`,
      );
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
    const detail = await getJson<{ deliveryAttempts: Array<{ outcome: string; error: string; response: string }> }>(
      env,
      `${url()}/notifications/${failed!.notificationId}`,
    );
    expect(detail.body.deliveryAttempts.map((a) => [a.outcome, a.error])).toEqual(Array(ATTEMPTS_MAX).fill(['ERROR', 'HTTP 503']));
    // The status only: the receiver's body is neither stored nor served.
    expect(detail.body.deliveryAttempts.map((a) => a.response)).toEqual(Array(ATTEMPTS_MAX).fill('503'));
    expect((await getJson<Array<{ status: string }>>(env, `${url()}/notifications?status=FAILED`)).body).toHaveLength(1);

    // Resend: refused without a token or to an auditor, then done by one operator once the receiver is fixed.
    const resendUrl = `${url()}/notifications/${failed!.notificationId}/resend`;
    const resend = (headers: Record<string, string>) => fetch(resendUrl, { method: 'POST', headers });
    expect((await resend({})).status).toBe(401);
    expect((await resend(await env.stack.as(PEOPLE.auditor, 'POST', resendUrl))).status).toBe(403);
    expect((await getJson<{ status: string }>(env, `${url()}/notifications/${failed!.notificationId}`)).body.status).toBe('FAILED');
    answer.set('/ko', 200);
    expect((await resend(await env.stack.as(PEOPLE.operator, 'POST', resendUrl))).status).toBe(202);
    await waitFor(async () => (await list()).body[0]?.status === 'SENT', { timeoutMs: 20_000, what: 'the resent webhook to be SENT' });
    expect((await resend(await env.stack.as(PEOPLE.operator, 'POST', resendUrl))).status).toBe(409); // SENT is not sent twice
    const after = await getJson<{
      resentBy: string;
      deliveryAttempts: Array<{ attemptNo: number; outcome: string }>;
      operatorActions: Array<{ action: string; operator: string }>;
    }>(env, `${url()}/notifications/${failed!.notificationId}`);
    expect(after.body.resentBy).toBe(PEOPLE.operator.id);
    expect(after.body.operatorActions.map((a) => [a.action, a.operator])).toEqual([['RESEND', PEOPLE.operator.id]]);
    expect(after.body.deliveryAttempts.map((a) => a.outcome)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR', 'SENT']);
    expect(received.filter((r) => r.path === '/ko')).toHaveLength(ATTEMPTS_MAX + 1);
  });
  it('a secret per client webhook: two accounts sign differently; a rotation sends both signatures for the overlap, then only the new', async () => {
    const [a1] = (await rotate('CLI-A')).secrets;
    const [b] = (await rotate('CLI-B')).secrets;
    expect(a1!.url).toBe(`http://127.0.0.1:${port}/a`);
    expect(a1!.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a1!.secret).not.toBe(b!.secret);
    const now = () => Math.floor(Date.now() / 1000);
    const sent = async (ref: string, acc: string, path: string) => {
      const before = hooksTo(path).length;
      await publish(env, Topics.tradeEvents, validated(trade(ref, { account: acc })));
      await waitFor(() => hooksTo(path).length > before, { timeoutMs: 20_000, what: `the webhook of ${ref}` });
      const r = hooksTo(path).at(-1)!;
      return { ts: r.headers['x-postera-timestamp'] as string, sig: r.headers['x-postera-signature'] as string, body: r.body };
    };
    const toA = await sent('FO-EQ:W-A1', 'CLI-A', '/a');
    const toB = await sent('FO-EQ:W-B1', 'CLI-B', '/b');
    expect(verifyWebhook(a1!.secret, toA.ts, toA.sig, toA.body, now())).toBe(true);
    expect(verifyWebhook(b!.secret, toA.ts, toA.sig, toA.body, now())).toBe(false);
    expect(verifyWebhook(b!.secret, toB.ts, toB.sig, toB.body, now())).toBe(true);
    expect(verifyWebhook(a1!.secret, toB.ts, toB.sig, toB.body, now())).toBe(false);

    // Rotated: the new secret and, for the overlap, the previous one.
    const [a2] = (await rotate('CLI-A')).secrets;
    expect(new Date(a2!.previousValidUntil!).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const during = await sent('FO-EQ:W-A2', 'CLI-A', '/a');
    expect(during.sig).toMatch(/^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(a2!.secret, during.ts, during.sig, during.body, now())).toBe(true);
    expect(verifyWebhook(a1!.secret, during.ts, during.sig, during.body, now())).toBe(true);

    // The overlap over (moved into the past rather than waited for): the new one only.
    await env.db.query(`UPDATE notification.client_webhook_secrets SET previous_valid_until = now() - interval '1 second' WHERE account = 'CLI-A'`);
    const after = await sent('FO-EQ:W-A3', 'CLI-A', '/a');
    expect(after.sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(a2!.secret, after.ts, after.sig, after.body, now())).toBe(true);
    expect(verifyWebhook(a1!.secret, after.ts, after.sig, after.body, now())).toBe(false);

    // Which URLs have a secret and since when — never a value, in the answer or in any table in plaintext.
    const listed = await getJson<{ secrets: Array<Record<string, unknown>> }>(env, `${url()}/webhook-secrets/CLI-A`);
    expect(listed.body.secrets).toEqual([
      {
        url: `http://127.0.0.1:${port}/a`,
        createdAt: expect.any(String),
        rotatedAt: expect.any(String),
        rotatedBy: PEOPLE.operator.id,
        previousValidUntil: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(a2!.secret);
    const stored = await env.db.query(`SELECT t::text AS row FROM notification.client_webhook_secrets t`);
    for (const { row } of stored.rows as Array<{ row: string }>) for (const s of [a1!.secret, a2!.secret, b!.secret]) expect(row).not.toContain(s);
    // Rotating is a maker's act; reading is not.
    const rotateUrl = `${url()}/webhook-secrets/CLI-A/rotate`;
    expect((await callAs(env, rotateUrl, { method: 'POST', who: PEOPLE.auditor, body: {} })).status).toBe(403);
    expect((await fetch(rotateUrl, { method: 'POST' })).status).toBe(401);
    expect((await callAs(env, `${url()}/webhook-secrets/CLI-NOBODY/rotate`, { method: 'POST', who: PEOPLE.operator, body: {} })).status).toBe(404);
  });

  it('refuses internal destinations at once — a loopback address not allow-listed, the metadata address, a private one — FAILED at the first attempt', async () => {
    await publish(env, Topics.tradeEvents, validated(trade('FO-EQ:W-INT', { account: 'CLI-INTERNAL' })));
    await waitFor(async () => (await deliveriesOf('FO-EQ:W-INT')).body.filter((d) => d.status === 'FAILED').length === 3, {
      timeoutMs: 20_000,
      what: 'the three internal webhooks FAILED',
    });
    const failed = (await deliveriesOf('FO-EQ:W-INT')).body.map((d) => [d.recipient, d.attempts, d.lastError]).sort();
    expect(failed).toEqual([
      ['http://10.0.0.5:8080/hook', 1, 'destination refused: 10.0.0.5 is in a private range'],
      [`http://127.0.0.2:${port}/internal`, 1, 'destination refused: 127.0.0.2 is in a loopback range'],
      ['http://169.254.169.254/latest/meta-data/', 1, 'destination refused: 169.254.169.254 is in a link-local range'],
    ]);
    expect(hooksTo('/internal')).toHaveLength(0);
  });

  it('reads a 50 MB answer only to its cap: delivered, the status stored and nothing else, the sender not swollen', async () => {
    const rssBefore = await rssOfNotification();
    await publish(env, Topics.tradeEvents, validated(trade('FO-EQ:W-HUGE', { account: 'CLI-HUGE' })));
    await waitFor(async () => (await deliveriesOf('FO-EQ:W-HUGE')).body[0]?.status === 'SENT', {
      timeoutMs: 20_000,
      what: 'the webhook with a huge answer SENT',
    });
    const { rows } = await env.db.query(
      `SELECT a.smtp_response AS response, a.error FROM notification.delivery_attempts a JOIN notification.notifications n ON n.notification_id = a.notification_id
       WHERE n.recipient = $1`,
      [`http://127.0.0.1:${port}/huge`],
    );
    expect(rows).toEqual([{ response: '200', error: null }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(huge.written()).toBeLessThan(8 * 1024 * 1024);
    const rssAfter = await rssOfNotification();
    if (rssBefore !== null && rssAfter !== null) expect(rssAfter - rssBefore).toBeLessThan(20 * 1024 * 1024);
  });

  it('refuses an email contact that names two mailboxes', async () => {
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
    const { rows } = await env.db.query(`SELECT 1 FROM notification.client_contacts WHERE account = 'CLI-COMMA'`);
    expect(rows).toHaveLength(0);
    const put = await callAs(env, `${url()}/counterparty-contacts/${CPTY_LEI}`, {
      method: 'PUT',
      who: PEOPLE.operator,
      body: { name: 'Banque Exemple SA', language: 'en', contacts: [{ channel: 'EMAIL', address: 'ops,other@banque-exemple.example' }] },
    });
    expect(put.status).toBe(400);
    expect(((await put.json()) as { problems: string[] }).problems).toEqual([
      'contacts[0].address: one email address (no comma, semicolon, display name or group)',
    ]);
  });
  it('a counterparty’s own secret: stored sealed (AES-256-GCM), opened only to sign its webhook, never in the database in plaintext', async () => {
    const contactsUrl = `${url()}/counterparty-contacts/${CPTY_LEI}`;
    const hook = `http://127.0.0.1:${port}/cp`;
    const put = await callAs(env, contactsUrl, {
      method: 'PUT',
      who: PEOPLE.operator,
      body: { name: 'Banque Exemple SA', language: 'en', contacts: [{ channel: 'WEBHOOK', address: hook, secret: CPTY_SECRET }] },
    });
    expect(put.status).toBe(200);
    const shown = (await put.json()) as { contacts: Array<Record<string, unknown>>; updatedBy: string };
    expect(shown.contacts).toEqual([{ channel: 'WEBHOOK', address: hook, hasSecret: true }]);
    expect(shown.updatedBy).toBe(PEOPLE.operator.id);
    const stored = async () =>
      (
        await env.db.query(`SELECT contacts::text AS contacts, contacts->0->>'secret' AS secret FROM notification.counterparty_contacts WHERE lei = $1`, [
          CPTY_LEI,
        ])
      ).rows[0] as { contacts: string; secret: string };
    const sealed = (await stored()).secret;
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]+={0,2}$/);
    expect((await stored()).contacts).not.toContain(CPTY_SECRET);
    expect(openSecret(Buffer.from(TEST_WEBHOOK_SECRETS_KEY, 'base64'), sealed, CPTY_LEI)).toBe(CPTY_SECRET);

    const confirmation = (ref: string) => counterpartyConfirmationIssued(ref, CPTY_LEI);
    await publish(env, Topics.tradeEvents, confirmation('FO-EQ:W-CP1'));
    await waitFor(() => received.some((r) => r.path === '/cp'), { timeoutMs: 20_000, what: 'the counterparty webhook' });
    const got = received.find((r) => r.path === '/cp')!;
    const now = Math.floor(Date.now() / 1000);
    const [ts, sig] = [got.headers['x-postera-timestamp'] as string, got.headers['x-postera-signature'] as string];
    expect(verifyWebhook(CPTY_SECRET, ts, sig, got.body, now)).toBe(true);
    expect(verifyWebhook(SECRET, ts, sig, got.body, now)).toBe(false); // its own secret, not the default
    // Nowhere in notification's tables, after the delivery either.
    const { rows } = await env.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'notification' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    for (const { table_name } of rows as Array<{ table_name: string }>) {
      const hit = await env.db.query(`SELECT 1 FROM notification.${table_name} t WHERE t::text LIKE '%' || $1 || '%' LIMIT 1`, [CPTY_SECRET]);
      expect([table_name, hit.rowCount]).toEqual([table_name, 0]);
    }

    // A sealed value altered in the database does not open: the attempt fails, nothing is sent.
    const flipped = `${sealed.slice(0, -6)}${sealed.slice(-6, -5) === 'A' ? 'B' : 'A'}${sealed.slice(-5)}`;
    await env.db.query(`UPDATE notification.counterparty_contacts SET contacts = jsonb_set(contacts, '{0,secret}', to_jsonb($2::text)) WHERE lei = $1`, [
      CPTY_LEI,
      flipped,
    ]);
    await publish(env, Topics.tradeEvents, confirmation('FO-EQ:W-CP2'));
    const list = () =>
      getJson<Array<{ status: string; lastError: string | null }>>(env, `${url()}/notifications?tradeRef=${encodeURIComponent('FO-EQ:W-CP2')}`);
    await waitFor(async () => (await list()).body[0]?.status === 'FAILED', { timeoutMs: 30_000, what: 'the delivery with an altered secret to be FAILED' });
    expect((await list()).body[0]!.lastError).toMatch(/^WebhookSecretRefused: /);
    expect(received.filter((r) => r.path === '/cp')).toHaveLength(1);
    await env.db.query(`UPDATE notification.counterparty_contacts SET contacts = jsonb_set(contacts, '{0,secret}', to_jsonb($2::text)) WHERE lei = $1`, [
      CPTY_LEI,
      sealed,
    ]);
  });

  it('contacts put again without the webhook’s secret keep the one stored for its address; secret null removes it', async () => {
    const contactsUrl = `${url()}/counterparty-contacts/${CPTY_LEI}`;
    const hook = `http://127.0.0.1:${port}/cp`;
    const sealedNow = async () =>
      (
        (await env.db.query(`SELECT contacts FROM notification.counterparty_contacts WHERE lei = $1`, [CPTY_LEI])).rows[0] as {
          contacts: Array<{ channel: string; address: string; secret?: string }>;
        }
      ).contacts.find((c) => c.channel === 'WEBHOOK')?.secret;
    const before = await sealedNow();
    expect(before).toMatch(/^v1:/);
    const put = (contacts: unknown[], name = 'Banque Exemple SA (Paris)') =>
      callAs(env, contactsUrl, { method: 'PUT', who: PEOPLE.operator, body: { name, language: 'en', contacts } });

    // What a proposal puts: a new name and an email added, the webhook as it was, without its secret.
    const renamed = await put([
      { channel: 'WEBHOOK', address: hook },
      { channel: 'EMAIL', address: 'back-office@banque-exemple.example' },
    ]);
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { contacts: unknown[] }).contacts).toEqual([
      { channel: 'WEBHOOK', address: hook, hasSecret: true },
      { channel: 'EMAIL', address: 'back-office@banque-exemple.example', hasSecret: false },
    ]);
    expect(await sealedNow()).toBe(before); // the same sealed value, not sealed again

    // Another address is another destination: the secret of the old one does not follow it.
    const moved = await put([{ channel: 'WEBHOOK', address: `${hook}-v2` }]);
    expect(((await moved.json()) as { contacts: unknown[] }).contacts).toEqual([{ channel: 'WEBHOOK', address: `${hook}-v2`, hasSecret: false }]);

    // Removed on purpose.
    await put([{ channel: 'WEBHOOK', address: hook, secret: CPTY_SECRET }]);
    const removed = await put([{ channel: 'WEBHOOK', address: hook, secret: null }]);
    expect(((await removed.json()) as { contacts: unknown[] }).contacts).toEqual([{ channel: 'WEBHOOK', address: hook, hasSecret: false }]);
    expect(await sealedNow()).toBeUndefined();

    // As the previous test left it: the next one needs a stored secret.
    expect((await put([{ channel: 'WEBHOOK', address: hook, secret: CPTY_SECRET }], 'Banque Exemple SA')).status).toBe(200);
  });

  it('refuses to start while secrets are stored and WEBHOOK_SECRETS_KEY is unset or another key; starts with the right one', async () => {
    const log = join(env.stack.o.logDir, 'notification.log');
    const startRefused = async (key: string) => {
      await env.stack.stop('notification');
      const code = await env.stack.start('notification', { WEBHOOK_SECRETS_KEY: key }).exited;
      await new Promise((r) => setTimeout(r, 200)); // the log's last lines
      return { code, log: await readFile(log, 'utf8') };
    };
    const unset = await startRefused('');
    expect(unset.code).not.toBe(0);
    expect(unset.log).toContain('WEBHOOK_SECRETS_KEY is not set');
    const other = await startRefused(randomBytes(32).toString('base64'));
    expect(other.code).not.toBe(0);
    expect(other.log).toContain(`the webhook secrets of ${CPTY_LEI} do not open with WEBHOOK_SECRETS_KEY`);

    // In production, the development default secret stops the start (78, EX_CONFIG), naming it.
    await env.stack.stop('notification');
    const dev = env.stack.start('notification', { NODE_ENV: 'production', WEBHOOK_SECRET: 'postera-development-webhook-secret' });
    expect(await dev.exited).toBe(78);
    await new Promise((r) => setTimeout(r, 200));
    expect(await readFile(log, 'utf8')).toContain('WEBHOOK_SECRET: the development default is refused with NODE_ENV=production');
    await env.stack.stop('notification');
    env.stack.start('notification');
    await env.stack.waitHealthy('notification');
  });
});
