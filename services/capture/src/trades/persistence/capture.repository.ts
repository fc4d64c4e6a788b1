import type { TradeEconomics, TradeStatus } from '@postera/contracts';
import type { InboundRecord } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import type { InputProblem } from '../domain/trade-input-rules.js';

export type ReceiptOutcome = 'CAPTURED' | 'AMENDED' | 'CANCELLED' | 'STALE' | 'CONFIRMED' | 'PENDING' | 'EXCEPTION' | 'DUPLICATE';

export interface ReceiptRow {
  messageId: string;
  outcome: ReceiptOutcome;
  tradeRef: string | null;
  topic: string;
  /** The n-th record with this message id on this topic (1 when left out). */
  delivery?: number;
  /** SHA-256 of the content without `messageId` (null: not JSON, or left out). */
  contentHash?: string | null;
  /** `topic/partition/offset` of the record (null when left out). */
  position?: string | null;
}

/** What was received under a message id on a topic: how many records, the first one's content, every record's position. */
export interface Received {
  deliveries: number;
  firstHash: string | null;
  positions: Set<string>;
}

export interface ExceptionRow {
  exceptionId: string;
  messageId: string;
  tradeRef: string | null;
  kind: 'INPUT' | 'LIFECYCLE' | 'CONFIRMATION';
  reasons: InputProblem[];
  record: InboundRecord;
}

/** A trade as stored: the applied version's economics, its status, and who touched it by hand. */
export interface StoredTrade {
  tradeRef: string;
  version: number;
  status: TradeStatus;
  economics: TradeEconomics;
  maker: string | null;
  messageId: string;
  hash: string;
  validatedBy: string | null;
  validatedHow: string | null;
  confirmationId: string | null;
}

export interface VersionRow {
  tradeRef: string;
  version: number;
  action: 'NEW' | 'AMEND' | 'CANCEL';
  messageId: string;
  hash: string;
  outcome: 'APPLIED' | 'STALE';
  note: string | null;
  economics: TradeEconomics;
}

export interface HistoryRow {
  tradeRef: string;
  version: number;
  status: TradeStatus;
  eventType: string;
  cause: string | null;
  actor: string | null;
  detail: unknown;
}

const unique = (xs: string[]) => [...new Set(xs.filter((x) => x.length > 0))];

/**
 * Serialises the work on these trades across capture's consumers and operators: a confirmation and
 * its trade arriving together on their two topics would otherwise each commit without seeing the
 * other, and the confirmation would wait forever. Transaction-scoped advisory locks, taken in one
 * statement in the order of their keys, so two batches never wait on each other in a cycle.
 */
