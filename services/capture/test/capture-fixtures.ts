import { envelope, physicalTopic, Topics, type EventEnvelope, type InstrumentRefV1 } from '@postera/contracts';
import type { Stack } from '@postera/devstack';
import { newId } from '@postera/kernel';
import { PUBLICATION_HEADERS, unpack, type Person } from '@postera/platform';
import { endOffsets, executionMessage, instrumentRef, testKafka, waitFor } from '@postera/testing';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * What the capture integration tests share: a referential with an SSI for every account and
 * counterparty (EU/EUR and US/USD), trade and confirmation messages, day and settlement events,
 * a collector of trade.events.v1, and small HTTP (signed as the gateway signs) and database probes.
 */

// ---------------------------------------------------------------- referential

export const TRADE_DATE = '2026-11-26'; // Thursday
export const SETTLEMENT_DATE = '2026-11-30'; // T+2 on TARGET: Friday 27, Monday 30

/** An instrument as the referential import takes it: the referential's, without the version capture gives it. */
type Instrument = Omit<InstrumentRefV1, 'version'>;

/** A share of the import: the referential's instrument (a liquid share of Euronext Paris) without its version, which capture gives it. */
const share = (isin: string, name: string): Instrument => {
  const { version: _version, ...instrument } = instrumentRef(isin, name);
  return instrument;
};

/** The sample referential's shares, and an OAT so that a confirmation carries accrued interest. */
export const INSTRUMENTS: Instrument[] = [
  share('FR0000120271', 'TotalEnergies SE'),
  share('FR0000131104', 'BNP Paribas SA'),
  share('FR0000120578', 'Sanofi SA'),
  share('FR0000121014', 'LVMH Moët Hennessy Louis Vuitton SE'),
  share('FR0000120321', "L'Oréal SA"),
  share('FR0000125007', 'Compagnie de Saint-Gobain SA'),
  share('FR0000133308', 'Orange SA'),
  {
    isin: 'US0378331005',
    name: 'Apple Inc.',
    instrumentType: 'SHARE',
    currency: 'USD',
    issuerCountry: 'US',
    settlementMarket: 'US',
    placeOfSettlement: 'DTCYUS33XXX',
    liquidityClass: 'LIQUID_SHARE',
    ttfScopeYears: [],
    bond: null,
  },
  {
    // OAT 4 % 25 April 2055: annual coupon, ACT/ACT-ICMA.
    isin: 'FR0010171975',
    name: 'OAT 4% 25/04/2055',
    instrumentType: 'BOND',
    currency: 'EUR',
    issuerCountry: 'FR',
    settlementMarket: 'EU',
    placeOfSettlement: 'SICVFRPPXXX',
    liquidityClass: 'SOVEREIGN_DEBT',
    ttfScopeYears: [],
    bond: { couponRate: '4', couponFrequency: 1, dayCount: 'ACT/ACT-ICMA', maturityDate: '2055-04-25' },
  },
];
export const BOND_ISIN = 'FR0010171975';

export const PARTIES = [
  { lei: '529900COUNTERPTY0129', name: 'Contrepartie Alpha SA', country: 'FR', bic: 'ALPHFRPPXXX' },
  { lei: '529900COUNTERPTY0226', name: 'Counterparty Beta GmbH', country: 'DE', bic: 'BETADEFFXXX' },
  { lei: '213800COUNTERPTY0344', name: 'Counterparty Gamma Ltd', country: 'GB', bic: 'GAMMGB2LXXX' },
];

const client = (account: string, clientId: string, clientName: string, language: 'fr' | 'en', email: string) => ({
  account,
  clientId,
  clientName,
  accountType: 'CLIENT',
  book: 'CLIENTS',
  language,
  email,
  baseCurrency: 'EUR',
  accountingCategory: 'PLACEMENT',
  costMethod: 'CMP',
});

