import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jwtVerify, SignJWT } from 'jose';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastGoodRemoteJwks } from './remote-jwks.js';

const pair = (kid: string) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
};
const sign = (key: KeyObject, kid: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid }).setSubject('olivia').setIssuedAt().setExpirationTime('1m').sign(key);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('an issuer whose JWKS endpoint stops answering', () => {
  const current = pair('k1');
  const next = pair('k2');
  let answer: 'both' | 'next only' | 'down' = 'both';
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      if (answer === 'down') return res.writeHead(503).end('maintenance');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: answer === 'both' ? [current.jwk, next.jwk] : [next.jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps verifying with the keys it last fetched, saying so; a key the issuer then stops publishing is refused', async () => {
    const stale: string[] = [];
    const keys = lastGoodRemoteJwks(url, { cacheMaxAgeMs: 20, onStale: (e) => stale.push(e.message) });
    const token = await sign(current.privateKey, 'k1');
    await expect(jwtVerify(token, keys)).resolves.toMatchObject({ payload: { sub: 'olivia' } });

    answer = 'down';
    await sleep(40);
    await expect(jwtVerify(token, keys)).resolves.toMatchObject({ payload: { sub: 'olivia' } });
    expect(stale.length).toBe(1);

    answer = 'next only';
    await sleep(40);
    await expect(jwtVerify(token, keys)).rejects.toThrow(/no applicable key found/);
    await expect(jwtVerify(await sign(next.privateKey, 'k2'), keys)).resolves.toMatchObject({ payload: { sub: 'olivia' } });
  });

  it('without keys ever fetched, an issuer that does not answer lets nobody in', async () => {
    answer = 'down';
    const keys = lastGoodRemoteJwks(url, { cacheMaxAgeMs: 20 });
    await expect(jwtVerify(await sign(current.privateKey, 'k1'), keys)).rejects.toThrow();
  });
});
