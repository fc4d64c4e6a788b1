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

/** What a receiver does (and the tests do): recompute, compare in constant time, check the age. */
export function verifyWebhook(
  secret: string,
  timestampHeader: string,
  signatureHeader: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(timestampHeader);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
