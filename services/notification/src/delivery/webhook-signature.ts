import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-postera-signature';
export const TIMESTAMP_HEADER = 'x-postera-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * HMAC-SHA256 over `<timestamp>.<body>` with the webhook's secret, hex; sent as
 * `x-postera-signature: v1=<hex>` beside `x-postera-timestamp: <unix seconds>`. Signing the
 * timestamp with the body lets a receiver refuse a replayed request older than its tolerance.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The header for every secret valid now, newest first: during a rotation's overlap
 * `v1=<with the new secret>,v1=<with the previous one>`, so a receiver that has not switched yet
 * still verifies.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((s) => signWebhook(s, timestamp, body)).join(',');
}

/** Signatures read from one header, at most (a header is the sender's, but a receiver bounds what it reads). */
const SIGNATURES_MAX = 4;

/**
 * What a receiver does (and the tests do): recompute, compare in constant time with each `v1=`
 * signature of the header (one of them is enough: during a rotation there are two), check the age.
 */
export function verifyWebhook(
  secret: string,
  timestampHeader: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(timestampHeader);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  return header
    .split(',')
    .slice(0, SIGNATURES_MAX)
    .some((one) => {
      const given = Buffer.from(one.trim());
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
}