export async function lockTradeRefs(tx: EntityManager, refs: string[]): Promise<void> {
  const keys = unique(refs);
  if (keys.length === 0) return;
  await tx.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended('capture.trade:' || r, 0) AS k FROM unnest($1::text[]) AS r ORDER BY k) AS locks`,
    [keys],
  );
}

/**
 * The trades of a batch, locked: a replay or an approval running beside the consumer waits for the
 * batch instead of applying a version on top of a state it did not see.
 */
export async function loadTrades(tx: EntityManager, refs: string[]): Promise<Map<string, StoredTrade>> {
  const rows = (await tx.query(
    `SELECT trade_ref, version, status, economics, maker, message_id, body_hash, validated_by, validated_how, confirmation_id
     FROM capture.trades WHERE trade_ref = ANY($1) ORDER BY trade_ref FOR UPDATE`,
    [unique(refs)],
  )) as Array<Record<string, unknown>>;
  return new Map(
    rows.map((r) => [
      r.trade_ref as string,
      {
        tradeRef: r.trade_ref as string,
        version: r.version as number,
        status: r.status as TradeStatus,
        economics: r.economics as TradeEconomics,
        maker: r.maker as string | null,
        messageId: r.message_id as string,
        hash: r.body_hash as string,
        validatedBy: r.validated_by as string | null,
        validatedHow: r.validated_how as string | null,
        confirmationId: r.confirmation_id as string | null,
      },
    ]),
  );
}

/** Every version received of these trades (applied or stale) with its content hash. */
export async function loadSeenVersions(tx: EntityManager, refs: string[]): Promise<Map<string, Map<number, string>>> {
  const rows = (await tx.query(`SELECT trade_ref, version, body_hash FROM capture.trade_versions WHERE trade_ref = ANY($1)`, [unique(refs)])) as Array<{
    trade_ref: string;
    version: number;
    body_hash: string;
  }>;
  const seen = new Map<string, Map<number, string>>();
  for (const r of rows) {
    if (!seen.has(r.trade_ref)) seen.set(r.trade_ref, new Map());
    seen.get(r.trade_ref)!.set(r.version, r.body_hash);
  }
  return seen;
}

/** Inserts new trades and rewrites changed ones, in one statement. */
export async function saveTrades(tx: EntityManager, trades: StoredTrade[]): Promise<void> {
  if (trades.length === 0) return;
  const col = <T>(f: (t: StoredTrade) => T) => trades.map(f);
  await tx.query(
    `INSERT INTO capture.trades (trade_ref, source_system, trade_id, version, status, side, isin, quantity, price, price_type, currency,
       gross_amount, accrued_interest, fees_amount, net_amount, trade_date, settlement_date, executed_at, venue, account, counterparty, capacity,
       order_type, origin, late_booking, economics, message_id, body_hash, maker, validated_by, validated_how, confirmation_id)
     SELECT e->>'tradeRef', e->>'sourceSystem', e->>'tradeId', (e->>'version')::int, x.status, e->>'side', e->>'isin', (e->>'quantity')::numeric,
       (e->>'price')::numeric, e->>'priceType', e->>'currency', (e->>'grossAmount')::numeric, (e->>'accruedInterest')::numeric,
       (e->>'feesAmount')::numeric, (e->>'netAmount')::numeric, (e->>'tradeDate')::date, (e->>'settlementDate')::date,
       (e->>'executedAt')::timestamptz, e->>'venue', e->>'account', e->>'counterparty', e->>'capacity', e->>'orderType', e->>'origin',
       (e->>'lateBooking')::boolean, e, x.message_id, x.body_hash, x.maker, x.validated_by, x.validated_how, x.confirmation_id
     FROM unnest($1::jsonb[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS x(e, status, message_id, body_hash, maker, validated_by, validated_how, confirmation_id)
     ON CONFLICT (trade_ref) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status, side = EXCLUDED.side, isin = EXCLUDED.isin,
       quantity = EXCLUDED.quantity, price = EXCLUDED.price, price_type = EXCLUDED.price_type, currency = EXCLUDED.currency,
       gross_amount = EXCLUDED.gross_amount, accrued_interest = EXCLUDED.accrued_interest, fees_amount = EXCLUDED.fees_amount,
       net_amount = EXCLUDED.net_amount, trade_date = EXCLUDED.trade_date, settlement_date = EXCLUDED.settlement_date,
       executed_at = EXCLUDED.executed_at, venue = EXCLUDED.venue, account = EXCLUDED.account, counterparty = EXCLUDED.counterparty,
       capacity = EXCLUDED.capacity, order_type = EXCLUDED.order_type, origin = EXCLUDED.origin, late_booking = EXCLUDED.late_booking,
       economics = EXCLUDED.economics, message_id = EXCLUDED.message_id, body_hash = EXCLUDED.body_hash, maker = EXCLUDED.maker,
       validated_by = EXCLUDED.validated_by, validated_how = EXCLUDED.validated_how, confirmation_id = EXCLUDED.confirmation_id, updated_at = now()`,
    [
      col((t) => JSON.stringify(t.economics)),
      col((t) => t.status),
      col((t) => t.messageId),
      col((t) => t.hash),
      col((t) => t.maker),
      col((t) => t.validatedBy),
      col((t) => t.validatedHow),
      col((t) => t.confirmationId),
    ],
  );
}

export async function insertVersions(tx: EntityManager, rows: VersionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO capture.trade_versions (trade_ref, version, action, message_id, body_hash, outcome, note, economics)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[])`,
    [
      rows.map((r) => r.tradeRef),
      rows.map((r) => r.version),
      rows.map((r) => r.action),
      rows.map((r) => r.messageId),
      rows.map((r) => r.hash),
      rows.map((r) => r.outcome),
      rows.map((r) => r.note),
      rows.map((r) => JSON.stringify(r.economics)),
    ],
  );
}

