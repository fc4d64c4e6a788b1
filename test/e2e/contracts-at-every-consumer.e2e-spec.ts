import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { dlqTopic, envelope, physicalTopic, TOPIC_CATALOGUE, TOPIC_EVENT_SCHEMAS, Topics } from '@postera/contracts';
import { eventHeaders } from '@postera/platform';
import { accountRef, consumeAll, instructionStatusChanged, instrumentRef, produceRaw, tradeEconomics, type ConsumedMessage } from '@postera/testing';
import { e2eEnv, type E2eEnv } from './harness.js';

jest.setTimeout(240_000);

/**
 * One event per topic whose payload breaks the contract of its type: a field of the wrong JSON type
 * (an amount as a number wherever the type carries one) and a required field left out. `consumers`
 * are the consumer ids (the group is `<group prefix>.<id>`) of every group that reads the topic and
 * acts on the type: its `types` filter takes it, so the record reaches decode rather than being
 * skipped by its header.
 */
interface Breach {
  topic: string;
  type: string;
  consumers: string[];
  key: string;
  valid: Record<string, unknown>;
  wrongType: [path: string, value: unknown];
  missing: string;
}

const trade = tradeEconomics('FO-EQ:BREACH-0001');

const BREACHES: Breach[] = [
  {
    topic: Topics.tradeEvents,
    type: 'TradeCancelled',
    consumers: ['accounting.trade-events', 'notification.trade-events', 'reporting.trade-lifecycle', 'settlement.trade-events'],
    key: trade.tradeRef,
    valid: { trade, cancelVersion: 2, status: 'CANCELLED' },
    wrongType: ['trade.netAmount', 8784.53],
    missing: 'trade.isin',
  },
  {
    topic: Topics.captureIntake,
    type: 'ExecutionsReceived',
    consumers: ['reporting.trade-lifecycle'],
    key: 'intake:2026-11-26',
    valid: {
      businessDate: '2026-11-26',
      receivedAt: '2026-11-26T09:15:02.431Z',
      outcomes: { CAPTURED: 3, DUPLICATE: 1 },
      records: 4,
      first: 'trades.executed.v1/2/118',
      last: 'trades.executed.v1/2/121',
    },
    wrongType: ['records', '4'],
    missing: 'receivedAt',
  },
  {
    topic: Topics.custodianInstructions,
    type: 'InstructionSent',
    consumers: ['market-sim.instructions'],
    key: trade.tradeRef,
    valid: {
      instructionId: 'I-BREACH-1',
      tradeRef: trade.tradeRef,
      instructionType: 'RVP',
      isin: trade.isin,
      quantity: '150',
      settlementAmount: '8784.53',
      currency: 'EUR',
      tradeDate: '2026-11-26',
      intendedSettlementDate: '2026-11-30',
      account: 'CLI-0003',
      counterparty: trade.counterparty,
      placeOfSettlement: 'SICVFRPPXXX',
    },
    wrongType: ['settlementAmount', 8784.53],
    missing: 'isin',
  },
  {
    topic: Topics.custodianStatus,
    type: 'SettlementConfirmation',
    consumers: ['settlement.custodian-status'],
    key: trade.tradeRef,
    valid: {
      instructionId: 'I-BREACH-1',
      tradeRef: trade.tradeRef,
      status: 'SETT',
      reason: null,
      settledQuantity: '150',
      settledAmount: '8784.53',
      effectiveSettlementDate: '2026-11-30',
      remainingQuantity: '0',
      businessDate: '2026-11-30',
    },
    wrongType: ['settledAmount', 8784.53],
    missing: 'tradeRef',
  },
  {
    topic: Topics.custodianStatements,
    type: 'CashStatement',
    consumers: ['accounting.custodian-statements'],
    key: 'CLI-0003',
    valid: {
      statementId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      account: 'CLI-0003',
      cashAccount: 'CASH-0003',
      currency: 'EUR',
      statementDate: '2026-11-30',
      openingBalance: '10000.00',
      closingBalance: '1215.47',
      entries: [{ entryRef: 'aa11bb22cc33dd44ee55ff6677889900', amount: '-8784.53', valueDate: '2026-11-30', tradeRef: trade.tradeRef }],
      xml: '<Document/>',
    },
    wrongType: ['closingBalance', 1215.47],
    missing: 'cashAccount',
  },
  {
    topic: Topics.settlementEvents,
    type: 'InstructionStatusChanged',
    consumers: ['accounting.settlement-events', 'capture.settlement-events', 'notification.settlement-events', 'reporting.trade-lifecycle'],
    key: trade.tradeRef,
    valid: instructionStatusChanged(trade, 'SETTLED').payload as unknown as Record<string, unknown>,
    wrongType: ['settlementAmount', 8784.53],
    missing: 'account',
  },
  {
    topic: Topics.accountingEvents,
    type: 'JournalEntryPosted',
    consumers: ['reporting.trade-lifecycle'],
    key: trade.tradeRef,
    valid: { entryId: 'E-BREACH-1', tradeRef: trade.tradeRef, kind: 'SETTLEMENT', accountingDate: '2026-11-30', currency: 'EUR', total: '8784.53', lines: 3 },
    wrongType: ['total', 8784.53],
    missing: 'accountingDate',
  },
  {
    topic: Topics.reportingEvents,
    type: 'TtfAssessed',
    consumers: ['accounting.ttf'],
    key: 'A-BREACH-1',
    valid: {
      assessmentId: 'A-BREACH-1',
      account: 'CLI-0003',
      book: 'CLIENT-EQ',
      isin: trade.isin,
      tradeDate: '2026-11-26',
      base: '8775.75',
      rate: '0.004',
      amount: '35.10',
      currency: 'EUR',
      supersedes: null,
    },
    wrongType: ['amount', 35.1],
    missing: 'isin',
  },
  {
    topic: Topics.notificationEvents,
    type: 'NotificationSent',
    consumers: ['reporting.trade-lifecycle'],
    key: trade.tradeRef,
    valid: {
      notificationId: 'N-BREACH-1',
      kind: 'AVIS_OPERE',
      tradeRef: trade.tradeRef,
      account: 'CLI-0003',
      channel: 'EMAIL',
      language: 'fr',
      messageId: '<N-BREACH-1@postera.local>',
      attempts: 1,
    },
    wrongType: ['attempts', '1'],
    missing: 'tradeRef',
  },
  {
    topic: Topics.fxRates,
    type: 'FxRate',
    consumers: ['accounting.fx-rates'],
    key: 'USD',
    valid: { rateDate: '2026-11-26', currency: 'USD', unitsPerEur: '1.0842', source: 'ECB' },
    wrongType: ['unitsPerEur', 1.0842],
    missing: 'rateDate',
  },
  {
    topic: Topics.prices,
    type: 'ClosingPrice',
    consumers: ['settlement.prices'],
    key: trade.isin,
    valid: { isin: trade.isin, priceDate: '2026-11-26', price: '58.62', priceType: 'UNIT', currency: 'EUR', source: 'market-sim' },
    wrongType: ['price', 58.62],
    missing: 'priceDate',
  },
  {
    topic: Topics.businessDay,
    type: 'BusinessDayOpened',
    consumers: [
      'accounting.business-day',
      'capture.business-day',
      'gateway.business-day',
      'market-sim.business-day',
      'notification.business-day',
      'reporting.business-day',
      'settlement.business-day',
    ],
    key: 'business-day:2026-11-26',
    valid: { calendar: 'TARGET', businessDate: '2026-11-26' },
    wrongType: ['calendar', 1],
    missing: 'businessDate',
  },
  {
    topic: Topics.refdataInstruments,
    type: 'InstrumentUpserted',
    consumers: ['notification.refdata-instruments', 'reporting.refdata', 'settlement.refdata-instruments'],
    key: trade.isin,
    valid: instrumentRef(trade.isin, 'TotalEnergies') as unknown as Record<string, unknown>,
    wrongType: ['version', '1'],
    missing: 'currency',
  },
  {
    topic: Topics.refdataParties,
    type: 'PartyUpserted',
    consumers: ['accounting.refdata-names', 'reporting.refdata'],
    key: trade.counterparty,
    valid: { lei: trade.counterparty, name: 'Counterparty SA', country: 'FR', bic: null, version: 1 },
    wrongType: ['version', '1'],
    missing: 'country',
  },
  {
    topic: Topics.refdataAccounts,
    type: 'AccountUpserted',
    consumers: ['accounting.refdata-accounts', 'accounting.refdata-names', 'notification.refdata-accounts', 'reporting.refdata', 'settlement.refdata-accounts'],
    key: 'CLI-0003',
    valid: accountRef({ account: 'CLI-0003', book: 'CLIENT-EQ' }) as unknown as Record<string, unknown>,
    wrongType: ['version', '1'],
    missing: 'book',
  },
  {
    topic: Topics.refdataCalendars,
    type: 'CalendarUpserted',
    consumers: [
      'accounting.refdata-calendars',
      'gateway.refdata-calendars',
      'notification.refdata-calendars',
      'reporting.refdata-calendars',
      'settlement.refdata-calendars',
    ],
    key: 'TARGET',
    valid: { code: 'TARGET', description: 'TARGET2', weekend: [0, 6], holidays: [{ date: '2026-12-25', name: 'Christmas Day' }], version: 1 },
    wrongType: ['version', '1'],
    missing: 'weekend',
  },
];

