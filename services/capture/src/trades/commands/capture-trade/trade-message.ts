import { TRADE_EXECUTED_BYTES_MAX } from '@postera/contracts';
import type { InboundRecord } from '@postera/platform';
import { createHash } from 'node:crypto';

/** A record of trades.executed.v1 as capture sees it: parsed, or the reason it could not be. */
export type TradeMessage =
  | { kind: 'parsed'; messageId: string; fields: Record<string, unknown>; record: InboundRecord }
  | { kind: 'malformed'; messageId: string; reason: string; record: InboundRecord };

const positionId = (r: InboundRecord) => `${r.topic}/${r.partition}/${r.offset}`;

export function readTradeMessage(record: InboundRecord): TradeMessage {
  const bytes = record.value ?? Buffer.alloc(0);
  if (bytes.length > TRADE_EXECUTED_BYTES_MAX) {
    return { kind: 'malformed', messageId: positionId(record), reason: `message of ${bytes.length} bytes exceeds ${TRADE_EXECUTED_BYTES_MAX}`, record };
  }
  // A NUL byte cannot be stored in Postgres text; named here without quoting it (the parser's message would).
  if (bytes.includes(0)) return { kind: 'malformed', messageId: positionId(record), reason: 'contains a NUL byte (0x00)', record };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return { kind: 'malformed', messageId: positionId(record), reason: `malformed JSON: ${(e as Error).message}`, record };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'malformed', messageId: positionId(record), reason: 'not a JSON object', record };
  }
  const unstorable = unstorableContent(parsed);
  if (unstorable) return { kind: 'malformed', messageId: positionId(record), reason: unstorable, record };
  const fields = parsed as Record<string, unknown>;
  // Without a usable messageId the position identifies the message: a redelivery has the same one.
  const messageId =
    typeof fields.messageId === 'string' && fields.messageId.length > 0 && fields.messageId.length <= 128 ? fields.messageId : positionId(record);
  return { kind: 'parsed', messageId, fields, record };
}

/** JSON nesting beyond this is no trade message; it would only exhaust the stack of whoever walks it. */
export const NESTING_MAX = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What JSON allows but Postgres cannot store (or a walk cannot survive): a U+0000 character, a lone
 * UTF-16 surrogate (both refused in text and jsonb), nesting deeper than NESTING_MAX. Null if none.
 */
export function unstorableContent(value: unknown, depth = 0): string | null {
  if (depth > NESTING_MAX) return `nested deeper than ${NESTING_MAX} levels`;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return 'contains a NUL character (U+0000)';
    if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
    return null;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const p = unstorableContent(v, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = unstorableContent(k, depth + 1) ?? unstorableContent(v, depth + 1);
      if (p) return p;
    }
  }
  return null;
}

/** Hash of the trade's content without its messageId: the same trade version resent under a new id is a duplicate. */
export function contentHash(fields: Record<string, unknown>): string {
  const { messageId: _ignored, ...content } = fields;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** JSON with the keys of every object sorted, at every depth: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
