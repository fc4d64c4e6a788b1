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
