import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';

/** What the gateway tells the console about its sign-in (GET /console/config.json). */
export interface ConsoleConfig {
  /** The OpenID provider the gateway trusts. */
  issuer: string;
  /** The console's client at that provider (public: PKCE binds the code to it). */
  clientId: string;
  /** The API's resource indicator (RFC 8707): the access token is for it alone. */
  resource: string;
}

/** The person signed in, as the access token names them (the gateway reads the same claims). */
export interface SignedIn {
  accessToken: string;
  id: string;
  name: string;
  roles: string[];
}

/**
 * Authorization code with PKCE (oidc-client-ts). The tokens are kept in memory only, never in
 * localStorage: a reload signs in again (one redirect while the provider still remembers the person). Only the
 * state and the PKCE verifier of a sign-in under way wait in sessionStorage for the redirect back.
 */
export function userManager(c: ConsoleConfig): UserManager {
  const here = `${window.location.origin}/console/`;
  return new UserManager({
    authority: c.issuer,
    client_id: c.clientId,
    redirect_uri: here,
    post_logout_redirect_uri: here,
    response_type: 'code',
    scope: 'openid profile roles',
    extraQueryParams: { resource: c.resource },
    extraTokenParams: { resource: c.resource },
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    automaticSilentRenew: false,
  });
}

/** The claims of the access token: its payload, base64url JSON (its signature is the gateway's to check). */
export function signedIn(accessToken: string): SignedIn {
  const payload = accessToken.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0)))) as { sub: string; name?: string; roles?: string[] };
  return { accessToken, id: claims.sub, name: claims.name ?? claims.sub, roles: claims.roles ?? [] };
}
