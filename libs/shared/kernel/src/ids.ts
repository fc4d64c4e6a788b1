import { createHash, randomUUID } from 'node:crypto';

/** A trade's reference everywhere in Postera and its Kafka key: `sourceSystem:tradeId`. */
export function tradeRef(sourceSystem: string, tradeId: string): string {
  return `${sourceSystem}:${tradeId}`;
}

export function newId(): string {
  return randomUUID();
}

/** A deterministic UUID (v5-like layout) from a name: the same cause always yields the same event id. */
export function deterministicId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
