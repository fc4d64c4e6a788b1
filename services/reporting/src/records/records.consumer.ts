import { Inject, Injectable } from '@nestjs/common';
import {
  Topics,
  type AccountRefV1,
  type EventEnvelope,
  type InstrumentRefV1,
  type InstructionStatusChangedV1,
  type PartyRefV1,
  type PenaltyAccruedV1,
  type TradeAmendedV1,
  type TradeCancelledV1,
  type TradeCapturedV1,
  type TradeEconomics,
  type TradeValidatedV1,
} from '@postera/contracts';
import { CONFIG, EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import type { ReportingConfig } from '../config.js';

/**
 * What the declarations and the activity report need beyond the activity row: the referential
 * (instruments with their TTF years, parties with their country, accounts), each trade's economics
 * in force, every settlement step and penalty, and the MiFIR transaction reports — a NEW per captured
 * version, a CANC of the report in force on an amendment (before the new version's NEW) or a
 * cancellation. One trade's events are in order on its partition and are applied in that order.
 */
@Injectable()
export class RecordsConsumer extends EnvelopeHandler {
  readonly consumerId = 'reporting.records';
  readonly topics = [Topics.tradeEvents, Topics.settlementEvents, Topics.refdataInstruments, Topics.refdataParties, Topics.refdataAccounts];

  constructor(@Inject(CONFIG) private readonly config: ReportingConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    for (const { body: e } of messages) {
      switch (e.type) {
        case 'TradeCaptured':
          await this.tradeVersion(ctx.tx, (e.payload as TradeCapturedV1).trade);
          break;
        case 'TradeAmended': {
          const p = e.payload as TradeAmendedV1;
          await this.cancelReportInForce(ctx.tx, p.after.tradeRef, p.after.version);
          await this.tradeVersion(ctx.tx, p.after);
          break;
        }
        case 'TradeCancelled': {
          const p = e.payload as TradeCancelledV1;
          await ctx.tx.query(`UPDATE reporting.trades SET cancelled = true, updated_at = now() WHERE trade_ref = $1`, [p.trade.tradeRef]);
          await this.cancelReportInForce(ctx.tx, p.trade.tradeRef, p.cancelVersion);
          break;
        }
        case 'TradeValidated': {
          const p = e.payload as TradeValidatedV1;
          await ctx.tx.query(`UPDATE reporting.trades SET validated_how = $2 WHERE trade_ref = $1`, [p.trade.tradeRef, p.how]);
          break;
        }
        case 'InstructionStatusChanged':
          await settlementStep(ctx.tx, e.eventId, e.payload as InstructionStatusChangedV1);
          break;
        case 'PenaltyAccrued': {
          const p = e.payload as PenaltyAccruedV1;
          await ctx.tx.query(
            `INSERT INTO reporting.penalties (penalty_id, trade_ref, kind, direction, penalty_date, amount, currency) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (penalty_id) DO NOTHING`,
            [p.penaltyId, p.tradeRef, p.kind, p.direction, p.penaltyDate, p.amount, p.currency],
          );
          break;
        }
        case 'InstrumentUpserted': {
          const i = e.payload as InstrumentRefV1;
          await ctx.tx.query(
            `INSERT INTO reporting.ref_instruments AS r (isin, name, instrument_type, currency, issuer_country, ttf_scope_years, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (isin) DO UPDATE SET name = EXCLUDED.name, instrument_type = EXCLUDED.instrument_type,
               currency = EXCLUDED.currency, issuer_country = EXCLUDED.issuer_country, ttf_scope_years = EXCLUDED.ttf_scope_years, version = EXCLUDED.version
             WHERE r.version < EXCLUDED.version`,
            [i.isin, i.name, i.instrumentType, i.currency, i.issuerCountry, i.ttfScopeYears, i.version],
          );
          break;
        }
        case 'PartyUpserted': {
          const p = e.payload as PartyRefV1;
          await ctx.tx.query(
            `INSERT INTO reporting.ref_parties AS r (lei, name, country, version) VALUES ($1, $2, $3, $4)
             ON CONFLICT (lei) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, version = EXCLUDED.version WHERE r.version < EXCLUDED.version`,
            [p.lei, p.name, p.country, p.version],
          );
          break;
        }
        case 'AccountUpserted': {
          const a = e.payload as AccountRefV1;
          await ctx.tx.query(
            `INSERT INTO reporting.ref_accounts AS r (account, client_id, account_type, book, version) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account) DO UPDATE SET client_id = EXCLUDED.client_id, account_type = EXCLUDED.account_type, book = EXCLUDED.book,
               version = EXCLUDED.version WHERE r.version < EXCLUDED.version`,
            [a.account, a.clientId, a.accountType, a.book, a.version],
          );
          break;
        }
        default:
          break; // other types on these topics are not ours
      }
    }
  }

  /** A captured or amended version: the economics in force, and its MiFIR NEW report with a fresh reference. */
  private async tradeVersion(tx: EntityManager, t: TradeEconomics): Promise<void> {
    await tx.query(
      `INSERT INTO reporting.trades AS r (trade_ref, version, economics) VALUES ($1, $2, $3)
       ON CONFLICT (trade_ref) DO UPDATE SET version = EXCLUDED.version, economics = EXCLUDED.economics, updated_at = now()
       WHERE r.version < EXCLUDED.version`,
      [t.tradeRef, t.version, JSON.stringify(t)],
    );
    await tx.query(
      `INSERT INTO reporting.mifir_reports (trade_ref, trade_version, kind, transaction_reference, trade_date, trade)
       SELECT $1, $2, 'NEW', $3 || to_char($4::date, 'YYYYMMDD') || lpad(nextval('reporting.mifir_reference_seq')::text, 8, '0'), $4, $5
       ON CONFLICT (trade_ref, trade_version, kind) DO NOTHING`,
      [t.tradeRef, t.version, this.config.MIFIR_REFERENCE_PREFIX, t.tradeDate, JSON.stringify(t)],
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

/** A settled step: the step's quantity and cash (older events without a step: the cumulative figures are the whole). */
async function settlementStep(tx: EntityManager, eventId: string, p: InstructionStatusChangedV1): Promise<void> {
  if (p.status !== 'SETTLED' && p.status !== 'PARTIALLY_SETTLED') return;
  const quantity = p.stepQuantity ?? p.settledQuantity ?? p.quantity;
  const amount = p.stepAmount ?? p.settledAmount ?? p.settlementAmount;
  await tx.query(
    `INSERT INTO reporting.settlement_steps (event_id, trade_ref, instruction_id, side, isin, account, counterparty, currency, quantity, amount,
       intended_settlement_date, effective_settlement_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (event_id) DO NOTHING`,
    [eventId, p.tradeRef, p.instructionId, p.side, p.isin, p.account, p.counterparty, p.currency, quantity, amount, p.intendedSettlementDate,
      p.effectiveSettlementDate ?? p.intendedSettlementDate],
  );
}
