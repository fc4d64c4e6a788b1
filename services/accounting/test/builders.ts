import { envelope, physicalTopic, Topics, type AccountRefV1, type EventEnvelope, type InstructionStatusChangedV1, type TradeEconomics } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { PEOPLE, type Stack } from '@postera/devstack';
import type { Person } from '@postera/platform';
import { produceRaw, waitFor } from '@postera/testing';
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
  [Topics.refdataAccounts]: ['accounting.refdata-accounts', 'accounting.refdata-names'],
  [Topics.refdataParties]: ['accounting.refdata-names'],
  [Topics.fxRates]: ['accounting.fx-rates'],
  [Topics.custodianStatements]: ['accounting.custodian-statements'],
  [Topics.businessDay]: ['accounting.business-day'],
};

/** An account of the referential on refdata.accounts.v1 (a proprietary trading account unless said). */
export const accountRef = (a: Partial<AccountRefV1> & { account: string; book: string }) =>
  envelope({
    type: 'AccountUpserted',
    producer: 'capture',
    correlationId: a.account,
    causationId: null,
    payload: { clientId: a.account, clientName: a.account, accountType: 'PROPRIETARY', language: 'fr', email: null, baseCurrency: 'EUR', accountingCategory: 'TRADING', costMethod: 'CMP', contacts: [], netting: false, version: 1, ...a },
  });

/** A party of the referential on refdata.parties.v1 (key: LEI). */
export const party = (lei: string, name: string, bic: string | null = null, version = 1) =>
  envelope({ type: 'PartyUpserted', producer: 'capture', correlationId: lei, causationId: null, payload: { lei, name, country: 'FR', bic, version } });

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

/**
 * A direct call to the service, with the token the gateway would sign for it: for `who` (an
 * operator unless said), bound to this method and path, with the four-eyes proof of an approved
 * proposal when `fourEyes` names its maker (`who` is then the supervisor who approved).
 */
export async function signedFetch(
  stack: Pick<Stack, 'as'>,
  url: string,
  init: RequestInit = {},
  who: Person = PEOPLE.operator,
  fourEyes?: { proposal?: string; maker: Person },
): Promise<Response> {
  const auth = await stack.as(who, init.method ?? 'GET', url, fourEyes);
  return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...auth } });
}

export { checkFec } from './fec-check.js';
