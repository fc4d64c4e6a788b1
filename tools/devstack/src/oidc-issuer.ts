/**
 * The devstack's OpenID provider: oidc-provider (panva's certified implementation), so the demo and
 * the tests sign in the way production does against its own issuer — authorization code with PKCE,
 * a JWT access token for the gateway's audience carrying the person's roles. Its people are the
 * demo's (PEOPLE): two operators, a supervisor, an auditor and an admin (and a second supervisor);
 * they sign in by their id on the provider's own development login page, with any password.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { PEOPLE } from './auth.js';

/** The people who can sign in, by id. */
export const DEMO_USERS = [PEOPLE.operator, PEOPLE.operator2, PEOPLE.supervisor, PEOPLE.supervisor2, PEOPLE.auditor, PEOPLE.admin];

/** The console's client: public (it keeps no secret), so PKCE is what binds the code to it. */
export const CONSOLE_CLIENT_ID = 'postera-console';
const API_SCOPE = 'postera.api';
/** A demo's tokens and sessions last a working day: the person at the keyboard is not asked again before evening. */
const WORKDAY_SECONDS = 8 * 3600;

export interface OidcIssuerOptions {
  /** Port to listen on (127.0.0.1); 0 for any free one. */
  port: number;
  /** Where the console may be sent back with its code. */
  redirectUris: string[];
  /** The resource indicator (RFC 8707) the console asks tokens for: the gateway's API URL. */
  resource: string;
  /** The `aud` of the access tokens: the gateway's AUTH_AUDIENCE. */
  audience: string;
}

export interface OidcIssuer {
  /** The issuer's URL: the gateway's AUTH_ISSUER. */
  issuer: string;
  /** Its signing keys: the gateway's AUTH_JWKS_URL. */
  jwksUri: string;
  close(): Promise<void>;
}

/** The gateway's settings to trust this issuer, and to send its console's people there for the tokens of `resource`. */
export function gatewayTrust(i: OidcIssuer, audience: string, resource?: string): Record<string, string> {
  return {
    AUTH_JWKS_URL: i.jwksUri,
    AUTH_ISSUER: i.issuer,
    AUTH_AUDIENCE: audience,
    AUTH_ROLES_CLAIM: 'roles',
    AUTH_JWKS_JSON: '',
    CONSOLE_OIDC_ISSUER: i.issuer,
    CONSOLE_OIDC_CLIENT_ID: CONSOLE_CLIENT_ID,
    ...(resource ? { CONSOLE_API_RESOURCE: resource } : {}),
  };
}

export async function startOidcIssuer(o: OidcIssuerOptions): Promise<OidcIssuer> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(o.port, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const person = (id: string) => DEMO_USERS.find((p) => p.id === id);

  const configuration: Configuration = {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: o.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    // S256 only, for every client.
    pkce: { required: () => true },
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name'], roles: ['roles'] },
    scopes: ['openid', 'profile', 'roles', API_SCOPE],
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => {
      const p = person(id);
      return p ? { accountId: p.id, claims: () => ({ sub: p.id, name: p.name, roles: p.roles }) } : undefined;
    },
    // The roles and the name travel in the access token, where the gateway reads them.
    extraTokenClaims: (_ctx, token) => {
      const p = token.kind === 'AccessToken' && 'accountId' in token ? person(String(token.accountId)) : undefined;
      return p ? { roles: p.roles, name: p.name } : undefined;
    },
    features: {
      // The provider's own login page (any password): a demo's, never production's.
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => o.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== o.resource) throw new Error(`unknown resource ${resource}`);
          return { scope: API_SCOPE, audience: o.audience, accessTokenTTL: WORKDAY_SECONDS, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    // The console is the firm's own application: its people are not asked to consent to it.
    loadExistingGrant: async (ctx) => {
      const clientId = ctx.oidc.client!.clientId;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid profile roles');
      grant.addResourceScope(o.resource, API_SCOPE);
      await grant.save();
      return grant;
    },
    ttl: { AccessToken: WORKDAY_SECONDS, AuthorizationCode: 60, IdToken: 3600, Session: WORKDAY_SECONDS, Grant: WORKDAY_SECONDS, Interaction: 600 },
  };
  const provider = new Provider(issuer, configuration);
  // Its logs of development-only settings (the login page) say what this module's header says.
  provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider: ${err.message}\n`));
  server.on('request', provider.callback());
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** RFC 7636: a verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
