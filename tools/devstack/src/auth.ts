import { ServiceTokenSigner, type Person } from '@postera/platform';
import { SignJWT } from 'jose';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

export type OperatorRole = 'operator' | 'supervisor' | 'auditor' | 'admin';

/**
 * A local token issuer for development, demos and tests: an RS256 key pair made at start; the
 * gateway gets its public JWKS (AUTH_JWKS_JSON) and verifies tokens exactly as it would an OIDC
 * issuer's. Production points the gateway at the real issuer (AUTH_JWKS_URL) instead.
 */
export class LocalIssuer {
  readonly issuer = 'postera-local';
  readonly audience = 'postera-gateway';
  private readonly privateKey: KeyObject;
  private readonly kid = randomUUID();
  readonly jwksJson: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.jwksJson = JSON.stringify({ keys: [{ ...jwk, kid: this.kid, alg: 'RS256', use: 'sig' }] });
  }

  /** A bearer token for a person with roles; `expiresIn` as jose takes it ('1h', '-1m' for an expired one). */
  token(sub: string, roles: OperatorRole[], o: { name?: string; expiresIn?: string; audience?: string } = {}): Promise<string> {
    return new SignJWT({ roles, name: o.name ?? sub })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setSubject(sub)
      .setIssuer(this.issuer)
      .setAudience(o.audience ?? this.audience)
      .setIssuedAt()
      .setExpirationTime(o.expiresIn ?? '1h')
      .sign(this.privateKey);
  }
}

/** People of the demo and the tests, one per role (a test names others where it needs two of a kind). */
export const PEOPLE = {
  operator: { id: 'olivia.operator', name: 'Olivia Operator', roles: ['operator'] },
  operator2: { id: 'oscar.operator', name: 'Oscar Operator', roles: ['operator'] },
  supervisor: { id: 'sam.supervisor', name: 'Sam Supervisor', roles: ['supervisor'] },
  supervisor2: { id: 'sue.supervisor', name: 'Sue Supervisor', roles: ['supervisor'] },
  auditor: { id: 'ada.auditor', name: 'Ada Auditor', roles: ['auditor'] },
  admin: { id: 'alan.admin', name: 'Alan Admin', roles: ['admin'] },
} satisfies Record<string, Person>;

/**
 * The gateway's signing key of a local stack: an EC P-256 pair made at start. The gateway gets the
 * private JWK (SERVICE_TOKEN_KEYS) and signs its calls to the services with it; the services get
 * the public JWKS (SERVICE_AUTH_JWKS_JSON). A test that calls a service directly signs with the
 * same key — it plays the gateway, and the service verifies exactly what it would in production.
 */
export class GatewayKey {
  readonly privateJwkJson: string;
  readonly jwksJson: string;
  private signer: Promise<ServiceTokenSigner> | null = null;

  constructor(readonly issuer = 'postera-gateway') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    this.privateJwkJson = JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid });
    this.jwksJson = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] });
  }

  /**
   * `Authorization` for one request to one service, as the gateway would sign it for `who` — with
   * the four-eyes proof of an approved proposal when `fourEyes` names its maker (`who` is then the
   * checker). `audience` is the service's name.
   */
  async headers(audience: string, method: string, url: string, who: Person, fourEyes?: { proposal?: string; maker: Person }): Promise<Record<string, string>> {
    this.signer ??= ServiceTokenSigner.fromJson(this.privateJwkJson, this.issuer);
    const token = await (
      await this.signer
    ).sign({ audience, method, url, who, fourEyes: fourEyes ? { proposal: fourEyes.proposal ?? `test-${randomUUID()}`, maker: fourEyes.maker } : undefined });
    return { authorization: `Bearer ${token}` };
  }
}