/** The valid payload with one field given the wrong JSON type and one required field left out. */
function broken(b: Breach): Record<string, unknown> {
  const payload = structuredClone(b.valid);
  const parentOf = (path: string): [Record<string, unknown>, string] => {
    const steps = path.split('.');
    const last = steps.pop()!;
    let at = payload;
    for (const s of steps) at = at[s] as Record<string, unknown>;
    return [at, last];
  };
  const [wrongParent, wrongField] = parentOf(b.wrongType[0]);
  wrongParent[wrongField] = b.wrongType[1];
  const [missingParent, missingField] = parentOf(b.missing);
  delete missingParent[missingField];
  return payload;
}

const CONTRACT_REFUSAL = / does not match its contract: (.*)$/s;

/** The paths a contract refusal names (`<path>: <message>; …`), or the whole reason when it is another refusal. */
function namedPaths(reason: string, type: string): string[] {
  const match = reason.startsWith(`payload of ${type} `) ? CONTRACT_REFUSAL.exec(reason) : null;
  if (!match) return [reason];
  return match[1]!
    .split('; ')
    .map((problem) => problem.slice(0, problem.indexOf(': ')))
    .sort();
}

interface Refusal {
  topic: string;
  consumer: string;
  type: string;
  paths: string[];
  /** The dead letter carries the record as published: key, bytes and the outbox's headers. */
  asPublished: boolean;
}

