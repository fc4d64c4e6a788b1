/**
 * Signing in as a browser does, without one: the authorization code flow with PKCE against an
 * OpenID provider whose login page takes a login and a password (oidc-provider's development page,
 * the devstack's). The main job uses it to hand the demo's people a token for curl; the tests, to
 * prove the flow and the gateway's trust in its tokens.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { OperatorRole } from './auth.js';
import { DEMO_USERS, pkcePair } from './oidc-issuer.js';

export interface SignInRequest {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The API the token is for (RFC 8707 resource indicator). */
  resource: string;
  login: string;
  password?: string;
}

export class SignInError extends Error {}

/** Cookies by name, as a browser keeps them for one site. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The code the provider sends back to the redirect URI, following its redirects as a browser would. */
export async function authorizationCode(r: SignInRequest, challenge: string, state: string): Promise<string> {
  const jar = new Jar();
  const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.take(res);
    return res;
  };
  const auth = new URL(`${r.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: r.clientId,
    redirect_uri: r.redirectUri,
    response_type: 'code',
    scope: 'openid profile roles',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    resource: r.resource,
  }).toString();
  let res = await go(auth.toString());
  for (let hop = 0; hop < 10; hop++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, r.issuer);
      if (next.toString().startsWith(r.redirectUri)) {
        const error = next.searchParams.get('error');
        if (error) throw new SignInError(`${error}: ${next.searchParams.get('error_description') ?? ''}`);
        if (next.searchParams.get('state') !== state) throw new SignInError('the state sent back is not the one sent');
        const code = next.searchParams.get('code');
        if (!code) throw new SignInError('no code in the redirect');
        return code;
      }
      res = await go(next.toString());
      continue;
    }
    const page = await res.text();
    if (res.status !== 200) throw new SignInError(`the provider answered ${res.status}: ${page.slice(0, 300)}`);
    // The login page: its form, with the login and password filled in.
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (!action) throw new SignInError(`no form on the provider's page: ${page.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const m of page.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields.set(m[1]!, m[2]!);
    fields.set('login', r.login);
    fields.set('password', r.password ?? 'demo');
    res = await go(new URL(action.replace(/&amp;/g, '&'), r.issuer).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    if (res.status === 200) throw new SignInError(`sign-in refused for ${r.login}`);
  }
  throw new SignInError('too many redirects');
}

/** The code exchanged at the token endpoint with its PKCE verifier. */
export async function exchangeCode(r: SignInRequest, code: string, verifier: string | null): Promise<Response> {
  return fetch(`${r.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: r.redirectUri,
      client_id: r.clientId,
      resource: r.resource,
      ...(verifier === null ? {} : { code_verifier: verifier }),
    }).toString(),
  });
}

/** Signs `login` in; returns the access token (a JWT for the gateway) and the ID token. */
export async function signIn(r: SignInRequest): Promise<{ accessToken: string; idToken: string }> {
  const { verifier, challenge } = pkcePair();
  const code = await authorizationCode(r, challenge, randomBytes(16).toString('base64url'));
  const res = await exchangeCode(r, code, verifier);
  const body = (await res.json()) as { access_token?: string; id_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token || !body.id_token) throw new SignInError(`token refused: ${body.error ?? res.status} ${body.error_description ?? ''}`);
  return { accessToken: body.access_token, idToken: body.id_token };
}

/**
 * The demo's people signed in on demand, each token kept until a minute before it expires: what the
 * devstack's own calls use when the gateway trusts the OpenID provider (a call for a role signs in
 * the first demo person who has it).
 */
export class DemoSignIns {
  private readonly tokens = new Map<string, { token: string; until: number }>();

  constructor(private readonly request: (login: string) => SignInRequest) {}

  async token(login: string): Promise<string> {
    const kept = this.tokens.get(login);
    if (kept && kept.until > Date.now()) return kept.token;
    const { accessToken } = await signIn(this.request(login));
    this.tokens.set(login, { token: accessToken, until: (decodeJwt(accessToken).exp ?? 0) * 1000 - 60_000 });
    return accessToken;
  }

  tokenFor(roles: OperatorRole[]): Promise<string> {
    const person = DEMO_USERS.find((p) => roles.every((r) => (p.roles as string[]).includes(r)));
    if (!person) throw new SignInError(`no demo person has the roles ${roles.join(', ')}`);
    return this.token(person.id);
  }
}
