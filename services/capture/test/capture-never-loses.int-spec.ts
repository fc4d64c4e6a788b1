import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { dlqTopic, physicalTopic, TRADE_EXECUTED_BYTES_MAX, TRADE_EXECUTED_REQUIRED_FIELDS, Topics } from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import { deterministicId, isValidIsin, isValidLei, parseDecimalString } from '@postera/kernel';
import { consumeAll, endOffsets, produceRaw, waitFor, type RawMessage } from '@postera/testing';
import fc from 'fast-check';
import { inputProblems } from '../src/trades/domain/trade-input-rules.js';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import { ACCOUNTS, call, INSTRUMENTS, PARTIES, referentialBody, rows, tradeEventsTopic, type Fields } from './capture-fixtures.js';

// Capture never loses a message (DESIGN.md §3–4): a few hundred messages — valid trades with their
// amendments, cancellations, duplicates and resends in every order, every field corrupted in
// turn, and plain junk — through the REAL consumer of the built capture process. Whatever comes
// in, every record gets exactly one receipt (a messageId sent again one more), nothing reaches the
// DLQ, the count identity holds, and only messages that pass every input rule become trades.

jest.setTimeout(120_000);

const SEED = 20261126;
const TRADES = Topics.tradesExecuted;
const PLANS = 70;
const PER_CORRUPTION = 4;
const JUNK = 40;

// ---------------------------------------------------------------- valid trades

const isin = fc.constantFrom(...INSTRUMENTS);
const shareQuantity = fc.oneof(
  fc.integer({ min: 1, max: 5000 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 99 })).map(([i, f]) => `${i}.${String(f).padStart(2, '0')}`),
);
// ≥ 1, so that quantity × price never rounds to nothing and a fee below 1 never exceeds it.
const sharePrice = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 9999 })).map(([i, f]) => `${i}.${String(f).padStart(4, '0')}`);
const bondNominal = fc.integer({ min: 1, max: 500 }).map((k) => `${k}000`);
const bondPrice = fc.tuple(fc.integer({ min: 80, max: 119 }), fc.integer({ min: 0, max: 99 })).map(([i, f]) => `${i}.${String(f).padStart(2, '0')}`);

/** The economics of a valid trade, from the referential's instruments, accounts and counterparties. */
const economics = isin.chain((i) =>
  fc.record({
    isin: fc.constant(i.isin),
    currency: fc.constant(i.currency),
    priceType: fc.constant(i.instrumentType === 'BOND' ? 'PERCENT' : 'UNIT'),
    quantity: i.instrumentType === 'BOND' ? bondNominal : shareQuantity,
    price: i.instrumentType === 'BOND' ? bondPrice : sharePrice,
    account: fc.constantFrom(...ACCOUNTS.map((a) => a.account)),
    counterparty: fc.constantFrom(...PARTIES.map((p) => p.lei)),
    side: fc.constantFrom('BUY', 'SELL'),
    tradeDate: fc.constantFrom('2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'),
    venue: fc.constantFrom('XPAR', 'XOFF', 'XNAS'),
    capacity: fc.constantFrom('AOTC', 'DEAL', 'MTCH'),
    fee: fc.option(fc.integer({ min: 1, max: 99 }), { nil: null }),
  }),
);
type Economics = typeof economics extends fc.Arbitrary<infer T> ? T : never;

function message(e: Economics, o: { messageId: string; tradeId: string; version: number; action: string } & Fields): Fields {
  const { fee, ...rest } = e;
  return {
    schemaVersion: 1,
    sourceSystem: 'FO-EQ',
    executedAt: `${e.tradeDate}T11:02:45.250+01:00`,
    ...rest,
    ...(fee === null ? {} : { fees: [{ type: 'COMMISSION', amount: `0.${String(fee).padStart(2, '0')}`, currency: e.currency }] }),
    ...o,
  };
}

/** One trade's story: its versions, and what an upstream platform does wrong with them. */
const plan = economics.chain((e) =>
  fc.record({
    economics: fc.constant(e),
    amend: fc.option(
      e.priceType === 'PERCENT' ? fc.record({ quantity: bondNominal, price: bondPrice }) : fc.record({ quantity: shareQuantity, price: sharePrice }),
      { nil: null },
    ),
    cancel: fc.boolean(),
    order: fc.constantFrom('in-order', 'reversed', 'latest-first', 'shuffled'),
    duplicate: fc.boolean(),
    resend: fc.boolean(),
    conflicting: fc.boolean(),
    positions: fc.array(fc.nat({ max: 1000 }), { minLength: 8, maxLength: 8 }),
  }),
);
type Plan = typeof plan extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------- corruptions

