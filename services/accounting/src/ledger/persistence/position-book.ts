import { Dec } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import { pgArray } from '../../database/pg-array.js';
import { emptyPosition, type CostMethod, type Position } from '../domain/cost.js';
import { CostHistory, costOpMeta, sameCost, type CostEffect, type CostOp, type CostOpMeta } from '../domain/cost-history.js';
import type { StagedOp } from './staged-ops.js';

export interface PositionKey {
  account: string;
  isin: string;
  book: string;
  currency: string;
  method: CostMethod;
}

/** A position the batch will move, and the first operation key it will insert or take out there. */
export type WantedPosition = PositionKey & { from: string };

interface StoredPosition {
  account: string;
  isin: string;
  book: string;
  currency: string;
  history: CostHistory;
  realized: Dec;
}

/** An operation re-costed by this batch: its re-costing entry posts `to − from`. */
export interface Recosting {
  account: string;
  isin: string;
  op: CostOp;
  from: CostEffect;
  to: CostEffect;
}

/** Where a TAKE_OUT's key (staged-ops.ts) ends the prefix of the operation it takes out. */
export const UNDO = '~undo|';

interface OpRow {
  account: string;
  isin: string;
  baseKey: string | null;
  key: string;
  kind: CostOp['kind'];
  side: 'BUY' | 'SELL';
  quantity: string;
  gross: string;
  securities: string;
  realized: string;
  revision: number;
  quantityAfter: string;
  costAfter: string;
  lotsAfter: Array<{ quantity: string; cost: string; key?: string }> | null;
  tradeRef: string;
  event: CostOpMeta['event'];
  recognition: CostOpMeta['recognition'];
  accountingDate: string;
  securitiesAccount: string;
  book: string;
  currency: string;
}

const lotsOf = (lots: Array<{ quantity: string; cost: string; key?: string }>) =>
  lots.map((l) => ({ quantity: new Dec(l.quantity), cost: new Dec(l.cost), key: l.key ?? '' }));

/**
 * The positions a batch touches, locked, each with the tail of its history (ledger/domain/cost-history.ts)
 * from the first key the batch inserts or takes out; changed in memory, written back in a few statements.
 */
export class PositionBook {
  private readonly rows = new Map<string, StoredPosition>();
  private readonly takenOut: Recosting[] = [];

  private constructor(private readonly tx: EntityManager) {}

