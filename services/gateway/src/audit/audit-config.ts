import { z } from 'zod';
import { AuditKeyRing } from './audit-chain.js';

/** A MAC key: base64 of at least 32 random bytes (HMAC-SHA-256 gains nothing from a longer one). */
const macKey = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9+/_-]+=*$/.test(v) && Buffer.from(v, 'base64').length >= 32, 'a MAC key is base64 of at least 32 bytes');
const keyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id is 1 to 64 letters, digits, dot, dash or underscore');

/**
 * The audit log's keys and anchor store, part of the gateway's configuration (config.ts extends its
 * schema with this shape) and read by the stand-alone verification (audit-verify.ts). The keys are
 * secrets from outside the database: whoever can rewrite the table cannot recompute the MACs.
 */
export const auditConfigShape = {
  /** The key new audit rows and anchors are MACed with; required for the gateway to start. */
  AUDIT_MAC_KEY: macKey.optional(),
  /** Its id, stored with every row it MACs, so that a rotated key still verifies the rows it wrote. */
  AUDIT_MAC_KEY_ID: keyId.default('k1'),
  /** Earlier keys, kept to verify what they MACed: a JSON object `{ "<key id>": "<base64 key>" }`. */
  AUDIT_MAC_KEYS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return {};
      try {
        return z.record(keyId, macKey).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'AUDIT_MAC_KEYS is a JSON object of key id → base64 key (each at least 32 bytes)' });
        return z.NEVER;
      }
    }),
  /** The append-only file the chain's head is anchored in (one JSON line per anchor); a WORM store in production. */
  AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
  /** How often the head is anchored (only when it moved); at shutdown too. */
  AUDIT_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
};
export const auditConfigSchema = z.object(auditConfigShape);
export type AuditConfig = z.infer<typeof auditConfigSchema>;

/** The key ring of a validated configuration; refuses to start without a key. */
export function auditKeysOf(config: Pick<AuditConfig, 'AUDIT_MAC_KEY' | 'AUDIT_MAC_KEY_ID' | 'AUDIT_MAC_KEYS'>): AuditKeyRing {
  if (config.AUDIT_MAC_KEY === undefined) {
    throw new Error('AUDIT_MAC_KEY is required: base64 of at least 32 random bytes, a secret from outside the database');
  }
  return AuditKeyRing.fromBase64(config.AUDIT_MAC_KEY_ID, config.AUDIT_MAC_KEY, config.AUDIT_MAC_KEYS);
}
