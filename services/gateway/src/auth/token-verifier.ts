import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, InvalidToken, isRole, lastGoodRemoteJwks, LOG, type Log, type Operator } from '@postera/platform';
import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { GatewayConfig } from '../config.js';

/**
 * Verifies bearer JWTs: signature against the issuer's JWKS (remote, cached and refreshed, the last
 * good keys kept while the issuer does not answer;
 * or a local document), issuer, audience, expiry (5 s of clock tolerance), asymmetric algorithms
 * only. The operator is the `sub`; the roles come from a configurable claim, unknown ones dropped.
 */
@Injectable()
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey | null;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOG) log: Log,
  ) {
    if (config.AUTH_JWKS_URL)
      this.keys = lastGoodRemoteJwks(config.AUTH_JWKS_URL, {
        onStale: (e) => log.warn({ err: e.message }, 'the issuer’s keys could not be refreshed: verifying with the last ones fetched'),
      });
    else if (config.AUTH_JWKS_JSON) this.keys = createLocalJWKSet(JSON.parse(config.AUTH_JWKS_JSON) as Parameters<typeof createLocalJWKSet>[0]);
    else this.keys = null;
  }

  async verify(token: string): Promise<Operator> {
    if (!this.keys) throw new InvalidToken('no issuer keys configured (AUTH_JWKS_URL or AUTH_JWKS_JSON): nobody can sign in');
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.AUTH_ISSUER,
        audience: this.config.AUTH_AUDIENCE,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        clockTolerance: 5,
        requiredClaims: ['sub', 'exp'],
      });
      const claimed = payload[this.config.AUTH_ROLES_CLAIM];
      const roles = (Array.isArray(claimed) ? claimed : []).filter(isRole);
      const name = typeof payload.name === 'string' ? payload.name : payload.sub!;
      return { id: payload.sub!, name, roles };
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new InvalidToken('token expired: sign in again');
      if (e instanceof errors.JWTClaimValidationFailed) throw new InvalidToken(`token refused: ${e.message}`);
      throw new InvalidToken('token refused: its signature, issuer or format is not valid');
    }
  }
}