  /**
   * Batches of different partitions run concurrently and may touch one position (two trades of an
   * account in one ISIN): every position is first created if missing, in key order, so that the
   * second batch waits on the row (or its insertion) and reads it committed — no lost update. Then
   * the history from the last checkpoint before the batch's first key: for operations arriving in
   * economic order (the usual case) one row per position.
   */
  static async load(tx: EntityManager, wanted: WantedPosition[]): Promise<PositionBook> {
    const book = new PositionBook(tx);
    if (wanted.length === 0) return book;
    const unique = new Map<string, WantedPosition>();
    for (const w of wanted) {
      const k = `${w.account}|${w.isin}`;
      const seen = unique.get(k);
      if (!seen || w.from < seen.from) unique.set(k, w);
    }
    const keys = [...unique.values()].sort((a, b) => (a.account === b.account ? (a.isin < b.isin ? -1 : 1) : a.account < b.account ? -1 : 1));
    await tx.query(
      `INSERT INTO accounting.positions (account, isin, book, currency, cost_method, quantity, cost)
       SELECT a, i, b, c, m, 0, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(a, i, b, c, m, n) ORDER BY n
       ON CONFLICT (account, isin) DO NOTHING`,
      [keys.map((k) => k.account), keys.map((k) => k.isin), keys.map((k) => k.book), keys.map((k) => k.currency), keys.map((k) => k.method)],
    );
    const positions = (await tx.query(
      `SELECT account, isin, book, currency, cost_method AS method, realized::text AS realized
       FROM accounting.positions WHERE (account, isin) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY account, isin FOR UPDATE`,
      [keys.map((k) => k.account), keys.map((k) => k.isin)],
    )) as Array<{ account: string; isin: string; book: string; currency: string; method: CostMethod; realized: string }>;
    const ops = (await tx.query(
      `SELECT w.account, w.isin, bk.base_key AS "baseKey", o.op_key AS key, o.kind, o.side, o.quantity::text AS quantity, o.gross::text AS gross,
              o.securities::text AS securities, o.realized::text AS realized, o.revision, o.quantity_after::text AS "quantityAfter",
              o.cost_after::text AS "costAfter", o.lots_after AS "lotsAfter", o.trade_ref AS "tradeRef", o.posting_event AS event, o.recognition,
              to_char(o.accounting_date, 'YYYY-MM-DD') AS "accountingDate", o.securities_account AS "securitiesAccount", o.book, o.currency
       FROM unnest($1::text[], $2::text[], $3::text[]) AS w(account, isin, from_key)
       CROSS JOIN LATERAL (SELECT (SELECT b.op_key FROM accounting.position_ops b
                                   WHERE b.account = w.account AND b.isin = w.isin AND b.op_key < w.from_key AND b.lots_after IS NOT NULL
                                   ORDER BY b.op_key DESC LIMIT 1) AS base_key) bk
       JOIN accounting.position_ops o ON o.account = w.account AND o.isin = w.isin AND o.op_key >= coalesce(bk.base_key, '')
       ORDER BY w.account, w.isin, o.op_key`,
      [keys.map((k) => k.account), keys.map((k) => k.isin), keys.map((k) => k.from)].map(pgArray),
    )) as OpRow[];
    const byPosition = new Map<string, OpRow[]>();
    for (const r of ops) {
      const k = `${r.account}|${r.isin}`;
      const rows = byPosition.get(k);
      if (rows) rows.push(r);
      else byPosition.set(k, [r]);
    }
    for (const p of positions) {
      const k = `${p.account}|${p.isin}`;
      let base = emptyPosition(p.method);
      const tail: CostOp[] = [];
      for (const r of byPosition.get(k) ?? []) {
        const after: Position = {
          method: p.method,
          quantity: new Dec(r.quantityAfter),
          cost: new Dec(r.costAfter),
          lots: p.method === 'FIFO' && r.lotsAfter ? lotsOf(r.lotsAfter) : [],
        };
        if (r.key === r.baseKey) {
          base = after;
          continue;
        }
        const effect = { securities: new Dec(r.securities), realized: new Dec(r.realized) };
        tail.push({
          key: r.key,
          kind: r.kind,
          side: r.side,
          quantity: new Dec(r.quantity),
          gross: new Dec(r.gross),
          posted: effect,
          current: effect,
          after,
          revision: r.revision,
          meta: costOpMeta(r),
        });
      }
      book.rows.set(k, {
        account: p.account,
        isin: p.isin,
        book: p.book,
        currency: p.currency,
        history: new CostHistory(base, tail, p.currency),
        realized: new Dec(p.realized),
      });
    }
    return book;
  }

  private get(k: { account: string; isin: string }): StoredPosition {
    const p = this.rows.get(`${k.account}|${k.isin}`);
    if (!p) throw new Error(`position ${k.account} ${k.isin} not loaded`);
    return p;
  }

  /**
   * A staged operation (staged-ops.ts) at its place in economic order. INSERT: the journal holds its
   * entry at the consideration, and its re-costing posts the cost. TAKE_OUT: the trade-date operation
   * amended or cancelled leaves the history (what followed it is re-costed), and its re-costing
   * brings the journal back to what its reversal mirrored, so nothing stays booked for it; one booked
   * before the history was kept is not in it and is taken back as a fixed undo.
   */
  cost(op: StagedOp): void {
    const p = this.get(op);
    if (op.action === 'INSERT') {
      p.history.add({ key: op.key, side: op.side, quantity: op.quantity, gross: op.gross, meta: op.meta }, op.posted);
      p.realized = p.realized.plus(op.posted.realized);
      return;
    }
    const out = p.history.remove(op.key.slice(0, op.key.indexOf(UNDO)));
    if (out) {
      p.realized = p.realized.minus(out.posted.realized);
      if (!sameCost(out.posted, op.posted)) {
        out.revision += 1;
        this.takenOut.push({ account: p.account, isin: p.isin, op: out, from: out.posted, to: op.posted });
      }
      return;
    }
    p.history.insertUndo({ key: op.key, side: op.side, quantity: op.quantity, securities: op.posted.securities, realized: op.posted.realized, meta: op.meta });
    p.realized = p.realized.minus(op.posted.realized);
  }