export const ACCOUNTS = [
  client('CLI-0001', 'C0001', 'Mme Claire Dubois', 'fr', 'claire.dubois@example.fr'),
  client('CLI-0002', 'C0002', 'M. Hugo Martin', 'fr', 'hugo.martin@example.fr'),
  client('CLI-0003', 'C0003', 'Ms Emily Carter', 'en', 'emily.carter@example.co.uk'),
  client('CLI-0004', 'C0004', 'Fondation Lumière', 'fr', 'tresorerie@fondation-lumiere.example'),
  {
    account: 'PROP-TRADING',
    clientId: 'HOUSE',
    clientName: 'Postera Securities — trading book',
    accountType: 'PROPRIETARY',
    book: 'TRADING',
    language: 'en',
    baseCurrency: 'EUR',
    accountingCategory: 'TRADING',
    costMethod: 'CMP',
  },
];

/** The body of POST /referential/import: every instrument, party and account, and an SSI for each owner in both markets. */
export function referentialBody() {
  const owners = [...ACCOUNTS.map((a) => a.account), ...PARTIES.map((p) => p.lei)];
  const ssis = owners.flatMap((owner, i) => [
    {
      owner,
      market: 'EU',
      currency: 'EUR',
      placeOfSettlement: 'SICVFRPPXXX',
      safekeepingAccount: `EU-SAFE-${i + 1}`,
      cashAccount: `EU-CASH-${i + 1}`,
      agentBic: null,
    },
    {
      owner,
      market: 'US',
      currency: 'USD',
      placeOfSettlement: 'DTCYUS33XXX',
      safekeepingAccount: `US-SAFE-${i + 1}`,
      cashAccount: `US-CASH-${i + 1}`,
      agentBic: null,
    },
  ]);
  return { instruments: INSTRUMENTS, parties: PARTIES, accounts: ACCOUNTS, ssis };
}

// ---------------------------------------------------------------- messages

export type Fields = Record<string, unknown>;

/** A valid trades.executed.v1 message (TotalEnergies, 150 at 58.505, bought for CLI-0003 from Alpha), fields overridden. */
export const tradeMessage = (o: Fields & { tradeId: string }): Fields => executionMessage({ tradeDate: TRADE_DATE, ...o });

export const refOf = (m: Fields) => `${String(m.sourceSystem)}:${String(m.tradeId)}`;

/** The counterparty's confirmation of a trade message: the opposite side and the same economics, overridden. */
export function confirmationMessage(trade: Fields, o: Fields & { settlementAmount: string }): Fields {
  return {
    messageId: randomUUID(),
    confirmationId: `CONF-${String(trade.tradeId)}`,
    sourceSystem: trade.sourceSystem,
    tradeId: trade.tradeId,
    counterparty: trade.counterparty,
    side: trade.side === 'BUY' ? 'SELL' : 'BUY',
    isin: trade.isin,
    quantity: trade.quantity,
    price: trade.price,
    currency: trade.currency,
    tradeDate: trade.tradeDate,
    settlementDate: SETTLEMENT_DATE,
    ...o,
  };
}

export function businessDayOpened(businessDate: string): EventEnvelope {
  return envelope({
    eventId: newId(),
    type: 'BusinessDayOpened',
    producer: 'gateway',
    correlationId: `business-day:${businessDate}`,
    causationId: null,
    payload: { calendar: 'TARGET', businessDate },
  });
}

/** Settlement's InstructionStatusChanged for a trade message (settlement.events.v1). */
export function instructionStatusChanged(trade: Fields, status: 'SETTLED' | 'MATCHED', settlementAmount: string): EventEnvelope {
  const settled = status === 'SETTLED';
  return envelope({
    eventId: newId(),
    type: 'InstructionStatusChanged',
    producer: 'settlement',
    correlationId: refOf(trade),
    causationId: null,
    payload: {
      instructionId: newId(),
      tradeRef: refOf(trade),
      tradeVersion: trade.version,
      status,
      reason: null,
      isin: trade.isin,
      side: trade.side,
      account: trade.account,
      counterparty: trade.counterparty,
      currency: trade.currency,
      quantity: trade.quantity,
      settlementAmount,
      intendedSettlementDate: SETTLEMENT_DATE,
      settledQuantity: settled ? trade.quantity : null,
      settledAmount: settled ? settlementAmount : null,
      effectiveSettlementDate: settled ? SETTLEMENT_DATE : null,
      clientId: 'C0003',
      book: 'CLIENTS',
    },
  });
}