const OPTIONAL_FIELDS = ['schemaVersion', 'trader', 'orderType', 'venueTransactionId', 'fees', 'settlementDate'];
const ALL_FIELDS = [...TRADE_EXECUTED_REQUIRED_FIELDS, ...OPTIONAL_FIELDS];
/** A mistake: on the fields, then (for what JSON.stringify cannot build) on the text. */
type Mutation = { what: string; apply: (m: Fields) => void; text?: (json: string) => string };
/** Stands for arrays nested 20 000 deep, written into the text (JSON.stringify would overflow the stack). */
const DEEP = '(nested arrays)';
const set = (field: string, value: unknown, what = `${field} = ${JSON.stringify(value)?.slice(0, 60)}`): Mutation => ({
  what,
  apply: (m) => {
    m[field] = value;
  },
});
const withCheckDigit = (s: string, n: number) => {
  const head = s.slice(0, -1);
  const last = Number(s.slice(-1));
  return `${head}${(last + n) % 10}`;
};

/** Every field mutated in turn, one arbitrary per kind of mistake (each sampled a few times). */
const CORRUPTIONS: Array<fc.Arbitrary<Mutation>> = [
  // A JSON number where a decimal string belongs.
  fc.tuple(fc.constantFrom('quantity', 'price'), fc.double({ min: 0.01, max: 1e6, noNaN: true })).map(([f, v]) => set(f, v)),
  // Decimal strings that are not: exponents, signs, separators, too many digits.
  fc
    .tuple(
      fc.constantFrom('quantity', 'price'),
      fc.constantFrom(
        '1e3',
        '2.5E2',
        '-5',
        '0',
        '0.000',
        '+10',
        ' 10',
        '10,5',
        '.5',
        '5.',
        'NaN',
        'Infinity',
        '0x10',
        '１０',
        '1'.repeat(19),
        `0.${'1'.repeat(13)}`,
      ),
    )
    .map(([f, v]) => set(f, v)),
  // Check digits.
  fc.integer({ min: 1, max: 9 }).map((n) => ({ what: `isin check digit +${n}`, apply: (m: Fields) => void (m.isin = withCheckDigit(String(m.isin), n)) })),
  fc.integer({ min: 1, max: 9 }).map((n) => ({
    what: `counterparty check digits +${n}`,
    apply: (m: Fields) => void (m.counterparty = withCheckDigit(String(m.counterparty), n)),
  })),
  // A required field missing.
  fc.constantFrom(...TRADE_EXECUTED_REQUIRED_FIELDS.filter((f) => f !== 'messageId')).map((f) => ({ what: `no ${f}`, apply: (m: Fields) => void delete m[f] })),
  // References the referential does not hold (valid formats).
  fc.constantFrom(set('account', 'CLI-9999'), set('isin', 'DE0007164600'), set('counterparty', '5493001KJTIIGC8Y1R12')),
  // Wrong JSON types anywhere.
  fc
    .tuple(
      fc.constantFrom(...ALL_FIELDS),
      fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.integer(), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
      ),
    )
    .map(([f, v]) => set(f, v)),
  // Random text anywhere: control characters (NUL included), then any code point.
  fc.tuple(fc.constantFrom(...ALL_FIELDS), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 24 })).map(([f, v]) => set(f, v)),
  fc.tuple(fc.constantFrom(...ALL_FIELDS), fc.string({ unit: 'binary', minLength: 1, maxLength: 24 })).map(([f, v]) => set(f, v)),
  // Huge strings anywhere (70 000: the whole message is over 64 KiB).
  fc.tuple(fc.constantFrom(...ALL_FIELDS), fc.constantFrom(65, 129, 5_000, 70_000)).map(([f, n]) => set(f, 'Z'.repeat(n), `${f} = ${n} × Z`)),
  // schemaVersion other than 1.
  fc.constantFrom(0, 2, '1', 1.5).map((v) => set('schemaVersion', v)),
  // Fees wrong.
  fc
    .constantFrom<unknown>(
      [{ type: 'COMMISSION', amount: '-1', currency: 'EUR' }],
      [{ type: '', amount: '1', currency: 'EUR' }],
      [{ type: 'COMMISSION', amount: '1', currency: 'GBP' }],
      [{ type: 'COMMISSION', amount: 1, currency: 'EUR' }],
      'COMMISSION 1 EUR',
      [null],
      Array.from({ length: 21 }, () => ({ type: 'COMMISSION', amount: '0.01', currency: 'EUR' })),
    )
    .map((v) => set('fees', v)),
  // Dates and timestamps: impossible, other formats, a weekend, far away.
  fc
    .tuple(
      fc.constantFrom('tradeDate', 'settlementDate'),
      fc.constantFrom('2026-13-01', '2026-02-29', '26/11/2026', '2026-11-21', '2026-11-28', '2026-11-26T00:00:00Z'),
    )
    .map(([f, v]) => set(f, v)),
  fc.constantFrom('2026-11-26T10:15:02', '2026-11-26 10:15:02+01:00', '2026-11-26T10:15:02.1234567890Z').map((v) => set('executedAt', v)),
  // Enumerations and the version.
  fc.constantFrom(
    set('version', 0),
    set('version', -1),
    set('version', 1.5),
    set('version', '1'),
    set('action', 'new'),
    set('action', 'MODIFY'),
    set('side', 'buy'),
    set('priceType', 'PERCENT'),
    set('currency', 'EURO'),
    set('currency', 'USD'),
    set('venue', 'XPARIS'),
    set('capacity', 'PRINCIPAL'),
    set('sourceSystem', 'fo-eq'),
    set('sourceSystem', 'S'.repeat(33)),
    set('orderType', 'ICEBERG'),
  ),
  // The messageId itself: a number, empty, too long, null, absent (the record's position identifies it).
  fc.constantFrom(set('messageId', 42), set('messageId', ''), set('messageId', 'm'.repeat(129)), set('messageId', null), {
    what: 'no messageId',
    apply: (m: Fields) => void delete m.messageId,
  }),
  // An unknown extra field.
  fc.constantFrom(set('comment', { nested: { deeper: [1, 2, 3] } }), set('comment', 'booked late, see email')),
];

