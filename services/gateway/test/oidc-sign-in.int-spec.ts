import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  authorizationCode,
  CONSOLE_CLIENT_ID,
  exchangeCode,
  gatewayTrust,
  pkcePair,
  signIn,
  SignInError,
  startOidcIssuer,
  type OidcIssuer,
  type SignInRequest,
} from '@postera/devstack';
import { decodeJwt } from 'jose';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';

// Signing in as the console does, against a real OpenID provider (oidc-provider) and the built
// gateway trusting it by its JWKS URL: the authorization code flow with PKCE (S256, required), a
// JWT access token for the gateway's audience carrying the person's roles, and the gateway's
// authorization matrix applied to it.
jest.setTimeout(180_000);

const BASE_PORT = 6750;
const AUDIENCE = 'postera-gateway';

describe('sign-in with OpenID Connect (authorization code + PKCE) and the gateway trusting the issuer', () => {
  let env: E2eEnv;
  let idp: OidcIssuer;
  const gateway = `http://127.0.0.1:${BASE_PORT}`;
  const request = (login: string): SignInRequest => ({
    issuer: idp.issuer,
    clientId: CONSOLE_CLIENT_ID,
    redirectUri: `${gateway}/console/`,
    resource: `${gateway}/api`,
    login,
  });
  const get = (path: string, token: string) => fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    idp = await startOidcIssuer({ port: 0, redirectUris: [`${gateway}/console/`], resource: `${gateway}/api`, audience: AUDIENCE });
    env = await e2eEnv('gateway-oidc', {
      basePort: BASE_PORT,
      smtpUrl: 'smtp://127.0.0.1:1',
      services: ['gateway'],
      serviceEnv: { gateway: gatewayTrust(idp, AUDIENCE) },
    });
    await env.stack.startAll();
  });

  afterAll(async () => {
    await env?.teardown();
    await idp?.close();
  });

  it('an operator signs in: a JWT for the gateway with her roles; she reads the business day and is refused the audit log', async () => {
    const { accessToken, idToken } = await signIn(request('olivia.operator'));
    expect(decodeJwt(accessToken)).toMatchObject({ iss: idp.issuer, aud: AUDIENCE, sub: 'olivia.operator', roles: ['operator'], name: 'Olivia Operator' });
    expect(decodeJwt(idToken)).toMatchObject({ iss: idp.issuer, aud: CONSOLE_CLIENT_ID, sub: 'olivia.operator' });
    expect((await get('/api/business-day', accessToken)).status).toBe(200);
    expect((await get('/api/audit', accessToken)).status).toBe(403);
  });

  it('the auditor signs in and reads the audit log', async () => {
    const { accessToken } = await signIn(request('ada.auditor'));
    expect(decodeJwt(accessToken)).toMatchObject({ sub: 'ada.auditor', roles: ['auditor'] });
    expect((await get('/api/audit', accessToken)).status).toBe(200);
  });

  it('a code is redeemed only with its PKCE verifier, and only once', async () => {
    const r = request('sam.supervisor');
    const { verifier, challenge } = pkcePair();
    const code = await authorizationCode(r, challenge, 'state-1');
    const without = await exchangeCode(r, code, null);
    expect(without.status).toBe(400);
    expect(await without.json()).toMatchObject({ error: 'invalid_grant' });

    const code2 = await authorizationCode(r, challenge, 'state-2');
    const wrong = await exchangeCode(r, code2, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });

    const code3 = await authorizationCode(r, challenge, 'state-3');
    const right = await exchangeCode(r, code3, verifier);
    expect(right.status).toBe(200);
    const again = await exchangeCode(r, code3, verifier);
    expect(again.status).toBe(400);
  });

  it('an authorization request without a PKCE challenge is refused; so is a person the provider does not know', async () => {
    const auth = new URL(`${idp.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      redirect_uri: `${gateway}/console/`,
      response_type: 'code',
      scope: 'openid',
      state: 's',
    }).toString();
    const res = await fetch(auth, { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/requires PKCE/);

    await expect(signIn(request('mallory'))).rejects.toThrow(SignInError);
  });

  it('the gateway serves its console under /console without a token, and tells it where its people sign in', async () => {
    const config = await fetch(`${gateway}/console/config.json`);
    expect(await config.json()).toEqual({ issuer: idp.issuer, clientId: CONSOLE_CLIENT_ID, resource: `${gateway}/api` });
    const page = await fetch(`${gateway}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<div id="root"></div>');
    // Its own scripts only; calls to this origin and the provider alone; never framed.
    expect(page.headers.get('content-security-policy')).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${idp.issuer}; frame-ancestors 'none'; base-uri 'self'; form-action 'self' ${idp.issuer}; object-src 'none'`,
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('a token signed by anyone else (the devstack’s own issuer) is refused with 401', async () => {
    const foreign = await env.stack.issuer.token('sam.supervisor', ['supervisor']);
    expect((await get('/api/business-day', foreign)).status).toBe(401);
  });
});