// ---------------------------------------------------------------- HTTP and database

/** A JSON answer or event payload as read off the wire: the assertions themselves check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Wire = any;

export interface Answer<T = Wire> {
  status: number;
  body: T;
}

export interface CallOptions {
  /** A JSON body, or text sent as it is under `contentType` (a CSV import). */
  body?: unknown;
  contentType?: string;
  /** A change two people made: `maker` proposed it, the person of the call (the checker) approved it. */
  maker?: Person;
  /** Headers sent as well, over the signed ones (a forged or misdirected token). */
  headers?: Record<string, string>;
}

/**
 * One call of the service's HTTP API as `who`, with the token the gateway would sign for exactly
 * this request (`null`: no token at all); the answer whatever its status (the test judges it).
 */
export async function call<T = Wire>(stack: Stack, method: 'GET' | 'POST', url: string, who: Person | null, o: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = who ? await stack.as(who, method, url, o.maker ? { maker: o.maker } : undefined) : {};
  if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  Object.assign(headers, o.headers);
  const res = await fetch(url, {
    method,
    headers,
    body: o.body === undefined ? undefined : typeof o.body === 'string' && o.contentType ? o.body : JSON.stringify(o.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text as it came
  }
  return { status: res.status, body: body as T };
}

export async function rows<T = Record<string, unknown>>(db: pg.Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

export async function receiptCount(db: pg.Pool, topic: string): Promise<number> {
  const [r] = await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM capture.receipts WHERE topic = $1`, [topic]);
  return r!.n;
}

export async function waitForReceipts(db: pg.Pool, topic: string, expected: number, timeoutMs = 30_000): Promise<void> {
  let last = -1;
  await waitFor(
    async () => {
      last = await receiptCount(db, topic);
      return last >= expected;
    },
    { timeoutMs, intervalMs: 100, what: `${expected} receipts on ${topic} (last seen: ${last})` },
  );
}

// ---------------------------------------------------------------- trade.events.v1

export interface Collected {
  partition: number;
  offset: string;
  key: string | null;
  event: EventEnvelope<Wire>;
}

/**
 * Reads a physical topic from the beginning for the whole test file with one consumer (joining a
 * group per look-up would cost seconds each), keeping every message in arrival order.
 */
export class TopicCollector {
  readonly messages: Collected[] = [];
  private readonly next = new Map<number, bigint>();

  private constructor(
    readonly topic: string,
    private readonly consumer: ReturnType<ReturnType<typeof testKafka>['consumer']>,
  ) {}

  static async start(topic: string): Promise<TopicCollector> {
    const consumer = testKafka('postera-test-collector').consumer({ groupId: `${topic}.collector-${newId().slice(0, 8)}`, maxWaitTimeInMs: 50 });
    const c = new TopicCollector(topic, consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        const record = { topic: t, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value, headers, timestamp: message.timestamp };
        // A packed record carries several events (of one trade, or of one partition's trades): each is collected on its own, with its key.
        for (const one of unpack(record, PUBLICATION_HEADERS.seq)) {
          c.messages.push({ partition, offset: message.offset, key: one.key, event: JSON.parse(one.value?.toString('utf8') ?? 'null') as EventEnvelope });
        }
        c.next.set(partition, BigInt(message.offset) + 1n);
      },
    });
    return c;
  }

  /** True once every message the topic holds right now has been read. */
  async caughtUp(): Promise<boolean> {
    for (const [p, high] of await endOffsets(this.topic)) if ((this.next.get(p) ?? 0n) < BigInt(high)) return false;
    return true;
  }

  of(ref: string): Array<EventEnvelope<Wire>> {
    return this.messages.filter((m) => m.key === ref).map((m) => m.event);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Waits until capture's outbox is empty (every event produced) and the collector has read all of it. */
export async function eventsSettled(db: pg.Pool, collector: TopicCollector, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      const [r] = await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM capture.outbox_pending`);
      return r!.n === 0 && (await collector.caughtUp());
    },
    { timeoutMs, intervalMs: 100, what: `capture's outbox to be published and ${collector.topic} read` },
  );
}

export const tradeEventsTopic = (prefix: string) => physicalTopic(prefix, Topics.tradeEvents);
