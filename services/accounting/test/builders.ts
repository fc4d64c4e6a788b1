import { envelope, physicalTopic, Topics, type EventEnvelope, type InstructionStatusChangedV1, type TradeEconomics } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { produceRaw, waitFor } from '@postera/testing';
import { FEC_COLUMNS } from '../src/exports/domain/fec.js';
import { groupCaughtUp } from '../../../test/e2e/harness.js';

/** Hand-built events for the accounting tests, in the shapes the producers publish. */
export function trade(ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics {
  const [sourceSystem = '', tradeId = ''] = ref.split(':');
  return {
    tradeRef: ref,
    sourceSystem,
    tradeId,
    version: 1,
    side: 'BUY',
    isin: 'FR0000120271',
    quantity: '100',
    price: '58.00',
    priceType: 'UNIT',
    currency: 'EUR',
    grossAmount: '5800.00',
    accruedInterest: '0.00',
    feesAmount: '5.80',
    netAmount: '5805.80',
    fees: [{ type: 'COMMISSION', amount: '5.80', currency: 'EUR' }],
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    executedAt: '2026-11-26T10:15:02.120+01:00',
    venue: 'XPAR',
    account: 'CLI-0003',
    counterparty: '529900COUNTERPTY0129',
    capacity: 'AOTC',
    orderType: 'LIMIT',
    clientId: 'CL-0003',
    accountType: 'CLIENT',
    book: 'CLIENT-EQ',
    instrumentType: 'SHARE',
    settlementMarket: 'EU',
    placeOfSettlement: 'SICVFRPPXXX',
    ssis: { account: null, counterparty: null },
    origin: 'ELECTRONIC',
    lateBooking: false,
    ...o,
  };
}

export const captured = (t: TradeEconomics) =>
  envelope({ type: 'TradeCaptured', producer: 'capture', correlationId: t.tradeRef, causationId: null, payload: { trade: t, status: 'CAPTURED' } });
export const amended = (before: TradeEconomics, after: TradeEconomics) =>
  envelope({ type: 'TradeAmended', producer: 'capture', correlationId: after.tradeRef, causationId: null, payload: { before, after, status: 'CAPTURED' } });
export const cancelled = (t: TradeEconomics) =>
  envelope({ type: 'TradeCancelled', producer: 'capture', correlationId: t.tradeRef, causationId: null, payload: { trade: t, cancelVersion: t.version + 1, status: 'CANCELLED' } });

/** A settlement step as settlement publishes it: cumulative settled figures, and this step's quantity and cash. */
export function step(t: TradeEconomics, o: { status: 'SETTLED' | 'PARTIALLY_SETTLED'; stepQuantity?: string; stepAmount?: string; settledQuantity?: string; date?: string }) {
  return envelope<InstructionStatusChangedV1, 'InstructionStatusChanged'>({
    type: 'InstructionStatusChanged',
    producer: 'settlement',
    correlationId: t.tradeRef,
    causationId: null,
    payload: {
      instructionId: deterministicId('instruction', t.tradeRef, String(t.version)),
      tradeRef: t.tradeRef,
      tradeVersion: t.version,
      status: o.status,
      reason: null,
      isin: t.isin,
      side: t.side,
      account: t.account,
      counterparty: t.counterparty,
      currency: t.currency,
      quantity: t.quantity,
      settlementAmount: t.netAmount,
      intendedSettlementDate: t.settlementDate,
      settledQuantity: o.settledQuantity ?? t.quantity,
      settledAmount: null,
      stepQuantity: o.stepQuantity ?? null,
      stepAmount: o.stepAmount ?? null,
      effectiveSettlementDate: o.date ?? t.settlementDate,
      clientId: t.clientId,
      book: t.book,
    },
  });
}

export const CONSUMERS: Record<string, string[]> = {
  [Topics.tradeEvents]: ['accounting.trade-events'],
  [Topics.settlementEvents]: ['accounting.settlement-events'],
  [Topics.reportingEvents]: ['accounting.ttf'],
  [Topics.refdataAccounts]: ['accounting.refdata-accounts'],
  [Topics.fxRates]: ['accounting.fx-rates'],
  [Topics.custodianStatements]: ['accounting.custodian-statements'],
  [Topics.businessDay]: ['accounting.business-day'],
};

/** An ECB reference rate on marketdata.fx-rates.v1 (units of `currency` per EUR). */
export const fxRate = (rateDate: string, currency: string, unitsPerEur: string) =>
  envelope({ type: 'FxRate', producer: 'market-sim', correlationId: currency, causationId: null, payload: { rateDate, currency, unitsPerEur, source: 'ECB' } });

/** The close of a TARGET business day on ops.business-day.v1. */
export const dayClosed = (businessDate: string) =>
  envelope({ type: 'BusinessDayClosed', producer: 'ops', correlationId: 'TARGET', causationId: null, payload: { calendar: 'TARGET', businessDate } });

/** Publishes and waits until the accounting consumers of that topic have committed everything (group prefix = topic prefix unless given). */
export async function publish(prefix: string, topic: string, events: EventEnvelope[], key: (e: EventEnvelope) => string = (e) => e.correlationId, groupPrefix = prefix): Promise<void> {
  await produceRaw(
    prefix,
    topic,
    events.map((e) => ({ key: key(e), value: JSON.stringify(e) })),
  );
  for (const c of CONSUMERS[topic] ?? []) {
    await waitFor(() => groupCaughtUp(`${groupPrefix}.${c}`, physicalTopic(prefix, topic)), { timeoutMs: 30_000, what: `${c} to catch up` });
  }
}

/** The checks a FEC must pass (LPF art. A47 A-1): 18 columns in order, one separator, YYYYMMDD dates, comma amounts, balanced entries. */
export function checkFec(text: string, sep: string): string[] {
  const problems: string[] = [];
  const rows = text
    .replace(/\r\n$/, '')
    .split('\r\n')
    .map((r) => r.split(sep));
  if (rows[0]!.join('|') !== FEC_COLUMNS.join('|')) problems.push('header');
  const sums = new Map<string, bigint>();
  rows.slice(1).forEach((r, i) => {
    if (r.length !== 18) problems.push(`row ${i + 2}: ${r.length} columns`);
    for (const k of [3, 9, 15]) if (!/^\d{8}$/.test(r[k] ?? '')) problems.push(`row ${i + 2}: date ${r[k]}`);
    for (const k of [11, 12]) if (!/^\d+,\d{2}$/.test(r[k] ?? '')) problems.push(`row ${i + 2}: amount ${r[k]}`);
    if (r[16] !== '' && !/^\d+,\d{2}$/.test(r[16] ?? '')) problems.push(`row ${i + 2}: Montantdevise ${r[16]}`);
    const cents = (v: string) => BigInt(v.replace(',', ''));
    sums.set(r[2]!, (sums.get(r[2]!) ?? 0n) + cents(r[11] ?? '0,00') - cents(r[12] ?? '0,00'));
  });
  for (const [num, s] of sums) if (s !== 0n) problems.push(`entry ${num} does not balance`);
  return problems;
}
