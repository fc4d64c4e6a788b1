import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DestinationRule } from '../src/delivery/webhook-destination.js';
import { postWebhook, type Resolve, type WebhookPostOptions } from '../src/delivery/webhook-post.js';
import { hugeAnswer } from './notification-fixtures.js';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './tls-fixture.js';

// The webhook POST against real sockets on the loopback: where it refuses to go, that it connects
// to the address it checked, and that it reads no more of an answer than its cap.

describe('webhook destinations: checked at connect time, answers read to a cap', () => {
  let server: Server;
  let port = 0;
  const received: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const huge = hugeAnswer();

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push({ path: req.url ?? '', headers: req.headers });
      req.resume();
      if (req.url === '/huge') return huge.respond(res);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const options = (o: Partial<WebhookPostOptions> & { allowed?: string[] } = {}): WebhookPostOptions => ({
    rule: new DestinationRule({ denied: [], allowed: o.allowed ?? [] }),
    allowHttp: true,
    timeoutMs: 5_000,
    readMaxBytes: 4096,
    ...o,
  });
  const post = (url: string, o: WebhookPostOptions) => postWebhook(url, { 'content-type': 'application/json' }, '{"n":1}', o);
  const refusedResolver = (): Resolve => () => Promise.reject(new Error('no lookup expected'));

  it('refuses the loopback unless allow-listed, and then only the allowed range', async () => {
    const before = received.length;
    expect(await post(`http://127.0.0.1:${port}/a`, options())).toEqual({ kind: 'refused', error: 'destination refused: 127.0.0.1 is in a loopback range' });
    expect(await post(`http://[::1]:${port}/a`, options({ allowed: ['127.0.0.1/32'] }))).toEqual({
      kind: 'refused',
      error: 'destination refused: ::1 is in a loopback range',
    });
    expect(received.length).toBe(before);
    expect(await post(`http://127.0.0.1:${port}/a`, options({ allowed: ['127.0.0.1/32'] }))).toEqual({ kind: 'answered', status: 200 });
    expect(received.length).toBe(before + 1);
  });

  it('refuses the metadata address and the private ranges, at once and without a lookup', async () => {
    const o = options({ resolve: refusedResolver(), allowed: ['127.0.0.1/32'] });
    expect(await post('http://169.254.169.254/latest/meta-data/', o)).toEqual({
      kind: 'refused',
      error: 'destination refused: 169.254.169.254 is in a link-local range',
    });
    expect(await post('http://10.0.0.5:8080/hook', o)).toEqual({ kind: 'refused', error: 'destination refused: 10.0.0.5 is in a private range' });
    expect(await post('https://[fd12::1]/hook', o)).toEqual({ kind: 'refused', error: 'destination refused: fd12::1 is in a private range' });
  });

  it('refuses a name that resolves to a private address, or to one among public ones, without saying which', async () => {
    const resolve: Resolve = (host) =>
      Promise.resolve(host === 'db.internal.example' ? [{ address: '10.1.2.3' }] : [{ address: '93.184.216.34' }, { address: '192.168.0.10' }]);
    expect(await post('https://db.internal.example/hook', options({ resolve }))).toEqual({
      kind: 'refused',
      error: 'destination refused: db.internal.example resolves into a private range',
    });
    expect(await post('https://mixed.example/hook', options({ resolve }))).toEqual({
      kind: 'refused',
      error: 'destination refused: mixed.example resolves into a private range',
    });
  });

  it('looks a name up once and connects to the address it checked (a second answer, rebinding to 10.0.0.5, is never asked for)', async () => {
    const answers = [[{ address: '127.0.0.1' }], [{ address: '10.0.0.5' }]];
    let lookups = 0;
    const resolve: Resolve = () => Promise.resolve(answers[lookups++] ?? []);
    const outcome = await post(`http://rebind.example:${port}/rebind`, options({ resolve, allowed: ['127.0.0.1/32'] }));
    expect(outcome).toEqual({ kind: 'answered', status: 200 });
    expect(lookups).toBe(1);
    // Sent to the checked address with the URL's host.
    expect(received.find((r) => r.path === '/rebind')?.headers.host).toBe(`rebind.example:${port}`);
  });

  it('over https, connects to the checked address with the URL’s host as TLS server name, and checks the certificate', async () => {
    const names: string[] = [];
    const tls = createTlsServer(
      {
        cert: TEST_TLS_CERT,
        key: TEST_TLS_KEY,
        // The server name the client asked for (SNI); the default context answers.
        SNICallback: (name, cb) => {
          names.push(name);
          cb(null, undefined);
        },
      },
      (_req, res) => res.end('ok'),
    );
    tls.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
    const tlsPort = (tls.address() as AddressInfo).port;
    const seen: string[] = [];
    tls.on('connection', () => seen.push('connection'));
    const resolve: Resolve = () => Promise.resolve([{ address: '127.0.0.1' }]);
    try {
      // A certificate nobody trusts: refused by the sender, named by its class.
      const outcome = await post(`https://hooks.test.example:${tlsPort}/tls`, options({ resolve, allowHttp: false, allowed: ['127.0.0.1/32'] }));
      expect(outcome).toEqual({ kind: 'failed', error: 'tls error' });
      expect(seen).toEqual(['connection']);
    } finally {
      await new Promise((r) => tls.close(r));
    }
    expect(names).toEqual(['hooks.test.example']);
  });

  it('wants https unless plain http is allowed', async () => {
    expect(await post(`http://127.0.0.1:${port}/a`, options({ allowHttp: false, allowed: ['127.0.0.1/32'] }))).toEqual({
      kind: 'refused',
      error: 'destination refused: https required',
    });
  });

  it('names a failure by a fixed class, never its text', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await post(`http://127.0.0.1:${closedPort}/x`, options({ allowed: ['127.0.0.1/32'] }))).toEqual({ kind: 'failed', error: 'connection refused' });
    const notFound: Resolve = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' }));
    expect(await post('https://nowhere.example/x', options({ resolve: notFound }))).toEqual({ kind: 'failed', error: 'host not found' });
    const slow: Resolve = () => new Promise(() => undefined);
    expect(await post('https://slow.example/x', options({ resolve: slow, timeoutMs: 200 }))).toEqual({ kind: 'failed', error: 'timeout' });
  });

  it('reads a 50 MB answer only to its cap: the status is kept, memory does not grow', async () => {
    const before = process.memoryUsage();
    const outcome = await post(`http://127.0.0.1:${port}/huge`, options({ allowed: ['127.0.0.1/32'] }));
    const after = process.memoryUsage();
    expect(outcome).toEqual({ kind: 'answered', status: 200 });
    // The client stopped reading: the server got no further than the sockets' buffers.
    await new Promise((r) => setTimeout(r, 100));
    expect(huge.written()).toBeLessThan(8 * 1024 * 1024);
    expect(after.rss - before.rss).toBeLessThan(10 * 1024 * 1024);
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(5 * 1024 * 1024);
  });
});
