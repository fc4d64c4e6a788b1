import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { isSealedSecret, openSecret, sealSecret, secretsKeyOf, secretsKeyProblem, WebhookSecretRefused } from './webhook-secret-box.js';

const KEY = randomBytes(32);
const LEI = '529900COUNTERPTY0129';
const SECRET = 'counterparty-webhook-secret-0001';

/** The sealed value with one byte of its ciphertext (or tag) flipped. */
function tampered(sealed: string, at: number): string {
  const [v, nonce, body] = sealed.split(':') as [string, string, string];
  const bytes = Buffer.from(body, 'base64');
  bytes[at] = bytes[at]! ^ 0x01;
  return `${v}:${nonce}:${bytes.toString('base64')}`;
}

describe('webhook secrets sealed at rest (AES-256-GCM)', () => {
  it('round trip: what is sealed opens to the same secret, in the v1:<nonce>:<ciphertext+tag> form, never containing it', () => {
    const sealed = sealSecret(KEY, SECRET, LEI);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]+={0,2}$/);
    expect(sealed).not.toContain(SECRET);
    expect(isSealedSecret(sealed)).toBe(true);
    expect(openSecret(KEY, sealed, LEI)).toBe(SECRET);
    expect(openSecret(KEY, sealSecret(KEY, 'é€ unicode secret ✓✓✓', LEI), LEI)).toBe('é€ unicode secret ✓✓✓');
  });

  it('a random nonce per value: the same secret sealed twice gives two values', () => {
    const a = sealSecret(KEY, SECRET, LEI);
    const b = sealSecret(KEY, SECRET, LEI);
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
  });

  it('tampered with → refused: a flipped byte of the ciphertext, of the tag, of the nonce; a truncated value', () => {
    const sealed = sealSecret(KEY, SECRET, LEI);
    const bodyLength = Buffer.from(sealed.split(':')[2]!, 'base64').length;
    expect(() => openSecret(KEY, tampered(sealed, 0), LEI)).toThrow(WebhookSecretRefused);
    expect(() => openSecret(KEY, tampered(sealed, bodyLength - 1), LEI)).toThrow(WebhookSecretRefused);
    const [v, nonce, body] = sealed.split(':') as [string, string, string];
    const otherNonce = Buffer.from(nonce, 'base64');
    otherNonce[0] = otherNonce[0]! ^ 0x01;
    expect(() => openSecret(KEY, `${v}:${otherNonce.toString('base64')}:${body}`, LEI)).toThrow(WebhookSecretRefused);
    expect(() => openSecret(KEY, `${v}:${nonce}:${Buffer.from(body, 'base64').subarray(0, 16).toString('base64')}`, LEI)).toThrow(WebhookSecretRefused);
    expect(() => openSecret(KEY, SECRET, LEI)).toThrow(WebhookSecretRefused); // a plaintext value is not opened
    expect(() => openSecret(KEY, `v2:${nonce}:${body}`, LEI)).toThrow(WebhookSecretRefused);
  });

  it('wrong key → refused; sealed for another counterparty → refused', () => {
    const sealed = sealSecret(KEY, SECRET, LEI);
    expect(() => openSecret(randomBytes(32), sealed, LEI)).toThrow(/does not open with WEBHOOK_SECRETS_KEY/);
    expect(() => openSecret(KEY, sealed, '969500POSTERAFR00003')).toThrow(WebhookSecretRefused);
  });

  it('the key: 32 bytes in base64, nothing else', () => {
    const b64 = KEY.toString('base64');
    expect(secretsKeyProblem(b64)).toBeNull();
    expect(secretsKeyOf(b64).equals(KEY)).toBe(true);
    expect(secretsKeyProblem(randomBytes(16).toString('base64'))).toMatch(/32 bytes/);
    expect(secretsKeyProblem(randomBytes(33).toString('base64'))).toMatch(/32 bytes/);
    expect(secretsKeyProblem('not base64 at all!')).toMatch(/base64/);
    expect(() => secretsKeyOf('short')).toThrow(/WEBHOOK_SECRETS_KEY/);
  });
});
