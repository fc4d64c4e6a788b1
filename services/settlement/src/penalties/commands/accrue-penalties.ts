import { envelope, Topics, type LiquidityClass, type PenaltyAccruedEvent } from '@postera/contracts';
import type { BatchContext } from '@postera/platform';
import { cashDailyRate, penaltyAmount, securitiesRate } from '../domain/penalties.js';

export interface PenaltyDue {
  penaltyId: string;
  instructionId: string;
  tradeRef: string;
  kind: 'SEFP' | 'LMFP';
  direction: 'RECEIVABLE' | 'PAYABLE';
  penaltyDate: string;
  failReason: string;
  cashFail: boolean;
  isin: string;
  counterparty: string;
  account: string;
  book: string;
  /** Failed quantity, or failed cash for a cash fail. */
  basisQuantity: string;
  currency: string;
}

/**
 * Penalty days and their inputs (prices, instrument classes) arrive in different consumers' transactions;
 * each takes this lock before writing, so the later one waits for the earlier to commit and then sees
 * its rows — otherwise a price and a fail day committed side by side would each miss the other.
 */
export async function lockPenaltyInputs(tx: BatchContext['tx']): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('settlement.penalty-inputs'))`);
}

/**
 * Records penalty days; their amount is computed once the day's reference price (and the instrument's
 * class) is known. Idempotent: a day already recorded (same instruction, kind and day: a re-delivered
 * advice) is left as it is. A day that already has a penalty of the other kind for the instruction is
 * not recorded either: one instruction is never charged LMFP and SEFP for the same day (the callers
 * never ask for it; this holds it against replays and out-of-order advices too).
 */
export async function recordPenaltyDays(ctx: BatchContext, due: PenaltyDue[]): Promise<void> {
  if (due.length === 0) return;
  await lockPenaltyInputs(ctx.tx);
  const c = <K extends keyof PenaltyDue>(k: K) => due.map((d) => d[k]);
  await ctx.tx.query(
    `INSERT INTO settlement.penalties (penalty_id, instruction_id, trade_ref, kind, direction, penalty_date, fail_reason, cash_fail, isin, counterparty,
       account, book, basis_quantity, currency)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::boolean[], $9::text[], $10::text[],
       $11::text[], $12::text[], $13::numeric[], $14::text[])
       AS n(penalty_id, instruction_id, trade_ref, kind, direction, penalty_date, fail_reason, cash_fail, isin, counterparty, account, book, basis_quantity, currency)
     WHERE NOT EXISTS (SELECT 1 FROM settlement.penalties o WHERE o.instruction_id = n.instruction_id AND o.penalty_date = n.penalty_date AND o.kind <> n.kind)
     ON CONFLICT (instruction_id, kind, penalty_date) DO NOTHING`,
    [
      c('penaltyId'),
      c('instructionId'),
      c('tradeRef'),
      c('kind'),
      c('direction'),
      c('penaltyDate'),
      c('failReason'),
      c('cashFail'),
      c('isin'),
      c('counterparty'),
      c('account'),
      c('book'),
      c('basisQuantity'),
      c('currency'),
    ],
  );
}

/** Bound on the penalties computed in one transaction; the rest wait for the next trigger. */
export const PENALTIES_PER_BATCH_MAX = 5_000;

/**
 * Computes every recorded penalty day whose inputs are known, and emits PenaltyAccrued for each:
 * securities fails need the day's reference price and the instrument's CSDR class; cash fails the
 * configured central bank rate only. Called by every consumer that brings an input (custodian
 * advices, prices, instruments), so the order they arrive in does not matter. Rows are locked, and
 * re-checked (`amount IS NULL`) after the lock, so two consumers never compute one twice.
 */
export async function accruePending(ctx: BatchContext, cashAnnualRate: string, cause: string): Promise<number> {
  const rows = (await ctx.tx.query(
    `SELECT p.penalty_id AS "penaltyId", p.instruction_id AS "instructionId", p.trade_ref AS "tradeRef", p.kind, p.direction,
       to_char(p.penalty_date, 'YYYY-MM-DD') AS "penaltyDate", p.cash_fail AS "cashFail", p.isin, p.counterparty, p.account, p.book,
       p.basis_quantity::text AS basis, p.currency, i.liquidity_class AS "liquidityClass", rp.price::text AS price, rp.price_type AS "priceType",
       rp.currency AS "priceCurrency"
     FROM settlement.penalties p
     LEFT JOIN settlement.instruments i ON i.isin = p.isin
     LEFT JOIN settlement.reference_prices rp ON rp.isin = p.isin AND rp.price_date = p.penalty_date
     WHERE p.amount IS NULL AND (p.cash_fail OR (rp.price IS NOT NULL AND i.liquidity_class IS NOT NULL))
     ORDER BY p.penalty_id LIMIT ${PENALTIES_PER_BATCH_MAX} FOR UPDATE OF p`,
  )) as Array<{
    penaltyId: string;
    instructionId: string;
    tradeRef: string;
    kind: 'SEFP' | 'LMFP';
    direction: 'RECEIVABLE' | 'PAYABLE';
    penaltyDate: string;
    cashFail: boolean;
    isin: string;
    counterparty: string;
    account: string;
    book: string;
    basis: string;
    currency: string;
    liquidityClass: LiquidityClass | null;
    price: string | null;
    priceType: 'UNIT' | 'PERCENT' | null;
    priceCurrency: string | null;
  }>;
  const done: Array<{ id: string; price: string; rate: string; amount: string; currency: string }> = [];
  for (const r of rows) {
    const price = r.cashFail ? '1' : r.price!;
    const rate = r.cashFail ? cashDailyRate(cashAnnualRate) : securitiesRate(r.liquidityClass!, r.penaltyDate);
    // The penalty is in the currency of the reference price (for a cash fail, of the cash).
    const currency = r.cashFail ? r.currency : (r.priceCurrency ?? r.currency);
    const amount = penaltyAmount(r.basis, price, r.cashFail ? 'UNIT' : r.priceType!, rate, currency);
    done.push({ id: r.penaltyId, price, rate, amount, currency });
    const event: PenaltyAccruedEvent = envelope({
      eventId: r.penaltyId,
      type: 'PenaltyAccrued',
      producer: 'settlement',
      correlationId: r.tradeRef,
      causationId: cause,
      payload: {
        penaltyId: r.penaltyId,
        instructionId: r.instructionId,
        tradeRef: r.tradeRef,
        kind: r.kind,
        direction: r.direction,
        penaltyDate: r.penaltyDate,
        isin: r.isin,
        counterparty: r.counterparty,
        account: r.account,
        book: r.book,
        basisQuantity: r.basis,
        referencePrice: price,
        rate,
        amount,
        currency,
      },
    });
    ctx.emit({ topic: Topics.settlementEvents, key: r.tradeRef, event });
  }
  if (done.length > 0) {
    await ctx.tx.query(
      `UPDATE settlement.penalties p SET reference_price = u.price, rate = u.rate, amount = u.amount, currency = u.currency, accrued_at = now()
       FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::text[]) AS u(id, price, rate, amount, currency) WHERE p.penalty_id = u.id`,
      [done.map((d) => d.id), done.map((d) => d.price), done.map((d) => d.rate), done.map((d) => d.amount), done.map((d) => d.currency)],
    );
  }
  return done.length;
}