describe('every consumer of our topics refuses a payload that breaks its contract, to the DLQ with the reason', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    env = await e2eEnv('contracts-every-consumer', { basePort: 5900, smtpUrl: 'smtp://127.0.0.1:1' });
    await env.stack.startAll();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('the table covers every topic with a contract and a reader, and every service the catalogue lets read it', () => {
    const withReaders = TOPIC_CATALOGUE.topics.filter((t) => Object.hasOwn(TOPIC_EVENT_SCHEMAS, t.name) && t.consumers.length > 0);
    expect(BREACHES.map((b) => b.topic).sort()).toEqual(withReaders.map((t) => t.name).sort());
    for (const b of BREACHES) {
      const services = [...new Set(b.consumers.map((c) => c.slice(0, c.indexOf('.'))))].sort();
      expect({ topic: b.topic, services }).toEqual({ topic: b.topic, services: [...withReaders.find((t) => t.name === b.topic)!.consumers].sort() });
      expect({ topic: b.topic, type: b.type, hasContract: Object.hasOwn(TOPIC_EVENT_SCHEMAS[b.topic]!, b.type) }).toEqual({
        topic: b.topic,
        type: b.type,
        hasContract: true,
      });
    }
  });

  it('each consumer group sends the event to <topic>.dlq once, unchanged, with the contract problem and its field paths', async () => {
    const published = new Map<string, { key: string; value: string; headers: Record<string, string> }>();
    await Promise.all(
      BREACHES.map(async (b) => {
        const producer = TOPIC_CATALOGUE.topics.find((t) => t.name === b.topic)!.producers[0]!;
        const event = envelope({ type: b.type, producer, correlationId: b.key, causationId: null, payload: broken(b) });
        const record = { key: b.key, value: JSON.stringify(event), headers: eventHeaders(event) };
        published.set(b.topic, record);
        await produceRaw(env.prefix, b.topic, [record]);
      }),
    );

    const expected: Refusal[] = BREACHES.flatMap((b) =>
      b.consumers.map((consumer) => ({ topic: b.topic, consumer, type: b.type, paths: [b.wrongType[0], b.missing].sort(), asPublished: true })),
    );

    const physicalOf = new Map(BREACHES.map((b) => [physicalTopic(env.prefix, b.topic), b.topic]));
    const deadLetters: ConsumedMessage[] = (
      await Promise.all(
        BREACHES.map((b) => consumeAll(dlqTopic(physicalTopic(env.prefix, b.topic)), { expected: b.consumers.length, timeoutMs: 150_000, settleMs: 2_000 })),
      )
    ).flat();

    const found: Refusal[] = deadLetters.map((d) => {
      const topic = physicalOf.get(d.headers['dlq-original-topic'] ?? '') ?? `(${d.headers['dlq-original-topic']})`;
      const type = d.headers.type ?? '(no type header)';
      const sent = published.get(topic);
      const asPublished =
        sent !== undefined &&
        d.key === sent.key &&
        d.value === sent.value &&
        Object.entries(sent.headers).every(([name, value]) => d.headers[name] === value) &&
        d.headers['dlq-attempts'] === '1';
      return { topic, consumer: d.headers['dlq-consumer'] ?? '(no consumer)', type, paths: namedPaths(d.headers['dlq-error'] ?? '', type), asPublished };
    });

    const order = (r: Refusal) => `${r.topic}|${r.consumer}|${r.type}`;
    const sorted = (rs: Refusal[]) => [...rs].sort((a, b) => order(a).localeCompare(order(b)));
    expect(sorted(found)).toEqual(sorted(expected));
  });
});
