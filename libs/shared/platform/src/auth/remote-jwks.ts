import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';

/**
 * An issuer's keys fetched from its JWKS URL, cached and refreshed (jose), and kept when a refresh
 * fails: an issuer's JWKS endpoint down for longer than the cache's age must not lock everyone out
 * while the keys that signed their tokens are still known. A key the issuer has stopped publishing
 * — a refresh that succeeds without it — is not brought back.
 */
export function lastGoodRemoteJwks(url: string, o: { cacheMaxAgeMs?: number; onStale?: (e: Error) => void } = {}): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: o.cacheMaxAgeMs ?? 600_000 });
  let lastGood: { doc: object; keys: JWTVerifyGetKey } | null = null;
  return async (header, token) => {
    try {
      const key = await remote(header, token);
      const doc = remote.jwks();
      if (doc && doc !== lastGood?.doc) lastGood = { doc, keys: createLocalJWKSet(doc) };
      return key;
    } catch (e) {
      // The issuer answered and the key is not among its keys: that answer stands.
      if (!lastGood || e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) throw e;
      o.onStale?.(e as Error);
      return lastGood.keys(header, token);
    }
  };
}
