import { Inject, Injectable } from '@nestjs/common';
import {
  type EventEnvelope,
  type InstructionStatusChangedV1,
  type PenaltyAccruedV1,
  type TradeAmendedV1,
  type TradeCancelledV1,
  type TradeCapturedV1,
  type TradeEconomics,
} from '@postera/contracts';
import { CONFIG, type BatchContext } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import type { ReportingConfig } from '../config.js';

/** What the records projection reads of trade.events.v1 and settlement.events.v1. */
export const RECORDS_TYPES: readonly string[] = ['TradeCaptured', 'TradeAmended', 'TradeCancelled', 'InstructionStatusChanged', 'PenaltyAccrued'];

/**
 * What the declarations and the activity report need beyond the activity row, from the trade and
 * settlement events: each trade's economics in force, every settlement step and penalty, and the
 * MiFIR transaction reports — a NEW per captured version, a CANC of the report in force on an
 * amendment (before the new version's NEW) or a cancellation. One trade's events are in order on its
 * partition and are applied in that order. The referential is the refdata consumer's
 * (refdata.consumer.ts). Not a consumer of its own: the trade lifecycle consumer (src/lifecycle)
 * applies it in the same transaction as the activity projection, so that reporting reads each of
 * these topics once.
 *
 * The common events — captured versions with their NEW reports, settlement steps — are
 * buffered and written set-based, one statement per kind per flush, not one round trip and plan per
 * row. An amendment or a cancellation reads what came before it (the NEW it cancels, the row it
 * marks): it writes the buffers first, then applies itself in order. Penalties touch another table
 * only and are written as they come.
 */
@Injectable()
export class RecordsProjection {
  constructor(@Inject(CONFIG) private readonly config: ReportingConfig) {}

  /** Applies a chunk of events of one partition, in partition order; types outside RECORDS_TYPES are left alone. */
  async apply(ctx: BatchContext, events: EventEnvelope[]): Promise<void> {
    const pending = new PendingWrites();
    const flush = () => this.flush(ctx.tx, pending);
    for (const e of events) {
      switch (e.type) {
        case 'TradeCaptured': {
          pending.versions.push((e.payload as TradeCapturedV1).trade);
          break;
        }
        case 'TradeAmended': {
          const p = e.payload as TradeAmendedV1;
          // Its CANC cancels the NEW of the version in force, which may still be in the buffers.
          await flush();
          await this.cancelReportInForce(ctx.tx, p.after.tradeRef, p.after.version);
          pending.versions.push(p.after);
          break;
        }
        case 'TradeCancelled': {
          const p = e.payload as TradeCancelledV1;
          // The row to mark and the NEW to cancel may still be in the buffers.
          await flush();
          await ctx.tx.query(`UPDATE reporting.trades SET cancelled = true, updated_at = now() WHERE trade_ref = $1`, [p.trade.tradeRef]);
          await this.cancelReportInForce(ctx.tx, p.trade.tradeRef, p.cancelVersion);
          break;
        }
        case 'InstructionStatusChanged': {
          const step = settlementStep(e.eventId, e.payload as InstructionStatusChangedV1);
          if (step) pending.steps.push(step);
          break;
        }
        case 'PenaltyAccrued': {
          const p = e.payload as PenaltyAccruedV1;
          await ctx.tx.query(
            `INSERT INTO reporting.penalties (penalty_id, trade_ref, kind, direction, penalty_date, amount, currency) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (penalty_id) DO NOTHING`,
            [p.penaltyId, p.tradeRef, p.kind, p.direction, p.penaltyDate, p.amount, p.currency],
          );
          break;
        }
        default:
          break; // other types on these topics are not ours
      }
    }
    await flush();
  }

  /**
   * Writes the buffers, one statement per kind: the versions first, then their NEW reports; the
   * settlement steps touch nothing else.
   */
  private async flush(tx: EntityManager, pending: PendingWrites): Promise<void> {
    await upsertVersionsInForce(tx, pending.versions);
    await this.fileNewReports(tx, pending.versions);
    await recordSettlementSteps(tx, pending.steps);
    pending.clear();
  }

  /**
   * The MiFIR NEW report of each captured or amended version, with a fresh reference. References are
   * drawn in message order (the function scan yields the rows by ordinal, nextval is evaluated in that
   * order); a version already reported still draws one and leaves a gap in the sequence, as row by row did.
   */
  private async fileNewReports(tx: EntityManager, versions: TradeEconomics[]): Promise<void> {
    if (versions.length === 0) return;
    await tx.query(
      `INSERT INTO reporting.mifir_reports (trade_ref, trade_version, kind, transaction_reference, trade_date, trade)
       SELECT trade_ref, trade_version, 'NEW', $1 || to_char(trade_date, 'YYYYMMDD') || lpad(nextval('reporting.mifir_reference_seq')::text, 8, '0'),
         trade_date, trade
       FROM unnest($2::text[], $3::int[], $4::date[], $5::jsonb[]) WITH ORDINALITY AS x(trade_ref, trade_version, trade_date, trade, n)
       ORDER BY n
       ON CONFLICT (trade_ref, trade_version, kind) DO NOTHING`,
      [
        this.config.MIFIR_REFERENCE_PREFIX,
        versions.map((t) => t.tradeRef),
        versions.map((t) => t.version),
        versions.map((t) => t.tradeDate),
        versions.map((t) => JSON.stringify(t)),
      ],
    );
  }

