import { Inject, Injectable } from '@nestjs/common';
import { LIQUIDITY_CLASSES, Topics, type AccountRefEvent, type EventEnvelope, type InstrumentRefEvent, type MarketDataEvent } from '@postera/contracts';
import { isIsoDate, parseDecimalString } from '@postera/kernel';
import { CONFIG, EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import type { SettlementConfig } from '../config.js';
import { accruePending, lockPenaltyInputs } from '../penalties/commands/accrue-penalties.js';

/** refdata.accounts.v1 → settlement.accounts: which accounts net (the latest version wins). */
@Injectable()
export class AccountsConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'settlement.refdata-accounts';
  readonly topics = [Topics.refdataAccounts];
  override readonly types = ['AccountUpserted'];

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const latest = new Map<string, { netting: boolean; version: number }>();
    for (const { body } of messages) {
      if (body.type !== 'AccountUpserted') continue;
      const a = (body as AccountRefEvent).payload;
      latest.set(a.account, { netting: a.netting === true, version: a.version });
    }
    if (latest.size === 0) return;
    const e = [...latest.entries()];
    await ctx.tx.query(
      `INSERT INTO settlement.accounts (account, netting, version) SELECT * FROM unnest($1::text[], $2::boolean[], $3::int[])
       ON CONFLICT (account) DO UPDATE SET netting = EXCLUDED.netting, version = EXCLUDED.version WHERE settlement.accounts.version <= EXCLUDED.version`,
      [e.map(([k]) => k), e.map(([, v]) => v.netting), e.map(([, v]) => v.version)],
    );
  }
}

/** refdata.instruments.v1 → settlement.instruments: each instrument's CSDR penalty class. */
@Injectable()
export class InstrumentsConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'settlement.refdata-instruments';
  readonly topics = [Topics.refdataInstruments];
  override readonly types = ['InstrumentUpserted'];

  constructor(@Inject(CONFIG) private readonly config: SettlementConfig) {
    super();
  }

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (e.type === 'InstrumentUpserted' && !LIQUIDITY_CLASSES.includes((e.payload as { liquidityClass: never }).liquidityClass)) {
      throw new UndecodableMessage(`InstrumentUpserted: liquidityClass must be one of ${LIQUIDITY_CLASSES.join(', ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const latest = new Map<string, InstrumentRefEvent['payload']>();
    for (const { body } of messages)
      if (body.type === 'InstrumentUpserted') latest.set((body as InstrumentRefEvent).payload.isin, (body as InstrumentRefEvent).payload);
    if (latest.size === 0) return;
    const v = [...latest.values()];
    await lockPenaltyInputs(ctx.tx);
    await ctx.tx.query(
      `INSERT INTO settlement.instruments (isin, instrument_type, liquidity_class, currency, version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
       ON CONFLICT (isin) DO UPDATE SET instrument_type = EXCLUDED.instrument_type, liquidity_class = EXCLUDED.liquidity_class,
         currency = EXCLUDED.currency, version = EXCLUDED.version WHERE settlement.instruments.version <= EXCLUDED.version`,
      [v.map((i) => i.isin), v.map((i) => i.instrumentType), v.map((i) => i.liquidityClass), v.map((i) => i.currency), v.map((i) => i.version)],
    );
    await accruePending(ctx, this.config.CSDR_CASH_PENALTY_ANNUAL_RATE, messages.at(-1)!.body.eventId);
  }
}

export interface PriceRow {
  isin: string;
  priceDate: string;
  price: string;
  priceType: 'UNIT' | 'PERCENT';
  currency: string;
  source: string;
}

/** A reference price as given (event or import): the problems, none when usable. */
export function priceProblems(p: Partial<PriceRow>): string[] {
  const out: string[] = [];
  if (typeof p.isin !== 'string' || !/^[A-Z]{2}[A-Z0-9]{9}\d$/.test(p.isin)) out.push('isin: an ISIN');
  if (!isIsoDate(p.priceDate)) out.push('priceDate: an ISO date');
  const d = parseDecimalString(p.price);
  if (!d.ok || d.value.lte(0)) out.push('price: a positive decimal string');
  if (p.priceType !== 'UNIT' && p.priceType !== 'PERCENT') out.push('priceType: UNIT or PERCENT');
  if (typeof p.currency !== 'string' || !/^[A-Z]{3}$/.test(p.currency)) out.push('currency: ISO 4217');
  return out;
}

export async function upsertPrices(ctx: Pick<BatchContext, 'tx'>, prices: PriceRow[]): Promise<void> {
  if (prices.length === 0) return;
  await lockPenaltyInputs(ctx.tx);
  await ctx.tx.query(
    `INSERT INTO settlement.reference_prices (isin, price_date, price, price_type, currency, source)
     SELECT * FROM unnest($1::text[], $2::date[], $3::numeric[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (isin, price_date) DO UPDATE SET price = EXCLUDED.price, price_type = EXCLUDED.price_type, currency = EXCLUDED.currency, source = EXCLUDED.source`,
    [
      prices.map((p) => p.isin),
      prices.map((p) => p.priceDate),
      prices.map((p) => p.price),
      prices.map((p) => p.priceType),
      prices.map((p) => p.currency),
      prices.map((p) => p.source),
    ],
  );
}

/**
 * marketdata.prices.v1 → settlement.reference_prices, then the penalty days waiting for them. A
 * price already used for a penalty is not re-applied to it (corrections add, never mutate).
 */
@Injectable()
export class PricesConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'settlement.prices';
  readonly topics = [Topics.prices];

  constructor(@Inject(CONFIG) private readonly config: SettlementConfig) {
    super();
  }

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (e.type === 'ClosingPrice') {
      const problems = priceProblems(e.payload as PriceRow);
      if (problems.length > 0) throw new UndecodableMessage(`ClosingPrice unusable: ${problems.join('; ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const latest = new Map<string, PriceRow>();
    for (const { body } of messages) {
      if (body.type !== 'ClosingPrice') continue;
      const p = (body as Extract<MarketDataEvent, { type: 'ClosingPrice' }>).payload;
      latest.set(`${p.isin}|${p.priceDate}`, p);
    }
    await upsertPrices(ctx, [...latest.values()]);
    await accruePending(ctx, this.config.CSDR_CASH_PENALTY_ANNUAL_RATE, messages.at(-1)!.body.eventId);
  }
}