/**
 * The edge cases each once, whatever the seed: values the rules accept or echo but a database or a
 * recursive walk may not (NUL characters, a year 0, a zone offset past ±15:59, integers past 2^31,
 * nesting deep enough to overflow a stack).
 */
const EDGE_CASES: Mutation[] = [
  set('executedAt', '0000-01-01T00:00:00Z'),
  set('executedAt', '2026-11-26T10:15:02+23:59'),
  set('executedAt', '2026-11-26T24:00:00+01:00'),
  set('tradeDate', '9999-12-31'),
  set('settlementDate', '9999-12-31'),
  set('version', 2147483647),
  set('version', 2147483648),
  set('version', 9007199254740991),
  set('tradeId', 'X-NUL-\u0000-1'),
  set('messageId', 'msg-with-\u0000-nul'),
  set('isin', 'FR\u00000120271'),
  set('account', 'CLI-\u00000001'),
  set('trader', 'J\u0000 Doe'),
  { what: 'fees[0].type with a NUL character', apply: (m: Fields) => void (m.fees = [{ type: 'COMMISSION\u0000', amount: '0.10', currency: m.currency }]) },
  {
    what: 'extra field nested 20 000 deep',
    apply: (m: Fields) => void (m.extra = DEEP),
    text: (json: string) => json.replace(JSON.stringify(DEEP), `${'['.repeat(20_000)}${']'.repeat(20_000)}`),
  },
];

// ---------------------------------------------------------------- junk

const junk: fc.Arbitrary<{ what: string; value: Buffer }> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => ({ what: 'random bytes', value: Buffer.from(b) })),
  fc.tuple(economics, fc.integer({ min: 1, max: 300 })).map(([e, cut]) => {
    const text = JSON.stringify(message(e, { messageId: 'truncated', tradeId: 'J-TRUNC', version: 1, action: 'NEW' }));
    return { what: 'truncated JSON', value: Buffer.from(text.slice(0, Math.min(cut, text.length - 1))) };
  }),
  economics.map((e) => ({
    what: 'a JSON array',
    value: Buffer.from(JSON.stringify([message(e, { messageId: 'in-array', tradeId: 'J-ARR', version: 1, action: 'NEW' })])),
  })),
  fc.constantFrom('42', 'null', '"trade"', 'true', '[]', '{', '', '\uFEFF{}').map((t) => ({ what: `the text ${JSON.stringify(t)}`, value: Buffer.from(t) })),
  fc.integer({ min: 1, max: 4 }).map((k) => ({ what: 'an array nested deep', value: Buffer.from(`${'['.repeat(k * 5000)}${']'.repeat(k * 5000)}`) })),
  economics.map((e) => ({
    what: 'a message over 64 KiB',
    value: Buffer.from(JSON.stringify(message(e, { messageId: 'oversized', tradeId: 'J-BIG', version: 1, action: 'NEW', trader: 'x'.repeat(70_000) }))),
  })),
);

// ---------------------------------------------------------------- the scenario