  /**
   * The operations whose cost differs from what the journal holds for them (staged at their
   * consideration, or re-costed by an operation before them), now counted as posted, and the
   * operations taken out: the caller posts one re-costing for each.
   */
  takeRecostings(): Recosting[] {
    // A taken-out operation's realized P&L already left the position with it.
    const out: Recosting[] = this.takenOut.splice(0);
    for (const p of this.rows.values()) {
      for (const op of p.history.recosted()) {
        out.push({ account: p.account, isin: p.isin, op, from: op.posted, to: op.current });
        p.realized = p.realized.plus(op.current.realized).minus(op.posted.realized);
        op.posted = op.current;
        op.revision += 1;
        op.dirty = true;
      }
    }
    return out;
  }

  async save(): Promise<void> {
    for (const p of this.rows.values()) p.history.settle();
    const v = [...this.rows.values()].filter((p) => p.history.removed.length > 0 || p.history.ops.some((o) => o.dirty));
    if (v.length === 0) return;
    await this.tx.query(
      `UPDATE accounting.positions p SET quantity = x.q, cost = x.c, lots = x.l, realized = x.r
       FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::jsonb[], $6::numeric[]) AS x(a, i, q, c, l, r)
       WHERE p.account = x.a AND p.isin = x.i`,
      [
        v.map((p) => p.account),
        v.map((p) => p.isin),
        v.map((p) => p.history.state().quantity.toFixed()),
        v.map((p) => p.history.state().cost.toFixed()),
        v.map((p) => lotsJson(p.history.state())),
        v.map((p) => p.realized.toFixed()),
      ].map(pgArray),
    );
    const gone = v.flatMap((p) => p.history.removed.map((o) => ({ p, o })));
    if (gone.length > 0) {
      await this.tx.query(
        `DELETE FROM accounting.position_ops o USING unnest($1::text[], $2::text[], $3::text[]) AS x(a, i, k) WHERE o.account = x.a AND o.isin = x.i AND o.op_key = x.k`,
        [gone.map((g) => g.p.account), gone.map((g) => g.p.isin), gone.map((g) => g.o.key)].map(pgArray),
      );
    }
    // A FIFO operation's lots are written where the history kept them (its last, and every
    // LOTS_KEPT_EVERY): the checkpoints a later batch loads from.
    const written = v.flatMap((p) => p.history.ops.filter((o) => o.dirty).map((o) => ({ p, o, checkpoint: o.after.method !== 'FIFO' || o.lotsKept === true })));
    if (written.length === 0) return;
    const col = (f: (w: (typeof written)[number]) => string | number | null) => pgArray(written.map(f));
    await this.tx.query(
      `INSERT INTO accounting.position_ops (account, isin, op_key, kind, side, quantity, gross, securities, realized, revision,
                                            quantity_after, cost_after, lots_after, trade_ref, posting_event, recognition, accounting_date,
                                            securities_account, book, currency)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[],
                            $10::int[], $11::numeric[], $12::numeric[], $13::jsonb[], $14::text[], $15::text[], $16::text[], $17::date[], $18::text[],
                            $19::text[], $20::text[])
       ON CONFLICT (account, isin, op_key) DO UPDATE SET securities = EXCLUDED.securities, realized = EXCLUDED.realized, revision = EXCLUDED.revision,
         quantity_after = EXCLUDED.quantity_after, cost_after = EXCLUDED.cost_after, lots_after = EXCLUDED.lots_after`,
      [
        col((w) => w.p.account),
        col((w) => w.p.isin),
        col((w) => w.o.key),
        col((w) => w.o.kind),
        col((w) => w.o.side),
        col((w) => w.o.quantity.toFixed()),
        col((w) => w.o.gross.toFixed()),
        col((w) => w.o.posted.securities.toFixed()),
        col((w) => w.o.posted.realized.toFixed()),
        col((w) => w.o.revision),
        col((w) => w.o.after.quantity.toFixed()),
        col((w) => w.o.after.cost.toFixed()),
        col((w) => (w.checkpoint ? lotsJson(w.o.after) : null)),
        col((w) => w.o.meta.tradeRef),
        col((w) => w.o.meta.event),
        col((w) => w.o.meta.recognition),
        col((w) => w.o.meta.accountingDate),
        col((w) => w.o.meta.securitiesAccount),
        col((w) => w.o.meta.book),
        col((w) => w.o.meta.currency),
      ],
    );
  }
}

const lotsJson = (p: Position) => JSON.stringify(p.lots.map((l) => ({ quantity: l.quantity.toFixed(), cost: l.cost.toFixed(), key: l.key ?? '' })));
