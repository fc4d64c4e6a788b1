import { Dec } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import { pgArray } from '../../database/pg-array.js';
import type { CostMethod } from '../domain/cost.js';
import { costOpMeta, type CostEffect, type CostOpMeta } from '../domain/cost-history.js';

/**
 * An operation on a position booked at its consideration and waiting for its day to be costed
 * (ledger/commands/cost-marked-days.ts): a trade-date operation or a settlement step to INSERT in the
 * position's history, or a trade-date operation to TAKE_OUT (amended or cancelled), whose key is
 * then `<operation's key prefix>~undo|<event>`.
 */
export interface StagedOp {
  action: 'INSERT' | 'TAKE_OUT';
  /** The last day marked on every partition the operation came from, before it ('' before any). */
  markedThrough: string;
  account: string;
  isin: string;
  costMethod: CostMethod;
  key: string;
  side: 'BUY' | 'SELL';
  quantity: Dec;
  gross: Dec;
  /** What the journal holds for it: INSERT, its entry (the consideration); TAKE_OUT, what its reversal posted back. */
  posted: CostEffect;
  meta: CostOpMeta;
}

const COLUMNS =
  'action, marked_through, account, isin, cost_method, op_key, side, quantity, gross, securities, realized, trade_ref, posting_event, recognition, accounting_date, securities_account, book, currency';

/** Stages a batch's operations, in the order it booked them (seq). */
export async function stageOps(tx: EntityManager, ops: StagedOp[]): Promise<void> {
  if (ops.length === 0) return;
  const col = (f: (o: StagedOp) => string) => pgArray(ops.map(f));
  await tx.query(
    `INSERT INTO accounting.staged_ops (${COLUMNS})
     SELECT ${COLUMNS} FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
                          $10::numeric[], $11::numeric[], $12::text[], $13::text[], $14::text[], $15::date[], $16::text[], $17::text[], $18::text[])
       WITH ORDINALITY AS x(${COLUMNS}, n) ORDER BY n`,
    [
      col((o) => o.action),
      col((o) => o.markedThrough),
      col((o) => o.account),
      col((o) => o.isin),
      col((o) => o.costMethod),
      col((o) => o.key),
      col((o) => o.side),
      col((o) => o.quantity.toFixed()),
      col((o) => o.gross.toFixed()),
      col((o) => o.posted.securities.toFixed()),
      col((o) => o.posted.realized.toFixed()),
      col((o) => o.meta.tradeRef),
      col((o) => o.meta.event),
      col((o) => o.meta.recognition),
      col((o) => o.meta.accountingDate),
      col((o) => o.meta.securitiesAccount),
      col((o) => o.meta.book),
      col((o) => o.meta.currency),
    ],
  );
}

interface StagedRow {
  action: StagedOp['action'];
  markedThrough: string;
  account: string;
  isin: string;
  costMethod: CostMethod;
  key: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  gross: string;
  securities: string;
  realized: string;
  tradeRef: string;
  event: CostOpMeta['event'];
  recognition: CostOpMeta['recognition'];
  accountingDate: string;
  securitiesAccount: string;
  book: string;
  currency: string;
}

/**
 * The operations a marked day costs, taken off the stage: those booked before that day was marked
 * on their partitions (the last day marked before them is earlier), in the order they were booked.
 */
export async function takeStagedBefore(tx: EntityManager, day: string): Promise<StagedOp[]> {
  // A DELETE … RETURNING comes back from TypeORM as [rows, count]: read through a SELECT.
  const rows = (await tx.query(
    `WITH taken AS (DELETE FROM accounting.staged_ops WHERE marked_through < $1 RETURNING *)
     SELECT action, marked_through AS "markedThrough", account, isin, cost_method AS "costMethod", op_key AS key, side,
            quantity::text AS quantity, gross::text AS gross, securities::text AS securities, realized::text AS realized, trade_ref AS "tradeRef",
            posting_event AS event, recognition, to_char(accounting_date, 'YYYY-MM-DD') AS "accountingDate", securities_account AS "securitiesAccount",
            book, currency
     FROM taken ORDER BY seq`,
    [day],
  )) as StagedRow[];
  return rows.map((r) => ({
    action: r.action,
    markedThrough: r.markedThrough,
    account: r.account,
    isin: r.isin,
    costMethod: r.costMethod,
    key: r.key,
    side: r.side,
    quantity: new Dec(r.quantity),
    gross: new Dec(r.gross),
    posted: { securities: new Dec(r.securities), realized: new Dec(r.realized) },
    meta: costOpMeta(r),
  }));
}
