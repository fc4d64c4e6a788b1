import type { SettlementParty } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import type { InstructionStatus } from '../domain/instruction-status.js';
import { NO_LIFECYCLE, type TradeLifecycleState } from '../domain/trade-lifecycle.js';

export interface InstructionRow {
  instructionId: string;
  tradeRef: string;
  tradeVersion: number;
  instructionType: 'RVP' | 'DVP' | 'RFP' | 'DFP';
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  settlementAmount: string;
  currency: string;
  tradeDate: string;
  intendedSettlementDate: string;
  account: string;
  counterparty: string;
  placeOfSettlement: string;
  clientId: string;
  book: string;
  status: InstructionStatus;
  reason: string | null;
  settledQuantity: string | null;
  settledAmount: string | null;
  effectiveSettlementDate: string | null;
  seq: number;
  quantityType: 'UNIT' | 'FAMT';
  partialIndicator: 'PART' | 'NPAR' | 'PARC' | 'PARQ';
  cashDirection: 'DBIT' | 'CRDT';
  ssis: { account: SettlementParty | null; counterparty: SettlementParty | null };
  /** 1, then + 1 each time an operator cancels and re-instructs the same trade version. */
  attempt: number;
  /** A net instruction (settles several gross trades); its trade_ref is `NET:<key>`. */
  isNet: boolean;
  /** On a gross trade's instruction: the net instruction that settles it. */
  netInstructionId: string | null;
  matchedDate: string | null;
  /** The sese.023 document sent. */
  xml: string | null;
}

export interface HistoryRow {
  instructionId: string;
  seq: number;
  status: InstructionStatus;
  reason: string | null;
  causeEventId: string;
  /** The operator behind an HTTP action (the maker of a four-eyes one), from the verified token; absent for what events caused. */
  operator?: string | null;
  /** The supervisor who approved a four-eyes action; absent otherwise. */
  checker?: string | null;
}

const SELECT = `SELECT instruction_id AS "instructionId", trade_ref AS "tradeRef", trade_version AS "tradeVersion", instruction_type AS "instructionType", side, isin,
  quantity::text AS quantity, settlement_amount::text AS "settlementAmount", currency, to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate",
  to_char(intended_settlement_date, 'YYYY-MM-DD') AS "intendedSettlementDate", account, counterparty, place_of_settlement AS "placeOfSettlement",
  client_id AS "clientId", book, status, reason, settled_quantity::text AS "settledQuantity", settled_amount::text AS "settledAmount",
  to_char(effective_settlement_date, 'YYYY-MM-DD') AS "effectiveSettlementDate", seq, quantity_type AS "quantityType",
  partial_indicator AS "partialIndicator", cash_direction AS "cashDirection", ssis, attempt, is_net AS "isNet", net_instruction_id AS "netInstructionId",
  to_char(matched_date, 'YYYY-MM-DD') AS "matchedDate", xml
  FROM settlement.instructions`;

/**
 * Inserts new instructions in their final state of the batch; returns the ids actually inserted.
 * An id already there (same trade and version) or a second live instruction for a trade (the
 * partial unique index on trade_ref WHERE status <> 'CANCELLED') is skipped, for the caller to assert on.
 */
export async function insertInstructions(tx: EntityManager, rows: InstructionRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const c = <K extends keyof InstructionRow>(k: K) => rows.map((r) => r[k]);
  const inserted = (await tx.query(
    `INSERT INTO settlement.instructions (instruction_id, trade_ref, instruction_type, side, isin, quantity, settlement_amount, currency,
       trade_date, intended_settlement_date, account, counterparty, place_of_settlement, client_id, book, status, reason, seq, trade_version,
       quantity_type, partial_indicator, cash_direction, ssis, attempt, is_net, net_instruction_id, xml)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::text[], $9::date[],
       $10::date[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::int[], $19::int[],
       $20::text[], $21::text[], $22::text[], $23::jsonb[], $24::int[], $25::boolean[], $26::uuid[], $27::text[])
     ON CONFLICT DO NOTHING RETURNING instruction_id`,
    [
      c('instructionId'),
      c('tradeRef'),
      c('instructionType'),
      c('side'),
      c('isin'),
      c('quantity'),
      c('settlementAmount'),
      c('currency'),
      c('tradeDate'),
      c('intendedSettlementDate'),
      c('account'),
      c('counterparty'),
      c('placeOfSettlement'),
      c('clientId'),
      c('book'),
      c('status'),
      c('reason'),
      c('seq'),
      c('tradeVersion'),
      c('quantityType'),
      c('partialIndicator'),
      c('cashDirection'),
      rows.map((r) => JSON.stringify(r.ssis)),
      c('attempt'),
      c('isNet'),
      c('netInstructionId'),
      c('xml'),
    ],
  )) as Array<{ instruction_id: string }>;
  return new Set(inserted.map((r) => r.instruction_id));
}

export async function loadInstructions(tx: EntityManager, ids: string[]): Promise<Map<string, InstructionRow>> {
  const rows = (await tx.query(`${SELECT} WHERE instruction_id = ANY($1::uuid[]) FOR UPDATE`, [[...new Set(ids)]])) as InstructionRow[];
  return new Map(rows.map((r) => [r.instructionId, r]));
}