  /** The CANC of the last NEW report of the trade before `version` (none when the trade was never reported). */
  private async cancelReportInForce(tx: EntityManager, tradeRef: string, version: number): Promise<void> {
    await tx.query(
      `INSERT INTO reporting.mifir_reports (trade_ref, trade_version, kind, transaction_reference, trade_date)
       SELECT trade_ref, trade_version, 'CANC', transaction_reference, trade_date FROM reporting.mifir_reports
       WHERE trade_ref = $1 AND kind = 'NEW' AND trade_version < $2
         AND NOT EXISTS (SELECT 1 FROM reporting.mifir_reports c WHERE c.trade_ref = $1 AND c.kind = 'CANC' AND c.trade_version = mifir_reports.trade_version)
       ORDER BY trade_version DESC LIMIT 1
       ON CONFLICT (trade_ref, trade_version, kind) DO NOTHING`,
      [tradeRef, version],
    );
  }
}

/** A settled step, as reporting.settlement_steps keeps it. */
interface SettlementStep {
  eventId: string;
  tradeRef: string;
  instructionId: string;
  side: string;
  isin: string;
  account: string;
  counterparty: string;
  currency: string;
  quantity: string;
  amount: string;
  intendedSettlementDate: string;
  effectiveSettlementDate: string;
}

/**
 * What the batch's messages since the last order-sensitive one leave to write set-based, in message
 * order: the captured and amended versions, the settlement steps.
 */
class PendingWrites {
  versions: TradeEconomics[] = [];
  steps: SettlementStep[] = [];

  clear(): void {
    this.versions = [];
    this.steps = [];
  }
}

/**
 * Each trade's version in force. ON CONFLICT DO UPDATE may touch a row once per statement: only the
 * highest version of each trade is written (on a tie, the first, which row by row would have kept);
 * the guard still keeps a newer version already in the table.
 */
async function upsertVersionsInForce(tx: EntityManager, versions: TradeEconomics[]): Promise<void> {
  if (versions.length === 0) return;
  const inForce = [...highestVersions(versions).values()];
  await tx.query(
    `INSERT INTO reporting.trades AS r (trade_ref, version, economics)
     SELECT * FROM unnest($1::text[], $2::int[], $3::jsonb[])
     ON CONFLICT (trade_ref) DO UPDATE SET version = EXCLUDED.version, economics = EXCLUDED.economics, updated_at = now()
     WHERE r.version < EXCLUDED.version`,
    [inForce.map((t) => t.tradeRef), inForce.map((t) => t.version), inForce.map((t) => JSON.stringify(t))],
  );
}

function highestVersions(versions: TradeEconomics[]): Map<string, TradeEconomics> {
  const highest = new Map<string, TradeEconomics>();
  for (const t of versions) {
    const seen = highest.get(t.tradeRef);
    if (!seen || seen.version < t.version) highest.set(t.tradeRef, t);
  }
  return highest;
}

async function recordSettlementSteps(tx: EntityManager, steps: SettlementStep[]): Promise<void> {
  if (steps.length === 0) return;
  const c = (k: keyof SettlementStep) => steps.map((s) => s[k]);
  await tx.query(
    `INSERT INTO reporting.settlement_steps (event_id, trade_ref, instruction_id, side, isin, account, counterparty, currency, quantity, amount,
       intended_settlement_date, effective_settlement_date)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::numeric[],
       $11::date[], $12::date[])
     ON CONFLICT (event_id) DO NOTHING`,
    [
      c('eventId'),
      c('tradeRef'),
      c('instructionId'),
      c('side'),
      c('isin'),
      c('account'),
      c('counterparty'),
      c('currency'),
      c('quantity'),
      c('amount'),
      c('intendedSettlementDate'),
      c('effectiveSettlementDate'),
    ],
  );
}

/** A settled step: the step's quantity and cash (older events without a step: the cumulative figures are the whole); null when nothing settled. */
function settlementStep(eventId: string, p: InstructionStatusChangedV1): SettlementStep | null {
  if (p.status !== 'SETTLED' && p.status !== 'PARTIALLY_SETTLED') return null;
  return {
    eventId,
    tradeRef: p.tradeRef,
    instructionId: p.instructionId,
    side: p.side,
    isin: p.isin,
    account: p.account,
    counterparty: p.counterparty,
    currency: p.currency,
    quantity: p.stepQuantity ?? p.settledQuantity ?? p.quantity,
    amount: p.stepAmount ?? p.settledAmount ?? p.settlementAmount,
    intendedSettlementDate: p.intendedSettlementDate,
    effectiveSettlementDate: p.effectiveSettlementDate ?? p.intendedSettlementDate,
  };
}
