import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Webhook signing secrets at rest: AES-256-GCM under WEBHOOK_SECRETS_KEY (32 bytes), a random
 * 96-bit nonce per value, stored as `v1:<nonce, base64>:<ciphertext and 128-bit tag, base64>`. The
 * counterparty's LEI is the associated data, so a sealed secret copied to another counterparty's
 * contacts does not open there. A secret is opened only to sign a delivery.
 */
export const SEALED_SECRET_VERSION = 'v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A sealed secret that does not open: tampered with, sealed under another key or for another counterparty, or not a sealed value at all. */
export class WebhookSecretRefused extends Error {
  override name = 'WebhookSecretRefused';
}

/** Why a WEBHOOK_SECRETS_KEY value is no key, or null when it is one. */
export function secretsKeyProblem(value: string): string | null {
  if (!BASE64.test(value) || value.length % 4 !== 0) return 'base64 (openssl rand -base64 32)';
  if (Buffer.from(value, 'base64').length !== KEY_BYTES)
    return `${KEY_BYTES} bytes, base64 (openssl rand -base64 32): this decodes to ${Buffer.from(value, 'base64').length}`;
  return null;
}

/** The key from its configured base64 form; throws on anything but 32 bytes. */
export function secretsKeyOf(value: string): Buffer {
  const problem = secretsKeyProblem(value);
  if (problem) throw new Error(`WEBHOOK_SECRETS_KEY: ${problem}`);
  return Buffer.from(value, 'base64');
}

/** True for a value in the sealed form (whatever its key); anything else stored is a plaintext secret. */
export const isSealedSecret = (stored: string): boolean => stored.startsWith(`${SEALED_SECRET_VERSION}:`);

export function sealSecret(key: Buffer, secret: string, counterparty: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(counterparty, 'utf8'));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_SECRET_VERSION}:${nonce.toString('base64')}:${sealed.toString('base64')}`;
}

export function openSecret(key: Buffer, stored: string, counterparty: string): string {
  const parts = stored.split(':');
  if (parts.length !== 3 || parts[0] !== SEALED_SECRET_VERSION || !BASE64.test(parts[1]!) || !BASE64.test(parts[2]!))
    throw new WebhookSecretRefused(`not a sealed secret (${SEALED_SECRET_VERSION}:<nonce>:<ciphertext>)`);
  const nonce = Buffer.from(parts[1]!, 'base64');
  const sealed = Buffer.from(parts[2]!, 'base64');
  if (nonce.length !== NONCE_BYTES || sealed.length <= TAG_BYTES) throw new WebhookSecretRefused('a sealed secret of the wrong size');
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(counterparty, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new WebhookSecretRefused(
      'the sealed secret does not open with WEBHOOK_SECRETS_KEY: altered, or sealed under another key or for another counterparty',
    );
  }
}