/** Every instruction of the trades (all versions, cancelled ones too), locked for the batch, oldest version first. */
export async function loadInstructionsByTrade(tx: EntityManager, tradeRefs: string[]): Promise<Map<string, InstructionRow[]>> {
  const rows = (await tx.query(`${SELECT} WHERE trade_ref = ANY($1::text[]) ORDER BY trade_ref, trade_version, attempt FOR UPDATE`, [
    [...new Set(tradeRefs)],
  ])) as InstructionRow[];
  const byTrade = new Map<string, InstructionRow[]>();
  for (const r of rows) byTrade.set(r.tradeRef, [...(byTrade.get(r.tradeRef) ?? []), r]);
  return byTrade;
}

/** Every instruction of one trade: the live one (or the last version) first, then the ones it superseded. */
export async function findInstructionsByTrade(tx: EntityManager, tradeRef: string): Promise<InstructionRow[]> {
  return (await tx.query(`${SELECT} WHERE trade_ref = $1 ORDER BY status = 'CANCELLED', trade_version DESC, attempt DESC`, [tradeRef])) as InstructionRow[];
}

/** The gross trades' instructions a net instruction settles, locked. */
export async function loadNetMembers(tx: EntityManager, netIds: string[]): Promise<Map<string, InstructionRow[]>> {
  const rows = (await tx.query(`${SELECT} WHERE net_instruction_id = ANY($1::uuid[]) ORDER BY trade_ref FOR UPDATE`, [
    [...new Set(netIds)],
  ])) as InstructionRow[];
  const by = new Map<string, InstructionRow[]>();
  for (const r of rows) by.set(r.netInstructionId!, [...(by.get(r.netInstructionId!) ?? []), r]);
  return by;
}

/** Gross instructions held for netting whose intended date is on or before `until`, locked. */
export async function loadHeldForNetting(tx: EntityManager, until: string): Promise<InstructionRow[]> {
  return (await tx.query(`${SELECT} WHERE status = 'CREATED' AND NOT is_net AND intended_settlement_date <= $1 ORDER BY trade_ref FOR UPDATE`, [
    until,
  ])) as InstructionRow[];
}

export async function findInstruction(tx: EntityManager, id: string, lock = false): Promise<InstructionRow | null> {
  const rows = (await tx.query(`${SELECT} WHERE instruction_id = $1${lock ? ' FOR UPDATE' : ''}`, [id])) as InstructionRow[];
  return rows[0] ?? null;
}

export async function loadTradeLifecycle(tx: EntityManager, tradeRefs: string[]): Promise<Map<string, TradeLifecycleState>> {
  const rows = (await tx.query(
    `SELECT trade_ref AS "tradeRef", version_latest AS "versionLatest", cancelled_version AS "cancelledVersion"
     FROM settlement.trade_lifecycle WHERE trade_ref = ANY($1::text[]) FOR UPDATE`,
    [[...new Set(tradeRefs)]],
  )) as Array<TradeLifecycleState & { tradeRef: string }>;
  return new Map(rows.map(({ tradeRef, ...state }) => [tradeRef, { ...NO_LIFECYCLE, ...state }]));
}

export async function saveTradeLifecycle(tx: EntityManager, states: Map<string, TradeLifecycleState>): Promise<void> {
  if (states.size === 0) return;
  const entries = [...states.entries()];
  await tx.query(
    `INSERT INTO settlement.trade_lifecycle (trade_ref, version_latest, cancelled_version)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[])
     ON CONFLICT (trade_ref) DO UPDATE SET version_latest = EXCLUDED.version_latest, cancelled_version = EXCLUDED.cancelled_version, updated_at = now()`,
    [entries.map(([ref]) => ref), entries.map(([, s]) => s.versionLatest), entries.map(([, s]) => s.cancelledVersion)],
  );
}

/** Writes the final state of each changed instruction in one statement. */
export async function updateInstructions(tx: EntityManager, rows: InstructionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const c = <K extends keyof InstructionRow>(k: K) => rows.map((r) => r[k]);
  await tx.query(
    `UPDATE settlement.instructions i SET status = u.status, reason = u.reason, settled_quantity = u.sq, settled_amount = u.sa,
       effective_settlement_date = u.esd, seq = u.seq, net_instruction_id = u.net, matched_date = u.md, xml = u.xml, updated_at = now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::date[], $7::int[], $8::uuid[], $9::date[], $10::text[])
       AS u(id, status, reason, sq, sa, esd, seq, net, md, xml)
     WHERE i.instruction_id = u.id`,
    [
      c('instructionId'),
      c('status'),
      c('reason'),
      c('settledQuantity'),
      c('settledAmount'),
      c('effectiveSettlementDate'),
      c('seq'),
      c('netInstructionId'),
      c('matchedDate'),
      c('xml'),
    ],
  );
}

export async function insertHistory(tx: EntityManager, rows: HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const c = <K extends keyof HistoryRow>(k: K) => rows.map((r) => r[k]);
  await tx.query(
    `INSERT INTO settlement.instruction_history (instruction_id, seq, status, reason, cause_event_id, operator, checker)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
    [c('instructionId'), c('seq'), c('status'), c('reason'), c('causeEventId'), rows.map((r) => r.operator ?? null), rows.map((r) => r.checker ?? null)],
  );
}
