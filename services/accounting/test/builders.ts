import { envelope, PARTITION_DAY_CLOSED, physicalTopic, Topics, type EventEnvelope, type TradeEconomics } from '@postera/contracts';
import { PEOPLE, type Stack } from '@postera/devstack';
import { partitionKeys, topicPartitions, type Person } from '@postera/platform';
import {
  accountUpserted,
  businessDay,
  instructionStatusChanged,
  produceRaw,
  tradeAmended,
  tradeCancelled,
  tradeCaptured,
  tradeEconomics,
  waitFor,
} from '@postera/testing';
import { groupCaughtUp } from '../../../test/e2e/harness.js';

/**
 * The accounting tests' trade unless said: buy 100 TotalEnergies at 58.00 EUR, gross 5800.00,
 * commission 5.80 → net 5805.80 (the shared builder's other fields).
 */
export const trade = (ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics =>
  tradeEconomics(ref, {
    quantity: '100',
    price: '58.00',
    grossAmount: '5800.00',
    feesAmount: '5.80',
    netAmount: '5805.80',
    fees: [{ type: 'COMMISSION', amount: '5.80', currency: 'EUR' }],
    ...o,
  });

export { tradeAmended as amended, tradeCaptured as captured, tradeCancelled as cancelled };

/**
 * A settlement step as accounting reads it: the cumulative settled quantity (the whole trade unless
 * said) and, when given, this step's quantity and cash; no cumulative cash, which accounting never reads.
 */
export const step = (
  t: TradeEconomics,
  o: { status: 'SETTLED' | 'PARTIALLY_SETTLED'; stepQuantity?: string; stepAmount?: string; settledQuantity?: string; date?: string },
) =>
  instructionStatusChanged(t, o.status, {
    settledQuantity: o.settledQuantity ?? t.quantity,
    settledAmount: null,
    stepQuantity: o.stepQuantity ?? null,
    stepAmount: o.stepAmount ?? null,
    effectiveSettlementDate: o.date ?? t.settlementDate,
  });

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
export { accountUpserted as accountRef };

/** A party of the referential on refdata.parties.v1 (key: LEI). */
export const party = (lei: string, name: string, bic: string | null = null, version = 1) =>
  envelope({ type: 'PartyUpserted', producer: 'capture', correlationId: lei, causationId: null, payload: { lei, name, country: 'FR', bic, version } });

/** An ECB reference rate on marketdata.fx-rates.v1 (units of `currency` per EUR). */
export const fxRate = (rateDate: string, currency: string, unitsPerEur: string) =>
  envelope({ type: 'FxRate', producer: 'market-sim', correlationId: currency, causationId: null, payload: { rateDate, currency, unitsPerEur, source: 'ECB' } });

/** The close of a TARGET business day on ops.business-day.v1, keyed by the calendar. */
export const dayClosed = (businessDate: string) => businessDay('BusinessDayClosed', businessDate, { producer: 'ops', correlationId: 'TARGET' });

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

/** The end of a business day marked on every partition of a topic, as capture (trade events) and settlement (settlement events) write it. */
export const dayMarkers = (topic: string, businessDate: string, producer = topic === Topics.tradeEvents ? 'capture' : 'settlement') => {
  const partitions = topicPartitions(topic);
  return Array.from({ length: partitions }, (_, partition) =>
    envelope({
      type: PARTITION_DAY_CLOSED,
      producer,
      correlationId: `business-day:${businessDate}`,
      causationId: null,
      payload: { calendar: 'TARGET', businessDate, partition, partitions },
    }),
  );
};

/**
 * Marks the day's end on both topics whose operations move positions, each marker on its own
 * partition, and waits for accounting to have read them: the day's operations are then costed.
 */
export async function markDay(prefix: string, businessDate: string, groupPrefix = prefix): Promise<void> {
  for (const topic of [Topics.tradeEvents, Topics.settlementEvents]) {
    const keys = partitionKeys(topicPartitions(topic));
    await publish(prefix, topic, dayMarkers(topic, businessDate), (e) => keys[(e.payload as { partition: number }).partition]!, groupPrefix);
  }
}