export async function insertHistory(tx: EntityManager, rows: HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO capture.trade_history (trade_ref, version, status, event_type, cause, actor, detail)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])`,
    [
      rows.map((r) => r.tradeRef),
      rows.map((r) => r.version),
      rows.map((r) => r.status),
      rows.map((r) => r.eventType),
      rows.map((r) => r.cause),
      rows.map((r) => r.actor),
      rows.map((r) => (r.detail === undefined || r.detail === null ? null : JSON.stringify(r.detail))),
    ],
  );
}

export async function insertReceipts(tx: EntityManager, rows: ReceiptRow[]): Promise<void> {
  if (rows.length === 0) return;
  // No ON CONFLICT: each record has its own (topic, message id, delivery); a clash would be a count
  // lost, so it fails the batch loudly instead.
  await tx.query(
    `INSERT INTO capture.receipts (message_id, outcome, trade_ref, topic, delivery, content_hash, position)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])`,
    [
      rows.map((r) => r.messageId),
      rows.map((r) => r.outcome),
      rows.map((r) => r.tradeRef),
      rows.map((r) => r.topic),
      rows.map((r) => r.delivery ?? 1),
      rows.map((r) => r.contentHash ?? null),
      rows.map((r) => r.position ?? null),
    ],
  );
}

/** The message ids of a topic already received, among these: one query for the batch. */
export async function loadReceived(tx: EntityManager, topic: string, messageIds: string[]): Promise<Map<string, Received>> {
  const rows = (await tx.query(
    `SELECT message_id, max(delivery)::int AS deliveries, (array_agg(content_hash ORDER BY delivery))[1] AS first_hash,
            array_remove(array_agg(position), NULL) AS positions
     FROM capture.receipts WHERE topic = $1 AND message_id = ANY($2) GROUP BY message_id`,
    [topic, unique(messageIds)],
  )) as Array<{ message_id: string; deliveries: number; first_hash: string | null; positions: string[] }>;
  return new Map(rows.map((r) => [r.message_id, { deliveries: r.deliveries, firstHash: r.first_hash, positions: new Set(r.positions) }]));
}

export async function insertExceptions(tx: EntityManager, rows: ExceptionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO capture.exceptions (exception_id, message_id, trade_ref, kind, reasons, original, headers, topic, kafka_partition, kafka_offset)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bytea[], $7::jsonb[], $8::text[], $9::int[], $10::text[])`,
    [
      rows.map((r) => r.exceptionId),
      rows.map((r) => r.messageId),
      rows.map((r) => r.tradeRef),
      rows.map((r) => r.kind),
      rows.map((r) => JSON.stringify(r.reasons)),
      rows.map((r) => r.record.value ?? Buffer.alloc(0)),
      rows.map((r) => JSON.stringify(r.record.headers)),
      rows.map((r) => r.record.topic),
      rows.map((r) => r.record.partition),
      rows.map((r) => r.record.offset),
    ],
  );
}

/** A counterparty confirmation as stored. */
export interface ConfirmationRow {
  messageId: string;
  confirmationId: string;
  tradeRef: string;
  counterparty: string;
  fields: Record<string, unknown>;
  original: Buffer;
  status: 'PENDING' | 'MATCHED' | 'MISMATCHED' | 'SUPERSEDED';
  differences: unknown;
  matchedVersion: number | null;
}

/**
 * The latest confirmation received for each trade, whatever became of it (superseded ones aside):
 * the counterparty's current view, which a newly captured or amended version is compared with.
 */
export async function loadLatestConfirmations(tx: EntityManager, refs: string[]): Promise<Map<string, ConfirmationRow>> {
  const rows = (await tx.query(
    `SELECT DISTINCT ON (trade_ref) message_id, confirmation_id, trade_ref, counterparty, fields, original, status, differences, matched_version
     FROM capture.confirmations WHERE trade_ref = ANY($1) AND status <> 'SUPERSEDED' ORDER BY trade_ref, received_at DESC, message_id DESC`,
    [unique(refs)],
  )) as Array<Record<string, unknown>>;
  return new Map(rows.map((r) => [r.trade_ref as string, confirmationFromRow(r)]));
}

function confirmationFromRow(r: Record<string, unknown>): ConfirmationRow {
  return {
    messageId: r.message_id as string,
    confirmationId: r.confirmation_id as string,
    tradeRef: r.trade_ref as string,
    counterparty: r.counterparty as string,
    fields: r.fields as Record<string, unknown>,
    original: r.original as Buffer,
    status: r.status as ConfirmationRow['status'],
    differences: r.differences,
    matchedVersion: r.matched_version as number | null,
  };
}

/** Inserts new confirmations and updates the status of known ones (by message id), in one statement. */
export async function saveConfirmations(tx: EntityManager, rows: ConfirmationRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO capture.confirmations (message_id, confirmation_id, trade_ref, counterparty, fields, original, status, differences, matched_version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bytea[], $7::text[], $8::jsonb[], $9::int[])
     ON CONFLICT (message_id) DO UPDATE SET status = EXCLUDED.status, differences = EXCLUDED.differences, matched_version = EXCLUDED.matched_version,
       updated_at = now()`,
    [
      rows.map((r) => r.messageId),
      rows.map((r) => r.confirmationId),
      rows.map((r) => r.tradeRef),
      rows.map((r) => r.counterparty),
      rows.map((r) => JSON.stringify(r.fields)),
      rows.map((r) => r.original),
      rows.map((r) => r.status),
      rows.map((r) => (r.differences === null || r.differences === undefined ? null : JSON.stringify(r.differences))),
      rows.map((r) => r.matchedVersion),
    ],
  );
}
