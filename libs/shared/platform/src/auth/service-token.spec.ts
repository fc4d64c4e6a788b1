import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { fourEyesProblems, type Person } from './operator.js';
import { InvalidToken, ServiceTokenSigner, ServiceTokenVerifier } from './service-token.js';

const olivia: Person = { id: 'olivia.operator', name: 'Olivia Operator', roles: ['operator'] };
const sam: Person = { id: 'sam.supervisor', name: 'Sam Supervisor', roles: ['supervisor'] };

function gatewayKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    private: { ...privateKey.export({ format: 'jwk' }), kid },
    public: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
  };
}

describe('the token the gateway signs for a service', () => {
  const current = gatewayKey('k2');
  const previous = gatewayKey('k1');
  const verifierFor = (audience: string, keys = [current.public]) =>
    new ServiceTokenVerifier({ jwksJson: JSON.stringify({ keys }), issuer: 'postera-gateway', audience });

  it('carries the operator, roles and the four-eyes proof to the one service and request it was made for', async () => {
    const signer = await ServiceTokenSigner.fromJson(JSON.stringify(current.private), 'postera-gateway');
    const token = await signer.sign({
      audience: 'capture',
      method: 'post',
      url: 'http://capture:3001/referential/import?x=1',
      who: sam,
      fourEyes: { proposal: 'p-1', maker: olivia },
    });
    const who = await verifierFor('capture').verify(token, { method: 'POST', path: '/referential/import' });
    expect({ ...who, jti: typeof who.jti }).toEqual({ ...sam, fourEyes: { proposal: 'p-1', maker: olivia, checker: sam }, jti: 'string' });
  });

  it('is refused by another service, for another method or path, and when signed by another key', async () => {
    const signer = await ServiceTokenSigner.fromJson(JSON.stringify(current.private), 'postera-gateway');
    const token = await signer.sign({ audience: 'capture', method: 'GET', url: 'http://capture:3001/trades', who: olivia });
    const refusals = await Promise.all(
      [
        verifierFor('settlement').verify(token, { method: 'GET', path: '/trades' }),
        verifierFor('capture').verify(token, { method: 'POST', path: '/trades' }),
        verifierFor('capture').verify(token, { method: 'GET', path: '/trades/FO:1' }),
        verifierFor('capture', [previous.public]).verify(token, { method: 'GET', path: '/trades' }),
      ].map((p) =>
        p.then(
          () => 'accepted',
          (e: unknown) => (e instanceof InvalidToken ? 'refused' : String(e)),
        ),
      ),
    );
    expect(refusals).toEqual(['refused', 'refused', 'refused', 'refused']);
  });

  it('rotates: the first key signs, every key is published, a service holding both accepts either', async () => {
    const signer = await ServiceTokenSigner.fromJson(JSON.stringify({ keys: [current.private, previous.private] }), 'postera-gateway');
    expect(signer.jwks.keys.map((k) => [k.kid, 'd' in k])).toEqual([
      ['k2', false],
      ['k1', false],
    ]);
    const token = await signer.sign({ audience: 'capture', method: 'GET', url: '/summary', who: olivia });
    await expect(verifierFor('capture', [current.public, previous.public]).verify(token, { method: 'GET', path: '/summary' })).resolves.toMatchObject({
      id: olivia.id,
    });
    await expect(ServiceTokenSigner.fromJson(JSON.stringify(current.public), 'postera-gateway')).rejects.toThrow(/private EC P-256 JWK with a kid/);
  });

  it('without keys nobody is let in', async () => {
    const signer = await ServiceTokenSigner.fromJson(JSON.stringify(current.private), 'postera-gateway');
    const token = await signer.sign({ audience: 'capture', method: 'GET', url: '/summary', who: olivia });
    await expect(
      new ServiceTokenVerifier({ issuer: 'postera-gateway', audience: 'capture' }).verify(token, { method: 'GET', path: '/summary' }),
    ).rejects.toThrow(/nobody is let in/);
  });
});

describe('the four-eyes rule', () => {
  it('holds for an operator proposing and a supervisor approving', () => {
    expect(fourEyesProblems({ proposal: 'p', maker: olivia, checker: sam })).toEqual([]);
  });
  it('names every problem: one person in both seats, a maker without a maker role, a checker without the checker role', () => {
    const auditor: Person = { id: 'ada', name: 'Ada', roles: ['auditor'] };
    expect(fourEyesProblems({ proposal: 'p', maker: sam, checker: sam })).toEqual([
      'maker-checker: sam.supervisor proposed this change and cannot also approve it',
    ]);
    expect(fourEyesProblems({ proposal: 'p', maker: auditor, checker: olivia })).toEqual([
      'the maker ada holds none of the roles operator, supervisor',
      'the checker olivia.operator holds none of the roles supervisor',
    ]);
    expect(fourEyesProblems(undefined)).toEqual([
      'this change needs two people: propose it through the gateway (POST /api/proposals) and have a supervisor approve it',
    ]);
  });
});