/** mulberry32: the interleaving of the trades, from the same fixed seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sent {
  key: string;
  value: Buffer;
  what: string;
  /** The messageId capture identifies it by; null when the record's position does (unparseable, or no usable messageId). */
  id: string | null;
  fields: Fields | null;
  /** A valid trade message of a plan: what it should become. */
  planned?: { tradeRef: string; version: number; action: string; content: string };
}

/** What capture can identify a record by (DESIGN.md §4), decided here independently of its code. */
function storable(v: unknown, depth: number): boolean {
  if (depth > 32) return false;
  if (typeof v === 'string') return !v.includes('\u0000') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);
  if (Array.isArray(v)) return v.every((x) => storable(x, depth + 1));
  if (v !== null && typeof v === 'object') return Object.entries(v).every(([k, x]) => storable(k, depth + 1) && storable(x, depth + 1));
  return true;
}

function identity(value: Buffer): { id: string | null; fields: Fields | null } {
  if (value.length > TRADE_EXECUTED_BYTES_MAX) return { id: null, fields: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return { id: null, fields: null };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { id: null, fields: null };
  // What Postgres cannot store (NUL, a lone surrogate) or nesting beyond 32 levels: malformed, known by its position.
  if (value.includes(0) || !storable(parsed, 0)) return { id: null, fields: null };
  const f = parsed as Fields;
  const id = typeof f.messageId === 'string' && f.messageId.length > 0 && f.messageId.length <= 128 ? f.messageId : null;
  return { id, fields: f };
}

function build(): { sent: Sent[]; plans: Array<{ tradeRef: string; messages: Sent[] }> } {
  const rnd = prng(SEED);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const [plans] = fc.sample(fc.array(plan, { minLength: PLANS, maxLength: PLANS }), { seed: SEED, numRuns: 1 });
  const ids = (scope: string) => {
    let n = 0;
    return () => deterministicId('capture-never-loses', String(SEED), scope, String(n++));
  };
  const out: Array<{ tradeRef: string; messages: Sent[] }> = [];
  const entry = (m: Fields, what: string, planned?: Sent['planned']): Sent => {
    const value = Buffer.from(JSON.stringify(m));
    return { key: `FO-EQ:${String(m.tradeId)}`, value, what, ...identity(value), planned };
  };

  plans!.forEach((p: Plan, i) => {
    const tradeId = `P-${String(i).padStart(4, '0')}`;
    const tradeRef = `FO-EQ:${tradeId}`;
    const nextId = ids(tradeId);
    const v1 = message(p.economics, { messageId: nextId(), tradeId, version: 1, action: 'NEW' });
    const core: Sent[] = [entry(v1, 'NEW v1', { tradeRef, version: 1, action: 'NEW', content: 'v1' })];
    let latest = v1;
    if (p.amend) {
      latest = { ...v1, messageId: nextId(), version: 2, action: 'AMEND', ...p.amend };
      core.push(entry(latest, 'AMEND v2', { tradeRef, version: 2, action: 'AMEND', content: 'v2' }));
    }
    if (p.cancel) {
      const version = core.length + 1;
      core.push(
        entry({ ...latest, messageId: nextId(), version, action: 'CANCEL' }, `CANCEL v${version}`, { tradeRef, version, action: 'CANCEL', content: 'cancel' }),
      );
    }
    let ordered = [...core];
    if (p.order === 'reversed') ordered.reverse();
    if (p.order === 'latest-first') ordered = [ordered[ordered.length - 1]!, ...ordered.slice(0, -1)];
    if (p.order === 'shuffled') ordered.sort(() => rnd() - 0.5);
    let slot = 0;
    const insert = (s: Sent) => ordered.splice(p.positions[slot++]! % (ordered.length + 1), 0, s);
    if (p.duplicate) {
      const of = pick(core);
      insert(entry({ ...(JSON.parse(of.value.toString()) as Fields), messageId: nextId() }, `${of.what} under a new messageId`, of.planned));
    }
    if (p.conflicting) {
      insert(
        entry({ ...v1, messageId: nextId(), price: p.economics.priceType === 'PERCENT' ? '99.999' : '1.23456' }, 'NEW v1 with another price', {
          tradeRef,
          version: 1,
          action: 'NEW',
          content: 'v1-conflicting',
        }),
      );
    }
    if (p.resend) {
      const of = pick(core);
      insert({ ...of, what: `${of.what} re-sent (same messageId)` });
    }
    out.push({ tradeRef, messages: ordered });
  });

  // Each kind of corruption a few times, on a valid trade of its own.
  const corrupted: Sent[] = [];
  const bases = fc.sample(economics, { seed: SEED + 1, numRuns: CORRUPTIONS.length * PER_CORRUPTION });
  CORRUPTIONS.forEach((kind, k) => {
    fc.sample(kind, { seed: SEED + 2 + k, numRuns: PER_CORRUPTION }).forEach((mutation, j) => {
      const tradeId = `X-${String(k).padStart(2, '0')}-${j}`;
      const m = message(bases[k * PER_CORRUPTION + j]!, {
        messageId: deterministicId('capture-never-loses', String(SEED), tradeId),
        tradeId,
        version: 1,
        action: 'NEW',
      });
      mutation.apply(m);
      const value = Buffer.from(mutation.text ? mutation.text(JSON.stringify(m)) : JSON.stringify(m));
      corrupted.push({ key: `FO-EQ:${tradeId}`, value, what: mutation.what, ...identity(value) });
    });
  });
  const edgeBases = fc.sample(economics, { seed: SEED + 50, numRuns: EDGE_CASES.length });
  EDGE_CASES.forEach((mutation, k) => {
    const tradeId = `E-${String(k).padStart(2, '0')}`;
    const m = message(edgeBases[k]!, { messageId: deterministicId('capture-never-loses', String(SEED), tradeId), tradeId, version: 1, action: 'NEW' });
    mutation.apply(m);
    const value = Buffer.from(mutation.text ? mutation.text(JSON.stringify(m)) : JSON.stringify(m));
    corrupted.push({ key: `FO-EQ:${tradeId}`, value, what: mutation.what, ...identity(value) });
  });
  const junkRecords: Sent[] = [
    ...fc.sample(junk, { seed: SEED + 100, numRuns: JUNK }),
    { what: 'bytes starting with NUL', value: Buffer.from([0x00, 0x7b, 0x22, 0x61]) },
  ].map((j, n) => ({ key: `FO-EQ:J-${n}`, value: j.value, what: j.what, ...identity(j.value) }));

  // Interleave everything; each trade's messages keep their order (one key, one partition).
  const streams: Sent[][] = [...out.map((o) => o.messages), ...corrupted.map((c) => [c]), ...junkRecords.map((j) => [j])];
  const sent: Sent[] = [];
  const cursors = streams.map(() => 0);
  let open = streams.length;
  while (open > 0) {
    const s = Math.floor(rnd() * streams.length);
    if (cursors[s]! >= streams[s]!.length) continue;
    sent.push(streams[s]![cursors[s]!++]!);
    if (cursors[s] === streams[s]!.length) open--;
  }
  return { sent, plans: out };
}

/**
 * The versions rule of DOMAIN.md §1 as an oracle, written from the rule rather than from the code:
 * what each message of one trade becomes, in the order capture reads them, and the version standing at the end.
 */
function expectedForTrade(messages: Sent[]): { outcomes: Map<string, string>; final: { version: number; status: string; messageId: string } | null } {
  const outcomes = new Map<string, string>();
  const seen = new Map<number, string>();
  let current: { version: number; status: string; messageId: string } | null = null;
  for (const m of messages) {
    const p = m.planned!;
    const id = m.id!;
    if (outcomes.has(id)) continue; // the same messageId again: a receipt of its own, checked apart
    const seenContent = seen.get(p.version);
    if (seenContent !== undefined) {
      outcomes.set(id, seenContent === p.content ? 'DUPLICATE' : 'EXCEPTION');
      continue;
    }
    if (!current) {
      seen.set(p.version, p.content);
      current = { version: p.version, status: p.action === 'CANCEL' ? 'CANCELLED' : 'CAPTURED', messageId: id };
      outcomes.set(id, p.action === 'CANCEL' ? 'CANCELLED' : 'CAPTURED');
      continue;
    }
    if (p.version < current.version) {
      seen.set(p.version, p.content);
      outcomes.set(id, 'STALE');
      continue;
    }
    if (p.action === 'NEW' || current.status === 'CANCELLED') {
      outcomes.set(id, 'EXCEPTION');
      continue;
    }
    seen.set(p.version, p.content);
    current = { version: p.version, status: p.action === 'CANCEL' ? 'CANCELLED' : 'CAPTURED', messageId: id };
    outcomes.set(id, p.action === 'CANCEL' ? 'CANCELLED' : 'AMENDED');
  }
  return { outcomes, final: current };
}

/** What a trade or a version holds, as read back from capture's tables. */
interface Stored {
  isin: string;
  counterparty: string;
  account: string;
  side: string;
  currency: string;
  quantity: string;
  price: string;
}

const positiveDecimal = (v: string) => {
  const d = parseDecimalString(v);
  return d.ok && d.value.gt(0);
};

describe('capture never loses a message (property, through the real consumer)', () => {
  let env: E2eEnv;
  let url: string;
  const { sent, plans } = build();
  const distinctIds = new Set(sent.flatMap((s) => (s.id === null ? [] : [s.id])));
  const positionalCount = sent.filter((s) => s.id === null).length;
  const distinct = distinctIds.size + positionalCount;
  /** Records sent with a messageId sent before: each is its id's next delivery. */
  const repeated = sent.length - distinct;
  const bodyOf = new Map(sent.flatMap((s) => (s.id !== null && s.fields ? [[s.id, s.fields] as const] : [])));
  let receipts: Array<{ message_id: string; outcome: string; trade_ref: string | null; delivery: number }> = [];
  /** The receipts of each id's first record: what the message became. */
  const firsts = () => receipts.filter((r) => r.delivery === 1);

  beforeAll(async () => {
    env = await e2eEnv('capture-never-loses', { basePort: 4710, smtpUrl: 'smtp://127.0.0.1:1', services: ['capture'] });
    await env.stack.startAll();
    url = env.stack.url('capture');
    const imported = await call(env.stack, 'POST', `${url}/referential/import`, PEOPLE.supervisor, { body: referentialBody(), maker: PEOPLE.operator });
    expect(imported.status).toBe(200);

    const records: RawMessage[] = sent.map((s) => ({ key: s.key, value: s.value }));
    for (let i = 0; i < records.length; i += 100) await produceRaw(env.prefix, TRADES, records.slice(i, i + 100));
    // Every record consumed and committed (a message sent to the DLQ is committed too), whatever the receipts say.
    await waitFor(() => groupCaughtUp(`${env.prefix}.capture.trades-executed`, physicalTopic(env.prefix, TRADES)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: `capture to consume the ${sent.length} records`,
    });
    receipts = await rows(env.db, `SELECT message_id, outcome, trade_ref, delivery FROM capture.receipts WHERE topic = $1`, [TRADES]);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it(`publishes a few hundred messages of every kind (seed ${SEED})`, () => {
    expect(sent.length).toBeGreaterThanOrEqual(300);
    expect(positionalCount).toBeGreaterThan(20);
    expect(sent.filter((s) => s.planned).length).toBeGreaterThan(150);
    expect(repeated).toBeGreaterThan(10);
  });

  it('the service is still alive', async () => {
    expect(env.stack.running.get('capture')!.process.exitCode).toBeNull();
    expect((await call(env.stack, 'GET', `${url}/health`, null)).status).toBe(200);
  });

  it('no message went to the DLQ', async () => {
    const dlq = dlqTopic(physicalTopic(env.prefix, TRADES));
    const ends = [...(await endOffsets(dlq)).values()].map(Number);
    const total = ends.reduce((a, b) => a + b, 0);
    // The evidence when it fails: what each dead letter was, and the error capture gave.
    const letters =
      total === 0
        ? []
        : (await consumeAll(dlq, { expected: total, timeoutMs: 20_000 })).map((l) => {
            const s = sent.find((x) => x.value.toString('utf8') === l.value);
            return { what: s?.what ?? '(unknown record)', error: l.headers['dlq-error'] };
          });
    expect(letters).toEqual([]);
    expect(total).toBe(0);
  });

  it('every record has exactly one receipt: each id its first record as delivery 1, a record sent again the next delivery', () => {
    const byId = new Set(firsts().map((r) => r.message_id));
    expect(byId.size).toBe(firsts().length);
    const positionPrefix = `${physicalTopic(env.prefix, TRADES)}/`;
    const lost = sent.filter((s) => s.id !== null && !byId.has(s.id)).map((s) => s.what);
    const positional = receipts.filter((r) => r.message_id.startsWith(positionPrefix));
    const unknown = receipts.filter((r) => !r.message_id.startsWith(positionPrefix) && !distinctIds.has(r.message_id));
    // Records without a usable messageId are receipted under their position: as many as were sent.
    const positionalWithoutReceipt = positionalCount - positional.length;
    expect({ lost, unknown, positionalWithoutReceipt }).toEqual({ lost: [], unknown: [], positionalWithoutReceipt: 0 });
    expect(positional.map((r) => r.outcome)).toEqual(Array(positionalCount).fill('EXCEPTION'));
    // A record sent again: byte for byte the first one, a DUPLICATE; another content under its id, an EXCEPTION.
    const firstBytes = new Map<string, Buffer>();
    const wanted: string[] = [];
    for (const s of sent) {
      if (s.id === null) continue;
      const first = firstBytes.get(s.id);
      if (!first) firstBytes.set(s.id, s.value);
      else wanted.push(`${s.id} ${first.equals(s.value) ? 'DUPLICATE' : 'EXCEPTION'}`);
    }
    const got = receipts.filter((r) => r.delivery > 1).map((r) => `${r.message_id} ${r.outcome}`);
    expect(got.sort()).toEqual(wanted.sort());
    expect(receipts.length).toBe(sent.length);
  });

  it('the count identity holds: records = captured + amended + cancelled + stale + exceptions + duplicates = receipts', async () => {
    const s = (await call(env.stack, 'GET', `${url}/summary`, PEOPLE.auditor)).body;
    expect(s.captured + s.amended + s.cancelled + s.stale + s.exceptions + s.duplicates).toBe(sent.length);
    expect(s.consumed).toBe(sent.length);
    expect(receipts.length).toBe(distinct + repeated);
  });

  it('the exceptions queue pages oldest first: pages of 7 with `after` reach every open exception once; a bad limit or an unknown cursor is refused', async () => {
    const open = await rows<{ id: string }>(
      env.db,
      `SELECT exception_id::text AS id FROM capture.exceptions WHERE status = 'OPEN' ORDER BY created_at, exception_id`,
    );
    expect(open.length).toBeGreaterThan(14); // three pages at least
    const paged: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await call(env.stack, 'GET', `${url}/exceptions?status=OPEN&limit=7${after ? `&after=${after}` : ''}`, PEOPLE.operator);
      expect(res.status).toBe(200);
      const ids = (res.body as Array<{ exceptionId: string }>).map((e) => e.exceptionId);
      expect(ids.length).toBeLessThanOrEqual(7);
      paged.push(...ids);
      if (ids.length < 7) break;
      after = ids.at(-1);
    }
    expect(paged).toEqual(open.map((r) => r.id));
    expect((await call(env.stack, 'GET', `${url}/exceptions?limit=501`, PEOPLE.operator)).status).toBe(400);
    expect((await call(env.stack, 'GET', `${url}/exceptions?after=not-an-id`, PEOPLE.operator)).status).toBe(400);
    expect((await call(env.stack, 'GET', `${url}/exceptions?after=00000000-0000-4000-8000-000000000000`, PEOPLE.operator)).status).toBe(404);
  });

  it('the blotter pages oldest trade date first with `after`, and filters by ISIN, account, counterparty and trade dates', async () => {
    const stored = await rows<{ ref: string; isin: string; account: string; counterparty: string; d: string }>(
      env.db,
      `SELECT trade_ref AS ref, isin, account, counterparty, to_char(trade_date, 'YYYY-MM-DD') AS d FROM capture.trades WHERE status = 'CAPTURED' ORDER BY trade_date, trade_ref`,
    );
    expect(stored.length).toBeGreaterThan(14);
    const list = async (q: string) => {
      const res = await call(env.stack, 'GET', `${url}/trades?status=CAPTURED&${q}`, PEOPLE.operator);
      expect(res.status).toBe(200);
      return (res.body as Array<{ tradeRef: string }>).map((t) => t.tradeRef);
    };
    const paged: string[] = [];
    for (let after: string | undefined, i = 0; i < 100; i++) {
      const page = await list(`limit=7${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      paged.push(...page);
      if (page.length < 7) break;
      after = page.at(-1);
    }
    expect(paged).toEqual(stored.map((t) => t.ref));
    const first = stored[0]!;
    expect(await list(`isin=${first.isin}&limit=500`)).toEqual(stored.filter((t) => t.isin === first.isin).map((t) => t.ref));
    expect(await list(`account=${first.account}&counterparty=${first.counterparty}&limit=500`)).toEqual(
      stored.filter((t) => t.account === first.account && t.counterparty === first.counterparty).map((t) => t.ref),
    );
    expect(await list(`tradeDateFrom=${first.d}&tradeDateTo=${first.d}&limit=500`)).toEqual(stored.filter((t) => t.d === first.d).map((t) => t.ref));
    expect((await call(env.stack, 'GET', `${url}/trades?tradeDateFrom=26/11/2026`, PEOPLE.operator)).status).toBe(400);
  });

  it('every trade and version stored passes every input rule, with valid check digits and positive decimals, and is what was sent', async () => {
    const trades = await rows<Stored & { trade_ref: string; message_id: string }>(
      env.db,
      `SELECT trade_ref, message_id, isin, counterparty, account, side, currency, quantity::text AS quantity, price::text AS price FROM capture.trades`,
    );
    const versions = await rows<{ trade_ref: string; message_id: string; economics: Stored }>(
      env.db,
      `SELECT trade_ref, message_id, economics FROM capture.trade_versions`,
    );
    expect(trades.length).toBeGreaterThan(PLANS);
    const isins = new Set(INSTRUMENTS.map((i) => i.isin));
    const accounts = new Set(ACCOUNTS.map((a) => a.account));
    const leis = new Set(PARTIES.map((p) => p.lei));
    const problems: unknown[] = [];
    const check = (where: string, messageId: string, t: Stored) => {
      const body = bodyOf.get(messageId);
      if (!body) return void problems.push({ where, messageId, problem: 'stored from a message that was never sent' });
      const rules = inputProblems(body);
      if (rules.length > 0) problems.push({ where, messageId, rules });
      if (!isValidIsin(t.isin) || !isins.has(t.isin)) problems.push({ where, isin: t.isin });
      if (!isValidLei(t.counterparty) || !leis.has(t.counterparty)) problems.push({ where, counterparty: t.counterparty });
      if (!accounts.has(t.account)) problems.push({ where, account: t.account });
      if (!positiveDecimal(String(t.quantity)) || !positiveDecimal(String(t.price))) problems.push({ where, quantity: t.quantity, price: t.price });
      for (const f of ['isin', 'counterparty', 'account', 'side', 'currency'] as const)
        if (t[f] !== body[f]) problems.push({ where, field: f, stored: t[f], sent: body[f] });
    };
    for (const t of trades) {
      check(`trade ${t.trade_ref}`, t.message_id, t);
      // A cancellation keeps the economics of the version it cancels: same figures as sent for every other version.
      const body = bodyOf.get(t.message_id);
      if (body && body.action !== 'CANCEL') {
        for (const f of ['quantity', 'price'] as const) {
          const [stored, wanted] = [parseDecimalString(t[f]), parseDecimalString(body[f])];
          if (!stored.ok || !wanted.ok || !stored.value.eq(wanted.value))
            problems.push({ where: `trade ${t.trade_ref}`, field: f, stored: t[f], sent: body[f] });
        }
      }
    }
    for (const v of versions) check(`version of ${v.trade_ref}`, v.message_id, v.economics);
    expect(problems).toEqual([]);
  });

  it('every message that breaks an input rule is an exception, never a trade', () => {
    const outcome = new Map(firsts().map((r) => [r.message_id, r.outcome]));
    const wrong = sent
      .filter((s) => s.id !== null && s.fields && inputProblems(s.fields).length > 0)
      .filter((s) => outcome.has(s.id!) && outcome.get(s.id!) !== 'EXCEPTION')
      .map((s) => ({ what: s.what, outcome: outcome.get(s.id!) }));
    expect(wrong).toEqual([]);
  });

  it('every valid trade ends where the versions rule says: each message the expected outcome, the highest version standing', async () => {
    const outcome = new Map(firsts().map((r) => [r.message_id, r.outcome]));
    const stored = new Map(
      (
        await rows<{ trade_ref: string; version: number; status: string; message_id: string }>(
          env.db,
          `SELECT trade_ref, version, status, message_id FROM capture.trades`,
        )
      ).map((t) => [t.trade_ref, t]),
    );
    const differences: unknown[] = [];
    for (const p of plans) {
      const expected = expectedForTrade(p.messages);
      for (const m of p.messages) {
        const want = expected.outcomes.get(m.id!);
        if (outcome.get(m.id!) !== want) differences.push({ trade: p.tradeRef, message: m.what, expected: want, got: outcome.get(m.id!) ?? '(no receipt)' });
      }
      const t = stored.get(p.tradeRef);
      const want = expected.final!;
      if (!t || t.version !== want.version || t.status !== want.status || t.message_id !== want.messageId) {
        differences.push({ trade: p.tradeRef, expected: want, got: t ? { version: t.version, status: t.status, messageId: t.message_id } : '(no trade)' });
      }
    }
    expect(differences).toEqual([]);
  });

  it('every applied change went out once on trade.events.v1', async () => {
    await waitFor(async () => (await rows<{ n: number }>(env.db, `SELECT count(*)::int AS n FROM capture.outbox_pending`))[0]!.n === 0, {
      timeoutMs: 30_000,
      what: "capture's outbox to be published",
    });
    const topic = tradeEventsTopic(env.prefix);
    // Every record the topic holds, a packed record counting as its events.
    const events = (await consumeAll(topic, { expected: 'to-the-end', timeoutMs: 30_000 })).map((m) => JSON.parse(m.value) as { eventId: string; type: string });
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const n = (type: string) => events.filter((e) => e.type === type).length;
    const r = (o: string) => receipts.filter((x) => x.outcome === o).length;
    expect([n('TradeCaptured'), n('TradeAmended'), n('TradeCancelled')]).toEqual([r('CAPTURED'), r('AMENDED'), r('CANCELLED')]);
  });
});
