import { createLocalJWKSet, errors, importJWK, jwtVerify, SignJWT, type JWK, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import type { FourEyes, Operator, Person } from './operator.js';
import { lastGoodRemoteJwks } from './remote-jwks.js';
import { isRole } from './roles.js';

/**
 * The token the gateway signs for one call to a service on an operator's behalf (docs/trust.md):
 *
 * - `iss` the gateway, `aud` the one service called, `sub`/`name`/`roles` the operator as the
 *   gateway verified them from the issuer's token;
 * - `htm` and `htu` bind it to one request (method and path), so a token read from a log or a proxy
 *   opens nothing else;
 * - short-lived: `exp` at most SERVICE_TOKEN_TTL_SECONDS after `iat`, and the services refuse any
 *   token older than MAX_AGE_SECONDS whatever its `exp` says;
 * - `four_eyes` (a change a second person approved): the proposal and its maker; the checker is the
 *   subject. The service applying the change checks both people again and spends the `jti` once.
 */
export interface ServiceTokenClaims {
  sub: string;
  name: string;
  roles: string[];
  htm: string;
  htu: string;
  jti: string;
  four_eyes?: { proposal: string; maker: { sub: string; name: string; roles: string[] } };
}

export const SERVICE_TOKEN_ALGORITHM = 'ES256';
export const SERVICE_TOKEN_TTL_SECONDS = 60;
const MAX_AGE_SECONDS = 120;
/** Clocks of the gateway and the service may differ by this much (NTP keeps them far closer). */
const CLOCK_TOLERANCE_SECONDS = 5;

export class InvalidToken extends Error {}

/** Signs service tokens with the gateway's private key(s): the first signs, all are published (rotation). */
export class ServiceTokenSigner {
  private constructor(
    private readonly issuer: string,
    private readonly signing: { kid: string; key: CryptoKey | Uint8Array },
    /** The public JWKS the services verify against (GET /.well-known/jwks.json on the gateway). */
    readonly jwks: { keys: JWK[] },
  ) {}

  /**
   * From SERVICE_TOKEN_KEYS: one private EC P-256 JWK, or `{ "keys": [...] }` of them, newest first.
   * Every key needs a `kid`.
   */
  static async fromJson(json: string, issuer: string): Promise<ServiceTokenSigner> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error('SERVICE_TOKEN_KEYS is not JSON: a private EC P-256 JWK, or { "keys": [...] }');
    }
    const keys = (
      typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { keys?: unknown }).keys) ? (parsed as { keys: JWK[] }).keys : [parsed]
    ) as JWK[];
    if (keys.length === 0) throw new Error('SERVICE_TOKEN_KEYS holds no key');
    for (const k of keys) {
      if (k.kty !== 'EC' || k.crv !== 'P-256' || !k.d || !k.kid) throw new Error('SERVICE_TOKEN_KEYS: every key is a private EC P-256 JWK with a kid');
    }
    const first = keys[0]!;
    const key = await importJWK(first, SERVICE_TOKEN_ALGORITHM);
    const publicKeys = keys.map(({ kty, crv, x, y, kid }) => ({ kty, crv, x, y, kid, alg: SERVICE_TOKEN_ALGORITHM, use: 'sig' }));
    return new ServiceTokenSigner(issuer, { kid: first.kid!, key }, { keys: publicKeys });
  }

  /** A token for one request to one service on behalf of `who`, with the four-eyes proof of an approved change. */
  sign(o: { audience: string; method: string; url: string; who: Person; fourEyes?: { proposal: string; maker: Person } }): Promise<string> {
    const claims: Omit<ServiceTokenClaims, 'sub' | 'jti'> = {
      name: o.who.name,
      roles: o.who.roles,
      htm: o.method.toUpperCase(),
      htu: new URL(o.url, 'http://service.invalid').pathname,
      ...(o.fourEyes
        ? { four_eyes: { proposal: o.fourEyes.proposal, maker: { sub: o.fourEyes.maker.id, name: o.fourEyes.maker.name, roles: o.fourEyes.maker.roles } } }
        : {}),
    };
    return new SignJWT(claims as unknown as Record<string, unknown>)
      .setProtectedHeader({ alg: SERVICE_TOKEN_ALGORITHM, kid: this.signing.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(o.audience)
      .setSubject(o.who.id)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${SERVICE_TOKEN_TTL_SECONDS}s`)
      .sign(this.signing.key);
  }
}

const people = (p: { sub: string; name?: string; roles?: unknown }): Person => ({
  id: p.sub,
  name: typeof p.name === 'string' ? p.name : p.sub,
  roles: (Array.isArray(p.roles) ? p.roles : []).filter(isRole),
});

/**
 * Verifies service tokens where they land: the gateway's signature against its JWKS (remote, cached
 * and refreshed; or a local document), issuer, audience = this service, expiry and age with bounded
 * clock skew, ES256 only, and the binding to this request's method and path.
 */
export class ServiceTokenVerifier {
  private readonly keys: JWTVerifyGetKey | null;

  constructor(private readonly o: { jwksUrl?: string; jwksJson?: string; issuer: string; audience: string; onStaleKeys?: (e: Error) => void }) {
    if (o.jwksUrl) this.keys = lastGoodRemoteJwks(o.jwksUrl, { onStale: o.onStaleKeys });
    else if (o.jwksJson) this.keys = createLocalJWKSet(JSON.parse(o.jwksJson) as Parameters<typeof createLocalJWKSet>[0]);
    else this.keys = null;
  }

  async verify(token: string, request: { method: string; path: string }): Promise<Operator & { jti: string }> {
    if (!this.keys) throw new InvalidToken('no gateway keys configured (SERVICE_AUTH_JWKS_URL or SERVICE_AUTH_JWKS_JSON): nobody is let in');
    let payload: ServiceTokenClaims & { iat?: number };
    try {
      ({ payload } = (await jwtVerify(token, this.keys, {
        issuer: this.o.issuer,
        audience: this.o.audience,
        algorithms: [SERVICE_TOKEN_ALGORITHM],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_AGE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'htm', 'htu'],
      })) as unknown as { payload: ServiceTokenClaims & { iat?: number } });
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new InvalidToken('token expired');
      if (e instanceof errors.JWTClaimValidationFailed) throw new InvalidToken(`token refused: ${e.message}`);
      throw new InvalidToken('token refused: its signature, algorithm or format is not valid');
    }
    if (payload.htm !== request.method.toUpperCase() || payload.htu !== request.path)
      throw new InvalidToken(`token refused: it was issued for ${payload.htm} ${payload.htu}, not for ${request.method.toUpperCase()} ${request.path}`);
    const who = people(payload);
    const fe = payload.four_eyes;
    const fourEyes: FourEyes | undefined =
      fe && typeof fe === 'object' && typeof fe.proposal === 'string' && typeof fe.maker?.sub === 'string'
        ? { proposal: fe.proposal, maker: people(fe.maker), checker: who }
        : undefined;
    return { ...who, ...(fourEyes ? { fourEyes } : {}), jti: payload.jti };
  }
}
