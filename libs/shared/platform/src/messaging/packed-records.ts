import type { InboundRecord, PartOfRecord } from './message-bus.port.js';

/**
 * Several events published together travel as one record, so that every group that reads the
 * topic fetches, decodes and commits one record instead of several. On most topics the relay packs
 * the consecutive outbox rows that share a key (what one transaction wrote for one trade:
 * `TradeCaptured` and `CounterpartyConfirmationIssued`, say). On a topic only the services read
 * (`packsAcrossKeys` in the catalogue) it packs the events bound for one partition, whatever their
 * keys: what a batch transaction wrote for a hundred trades leaves as a few records. Nothing is
 * reordered on a partition, and a key's events stay in order within the record and across records.
 *
 * The value is the JSON array of the events, each exactly as the outbox stored it; the `packed`
 * header lists, per event, its headers, its publication sequence, its length in bytes and, in a
 * record of several keys, its key, so that a reader cuts the events out without parsing the array.
 */
export const PACKED_HEADER = 'packed';

/** At most this many events in one record (they share one offset: a poison among them is isolated by its sequence). */
export const PACKED_EVENTS_MAX = 64;

export interface PackedPart {
  /** The event's own headers, as the outbox stored them. */
  h: Record<string, string>;
  /** Its publication sequence (the outbox row's id). */
  s: string;
  /** Its length in bytes in the value. */
  b: number;
  /** Its key, in a record that packs several keys (the record itself has none). */
  k?: string;
}

/** The value and header of a packed record, from the events' texts and their parts. */
export function packedRecord(values: string[], parts: Array<Omit<PackedPart, 'b'>>): { value: string; header: string } {
  return {
    value: `[${values.join(',')}]`,
    header: JSON.stringify(parts.map((p, i) => ({ ...p, b: Buffer.byteLength(values[i]!) }))),
  };
}

/**
 * The events of a record, each as a record of its own with its own headers and publication
 * sequence, at the record's offset. A record that is not packed is returned as it is. A packed
 * record whose header does not describe its value is returned whole, without its `packed`
 * header: decoding it fails (an array is no envelope) and it goes to the DLQ with its bytes.
 */
export function unpack(record: InboundRecord, sequenceHeader: string): InboundRecord[] {
  const spec = record.headers[PACKED_HEADER];
  if (spec === undefined) return [record];
  const { [PACKED_HEADER]: _packed, ...common } = record.headers;
  let parts: PackedPart[];
  try {
    parts = JSON.parse(spec) as PackedPart[];
    if (!Array.isArray(parts) || parts.length === 0) throw new Error('no parts');
  } catch {
    return [{ ...record, headers: common }];
  }
  const value = record.value ?? Buffer.alloc(0);
  const out: InboundRecord[] = [];
  let at = 1; // after '['
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const end = at + p.b;
    const separator = i === parts.length - 1 ? 0x5d /* ] */ : 0x2c; /* , */
    if (
      !Number.isInteger(p.b) ||
      p.b <= 0 ||
      value[end] !== separator ||
      typeof p.h !== 'object' ||
      p.h === null ||
      (p.k !== undefined && typeof p.k !== 'string')
    ) {
      return [{ ...record, headers: common }];
    }
    out.push({
      ...record,
      key: p.k ?? record.key,
      value: value.subarray(at, end),
      headers: { ...common, ...p.h, [sequenceHeader]: String(p.s) },
      part: { index: i, last: i === parts.length - 1 } satisfies PartOfRecord,
    });
    at = end + 1;
  }
  if (value[0] !== 0x5b /* [ */ || at !== value.length) return [{ ...record, headers: common }];
  return out;
}
