import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PARTITION_DAY_CLOSED, physicalTopic, Topics } from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import { deterministicId } from '@postera/kernel';
import { businessDay, produceRaw, waitFor, type RawMessage } from '@postera/testing';
import { randomUUID } from 'node:crypto';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import {
  BOND_ISIN,
  businessDayOpened,
  call,
  confirmationMessage,
  eventsSettled,
  instructionStatusChanged,
  receiptCount,
  referentialBody,
  refOf,
  rows,
  SETTLEMENT_DATE,
  TopicCollector,
  TRADE_DATE,
  tradeEventsTopic,
  tradeMessage,
  waitForReceipts,
  type Fields,
  type Wire,
} from './capture-fixtures.js';

// The capture lifecycle (DOMAIN.md §1, DESIGN.md §3–4) through the BUILT capture process, on the
// real broker and database: versions, confirmations, validation, maker-checker, the exceptions
// queue, the business-date rule, and the count identity that says no message was lost.

jest.setTimeout(120_000);

const TRADES = Topics.tradesExecuted;
/** A record without a usable messageId: capture identifies it by its position (topic/partition/offset). */
const isPositional = (m: Fields | { positional: RawMessage }): m is { positional: RawMessage } => Object.keys(m).length === 1 && 'positional' in m;
const CONFIRMATIONS = Topics.confirmationsReceived;

describe('capture: the trade lifecycle on the real broker and database', () => {
  let env: E2eEnv;
  let events: TopicCollector;
  let intake: TopicCollector;
  let url: string;

  // What was published on trades.executed.v1: the distinct messageIds, the records without a
  // usable one (each is identified by its position, so each counts once), the records sent again
  // with an id already sent (each one receipt more), and what each should become.
  const sentIds = new Set<string>();
  let positional = 0;
  let repeats = 0;
  const expectedOutcome = new Map<string, string>();
  const repeatOutcomes: string[] = [];
  let confirmationsSent = 0;

  const trade = async (ref: string) => call(env.stack, 'GET', `${url}/trades/${encodeURIComponent(ref)}`, PEOPLE.auditor);
  /** The outcome of the first record of each id. */
  const receiptsOf = async (ids: string[]) =>
    Object.fromEntries(
      (
        await rows<{ message_id: string; outcome: string }>(
          env.db,
          `SELECT message_id, outcome FROM capture.receipts WHERE message_id = ANY($1) AND delivery = 1`,
          [ids],
        )
      ).map((r) => [r.message_id, r.outcome]),
    );
  /** Every record's receipt under one id on one topic, in the order read. */
  const deliveriesOf = async (topic: string, id: unknown) =>
    (
      await rows<{ delivery: number; outcome: string }>(
        env.db,
        `SELECT delivery, outcome FROM capture.receipts WHERE topic = $1 AND message_id = $2 ORDER BY delivery`,
        [topic, String(id)],
      )
    ).map((r) => [r.delivery, r.outcome]);
  const summary = async () => (await call(env.stack, 'GET', `${url}/summary`, PEOPLE.admin)).body;
  const exceptionsOf = async (messageId: string) =>
    Promise.all(
      (await rows<{ exception_id: string }>(env.db, `SELECT exception_id FROM capture.exceptions WHERE message_id = $1 ORDER BY created_at`, [messageId])).map(
        async (r) => (await call(env.stack, 'GET', `${url}/exceptions/${r.exception_id}`, PEOPLE.operator)).body,
      ),
    );
  const exceptionByBytes = async (value: string | Buffer) => {
    const [r] = await rows<{ exception_id: string }>(env.db, `SELECT exception_id FROM capture.exceptions WHERE original = $1`, [Buffer.from(value)]);
    return r ? (await call(env.stack, 'GET', `${url}/exceptions/${r.exception_id}`, PEOPLE.operator)).body : undefined;
  };
  const types = (ref: string) => events.of(ref).map((e) => e.type);
  const ofType = (ref: string, type: string) => events.of(ref).filter((e) => e.type === type);

  /** Publishes on trades.executed.v1 and waits until capture has consumed all of it. */
  async function publishTrades(messages: Array<Fields | { positional: RawMessage }>): Promise<void> {
    const raw: RawMessage[] = messages.map((m) => {
      if (isPositional(m)) {
        positional++;
        return m.positional;
      }
      if (sentIds.has(String(m.messageId))) repeats++;
      sentIds.add(String(m.messageId));
      return { key: refOf(m), value: JSON.stringify(m) };
    });
    await produceRaw(env.prefix, TRADES, raw);
    await waitForReceipts(env.db, TRADES, sentIds.size + positional + repeats);
    await waitFor(() => groupCaughtUp(`${env.prefix}.capture.trades-executed`, physicalTopic(env.prefix, TRADES)), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'capture to commit every trades.executed.v1 record',
    });
    await eventsSettled(env.db, events);
  }

  async function publishConfirmations(messages: Fields[]): Promise<void> {
    confirmationsSent += messages.length;
    await produceRaw(
      env.prefix,
      CONFIRMATIONS,
      messages.map((m) => ({ key: refOf(m), value: JSON.stringify(m) })),
    );
    await waitForReceipts(env.db, CONFIRMATIONS, confirmationsSent);
    await eventsSettled(env.db, events);
  }

  /** Asserts what each message became (its receipt), and remembers it for the count identity. */
  async function expectReceipts(expected: Record<string, string>): Promise<void> {
    expect(await receiptsOf(Object.keys(expected))).toEqual(expected);
    for (const [id, outcome] of Object.entries(expected)) if (sentIds.has(id)) expectedOutcome.set(id, outcome);
  }

  /** NEW, then the counterparty's matching confirmation: a VALIDATED trade (straight through). */
  async function validatedTrade(m: Fields, settlementAmount: string): Promise<void> {
    await publishTrades([m]);
    await publishConfirmations([confirmationMessage(m, { settlementAmount })]);
    expect((await trade(refOf(m))).body.status).toBe('VALIDATED');
    expectedOutcome.set(String(m.messageId), 'CAPTURED');
  }

  beforeAll(async () => {
    env = await e2eEnv('capture-lifecycle', { basePort: 4700, smtpUrl: 'smtp://127.0.0.1:1', services: ['capture'] });
    await env.stack.startAll();
    url = env.stack.url('capture');
    const imported = await call(env.stack, 'POST', `${url}/referential/import`, PEOPLE.supervisor, { body: referentialBody(), maker: PEOPLE.operator });
    expect(imported.status).toBe(200);
    // The business day 2026-11-26 is open: trades dated after it are refused, trades before it are late bookings.
    const day = businessDayOpened(TRADE_DATE);
    await produceRaw(env.prefix, Topics.businessDay, [{ key: 'TARGET', value: JSON.stringify(day) }]);
    await waitFor(
      async () =>
        (await rows(env.db, `SELECT 1 FROM capture.business_day WHERE calendar = 'TARGET' AND business_date = $1 AND status = 'OPEN'`, [TRADE_DATE])).length ===
        1,
      { timeoutMs: 30_000, what: `capture to open the business day ${TRADE_DATE}` },
    );
    events = await TopicCollector.start(tradeEventsTopic(env.prefix));
    intake = await TopicCollector.start(physicalTopic(env.prefix, Topics.captureIntake));
  });

  afterAll(async () => {
    await events?.stop();
    await intake?.stop();
    await env?.teardown();
  });

  it('NEW v1 is CAPTURED with our confirmation issued; the matching confirmation (settlement amount = gross + accrued) makes it CONFIRMED then VALIDATED straight through', async () => {
    // 100 000 nominal of the OAT 4 % 2055 at 98.50 %, settling Monday 30 Nov: 219 days of coupon
    // accrued since 25 Apr (ACT/ACT-ICMA, annual) = 4 × 219/365 = 2.4 % → 2 400.00 EUR.
    const m = tradeMessage({
      tradeId: 'LC-BOND-1',
      isin: BOND_ISIN,
      quantity: '100000',
      price: '98.50',
      priceType: 'PERCENT',
      venue: 'XOFF',
      account: 'PROP-TRADING',
      capacity: 'DEAL',
      counterparty: '529900COUNTERPTY0226',
      fees: [],
    });
    const ref = refOf(m);
    await publishTrades([m]);
    await expectReceipts({ [String(m.messageId)]: 'CAPTURED' });

    const captured = (await trade(ref)).body;
    expect([captured.status, captured.version, captured.grossAmount, captured.accruedInterest, captured.settlementDate]).toEqual([
      'CAPTURED',
      1,
      '98500.00',
      '2400.00',
      SETTLEMENT_DATE,
    ]);
    expect(types(ref)).toEqual(['TradeCaptured', 'CounterpartyConfirmationIssued']);
    const [tc] = ofType(ref, 'TradeCaptured');
    expect(tc!.payload).toMatchObject({ status: 'CAPTURED', trade: { tradeRef: ref, version: 1, grossAmount: '98500.00', accruedInterest: '2400.00' } });
    expect(tc!.causationId).toBe(m.messageId);
    const [issued] = ofType(ref, 'CounterpartyConfirmationIssued');
    expect(issued!.payload).toEqual({
      tradeRef: ref,
      version: 1,
      counterparty: { lei: '529900COUNTERPTY0226', name: 'Counterparty Beta GmbH', bic: 'BETADEFFXXX' },
      side: 'BUY',
      isin: BOND_ISIN,
      quantity: '100000',
      price: '98.50',
      priceType: 'PERCENT',
      currency: 'EUR',
      tradeDate: TRADE_DATE,
      settlementDate: SETTLEMENT_DATE,
      settlementAmount: '100900.00',
    });

    const conf = confirmationMessage(m, { confirmationId: 'BETA-77001', settlementAmount: '100900.00' });
    await publishConfirmations([conf]);
    expect(await receiptsOf([String(conf.messageId)])).toEqual({ [String(conf.messageId)]: 'CONFIRMED' });

    expect(types(ref)).toEqual(['TradeCaptured', 'CounterpartyConfirmationIssued', 'TradeConfirmed', 'TradeValidated']);
    expect(ofType(ref, 'TradeConfirmed')[0]!.payload).toEqual({ tradeRef: ref, version: 1, confirmationId: 'BETA-77001', status: 'CONFIRMED' });
    expect(ofType(ref, 'TradeValidated')[0]!.payload).toMatchObject({ how: 'STRAIGHT_THROUGH', validatedBy: null, status: 'VALIDATED', trade: { version: 1 } });
    const validated = (await trade(ref)).body;
    expect([validated.status, validated.validatedHow, validated.validatedBy, validated.confirmationId]).toEqual([
      'VALIDATED',
      'STRAIGHT_THROUGH',
      null,
      'BETA-77001',
    ]);
    expect(validated.history.map((h: { eventType: string; status: string }) => [h.eventType, h.status])).toEqual([
      ['TradeCaptured', 'CAPTURED'],
      ['TradeConfirmed', 'CONFIRMED'],
      ['TradeValidated', 'VALIDATED'],
    ]);
    expect(validated.confirmations).toMatchObject([{ confirmationId: 'BETA-77001', status: 'MATCHED', matchedVersion: 1, differences: null }]);
  });

  it('a confirmation that arrives before its trade stays PENDING, then matches when the trade arrives', async () => {
    const m = tradeMessage({ tradeId: 'LC-EARLYCONF-1' });
    const ref = refOf(m);
    const conf = confirmationMessage(m, { settlementAmount: '8775.75' }); // 150 × 58.505
    await publishConfirmations([conf]);
    expect(await receiptsOf([String(conf.messageId)])).toEqual({ [String(conf.messageId)]: 'PENDING' });
    expect(await rows(env.db, `SELECT status, trade_ref FROM capture.confirmations WHERE message_id = $1`, [conf.messageId])).toEqual([
      { status: 'PENDING', trade_ref: ref },
    ]);
    expect((await trade(ref)).status).toBe(404);

    await publishTrades([m]);
    await expectReceipts({ [String(m.messageId)]: 'CAPTURED' });
    const t = (await trade(ref)).body;
    expect([t.status, t.validatedHow, t.confirmationId]).toEqual(['VALIDATED', 'STRAIGHT_THROUGH', `CONF-LC-EARLYCONF-1`]);
    expect(t.confirmations).toMatchObject([{ messageId: conf.messageId, status: 'MATCHED', matchedVersion: 1 }]);
    expect(types(ref)).toEqual(['TradeCaptured', 'CounterpartyConfirmationIssued', 'TradeConfirmed', 'TradeValidated']);
    // The trade's arrival is what confirmed it.
    expect(ofType(ref, 'TradeConfirmed')[0]!.causationId).toBe(m.messageId);
  });

  it('a mismatching confirmation is a CONFIRMATION exception naming each differing field with both values; the trade stays CAPTURED', async () => {
    const m = tradeMessage({ tradeId: 'LC-MISMATCH-1', isin: 'FR0000120321', quantity: '40', price: '250.10', fees: [] });
    const ref = refOf(m);
    await publishTrades([m]);
    await expectReceipts({ [String(m.messageId)]: 'CAPTURED' });
    // They confirm 41 at 250.20 (10 258.20) where we booked 40 at 250.10 (10 004.00).
    const conf = confirmationMessage(m, { quantity: '41', price: '250.20', settlementAmount: '10258.20' });
    await publishConfirmations([conf]);
    expect(await receiptsOf([String(conf.messageId)])).toEqual({ [String(conf.messageId)]: 'EXCEPTION' });

    const [exc, ...more] = await exceptionsOf(String(conf.messageId));
    expect(more).toEqual([]);
    expect([exc.kind, exc.status, exc.tradeRef, exc.original]).toEqual(['CONFIRMATION', 'OPEN', ref, JSON.stringify(conf)]);
    expect(exc.reasons).toEqual([
      { field: 'quantity', value: { ours: '40', theirs: '41' }, rule: 'confirmation mismatch: must be equal' },
      { field: 'price', value: { ours: '250.10', theirs: '250.20' }, rule: 'confirmation mismatch: differs by 0.1, tolerance 0.0001' },
      { field: 'settlementAmount', value: { ours: '10004.00', theirs: '10258.20' }, rule: 'confirmation mismatch: differs by 254.2, tolerance 1.00' },
    ]);
    const t = (await trade(ref)).body;
    expect([t.status, t.confirmationId]).toEqual(['CAPTURED', null]);
    expect(t.confirmations).toMatchObject([{ messageId: conf.messageId, status: 'MISMATCHED', matchedVersion: null }]);
    expect(types(ref)).toEqual(['TradeCaptured', 'CounterpartyConfirmationIssued']);
  });

  it('AMEND v2 is applied: TradeAmended carries the v1 figures before and the v2 figures after; both versions APPLIED', async () => {
    const v1 = tradeMessage({ tradeId: 'LC-AMEND-1' });
    const ref = refOf(v1);
    await publishTrades([v1]);
    const v2 = tradeMessage({
      tradeId: 'LC-AMEND-1',
      version: 2,
      action: 'AMEND',
      quantity: '200',
      price: '58.60',
      fees: [{ type: 'COMMISSION', amount: '11.72', currency: 'EUR' }],
    });
    await publishTrades([v2]);
    await expectReceipts({ [String(v1.messageId)]: 'CAPTURED', [String(v2.messageId)]: 'AMENDED' });

    const amended = ofType(ref, 'TradeAmended');
    expect(amended).toHaveLength(1);
    const figures = (e: Record<string, unknown>) => [e.version, e.quantity, e.price, e.grossAmount, e.feesAmount, e.netAmount];
    expect(figures(amended[0]!.payload.before)).toEqual([1, '150', '58.505', '8775.75', '8.78', '8784.53']);
    expect(figures(amended[0]!.payload.after)).toEqual([2, '200', '58.60', '11720.00', '11.72', '11731.72']);
    expect(amended[0]!.payload.status).toBe('CAPTURED');
    expect(amended[0]!.causationId).toBe(v2.messageId);
    expect(await rows(env.db, `SELECT version, action, outcome FROM capture.trade_versions WHERE trade_ref = $1 ORDER BY version`, [ref])).toEqual([
      { version: 1, action: 'NEW', outcome: 'APPLIED' },
      { version: 2, action: 'AMEND', outcome: 'APPLIED' },
    ]);
    const t = (await trade(ref)).body;
    expect([t.version, t.status, t.quantity, t.price, t.netAmount]).toEqual([2, 'CAPTURED', '200', '58.60', '11731.72']);
  });

  it('out of order: v3 AMEND then v2 AMEND → v3 applied, v2 recorded STALE, the trade stays at v3', async () => {
    const v1 = tradeMessage({ tradeId: 'LC-OOO-1' });
    const v3 = tradeMessage({ tradeId: 'LC-OOO-1', version: 3, action: 'AMEND', quantity: '300' });
    const v2 = tradeMessage({ tradeId: 'LC-OOO-1', version: 2, action: 'AMEND', quantity: '200' });
    const ref = refOf(v1);
    await publishTrades([v1, v3, v2]);
    await expectReceipts({ [String(v1.messageId)]: 'CAPTURED', [String(v3.messageId)]: 'AMENDED', [String(v2.messageId)]: 'STALE' });

    expect(await rows(env.db, `SELECT version, action, outcome, note FROM capture.trade_versions WHERE trade_ref = $1 ORDER BY version`, [ref])).toEqual([
      { version: 1, action: 'NEW', outcome: 'APPLIED', note: null },
      { version: 2, action: 'AMEND', outcome: 'STALE', note: 'version 2 (AMEND) arrived after version 3 was applied' },
      { version: 3, action: 'AMEND', outcome: 'APPLIED', note: null },
    ]);
    const t = (await trade(ref)).body;
    expect([t.version, t.quantity]).toEqual([3, '300']);
    const amended = ofType(ref, 'TradeAmended');
    expect(amended.map((e) => [e.payload.before.version, e.payload.after.version])).toEqual([[1, 3]]);
    expect(t.history.map((h: { eventType: string; version: number }) => [h.eventType, h.version])).toEqual([
      ['TradeCaptured', 1],
      ['TradeAmended', 3],
      ['StaleVersionIgnored', 2],
    ]);
  });

  it('duplicates of every kind each get a receipt: same id same content DUPLICATE, same id other content EXCEPTION, same content new id DUPLICATE, same version other content EXCEPTION', async () => {
    const v1 = tradeMessage({ tradeId: 'LC-DUP-1' });
    const ref = refOf(v1);
    await publishTrades([v1]);
    const before = await summary();
    const conflicting = { ...v1, messageId: randomUUID(), price: '58.51' };
    const sameContent = { ...v1, messageId: randomUUID() };
    // v1 itself once more, byte for byte (a resend by the platform), after the other two; then v1's
    // id once more on another content (quantity 151), then that resend again.
    const reusedId = { ...v1, quantity: '151' };
    await publishTrades([conflicting, sameContent, v1, reusedId, v1]);
    await expectReceipts({ [String(v1.messageId)]: 'CAPTURED', [String(conflicting.messageId)]: 'EXCEPTION', [String(sameContent.messageId)]: 'DUPLICATE' });
    // v1's id: the first record captured, the byte-for-byte resends duplicates, the other content an exception.
    expect(await deliveriesOf(TRADES, v1.messageId)).toEqual([
      [1, 'CAPTURED'],
      [2, 'DUPLICATE'],
      [3, 'EXCEPTION'],
      [4, 'DUPLICATE'],
    ]);
    repeatOutcomes.push('DUPLICATE', 'EXCEPTION', 'DUPLICATE');

    const [exc, ...more] = await exceptionsOf(String(conflicting.messageId));
    expect(more).toEqual([]);
    expect([exc.kind, exc.tradeRef, exc.reasons]).toEqual([
      'INPUT',
      ref,
      [{ field: 'version', value: 1, rule: 'conflicting duplicate: version 1 of this trade was already received with another content' }],
    ]);
    // The reused id: held with its own bytes for a person (v1's id has no exception of its own before it).
    const [reused, ...noMore] = await exceptionsOf(String(v1.messageId));
    expect(noMore).toEqual([]);
    expect([reused.kind, reused.tradeRef, reused.original, reused.reasons]).toEqual([
      'INPUT',
      ref,
      JSON.stringify(reusedId),
      [
        {
          field: 'messageId',
          value: v1.messageId,
          rule: 'message id already received with another content: one id names one message (send a new message under a new messageId)',
        },
      ],
    ]);
    expect(types(ref)).toEqual(['TradeCaptured', 'CounterpartyConfirmationIssued']);
    const t = (await trade(ref)).body;
    expect([t.version, t.price, t.quantity, t.versions.length]).toEqual([1, '58.505', '150', 1]);

    // Five records: five more consumed, 3 duplicates and 2 exceptions, nothing captured.
    const after = await summary();
    const delta = (k: string) => after[k] - before[k];
    expect(['consumed', 'captured', 'amended', 'cancelled', 'stale', 'exceptions', 'duplicates'].map(delta)).toEqual([5, 0, 0, 0, 0, 2, 3]);
  });

  it('duplicate confirmations: the same id again, or the same confirmation under a new id, is a DUPLICATE; the trade is counted confirmed once', async () => {
    const m = tradeMessage({ tradeId: 'LC-DUPCONF-1' });
    const ref = refOf(m);
    await validatedTrade(m, '8775.75');
    const conf = (await rows<{ fields: Fields }>(env.db, `SELECT fields FROM capture.confirmations WHERE trade_ref = $1`, [ref]))[0]!.fields;
    const before = await summary();
    const sameAgain = { ...conf, messageId: randomUUID() };
    const reusedId = { ...conf, quantity: '151' };
    await publishConfirmations([conf, sameAgain, reusedId]);
    expect(await deliveriesOf(CONFIRMATIONS, conf.messageId)).toEqual([
      [1, 'CONFIRMED'],
      [2, 'DUPLICATE'],
      [3, 'EXCEPTION'],
    ]);
    expect(await deliveriesOf(CONFIRMATIONS, sameAgain.messageId)).toEqual([[1, 'DUPLICATE']]);
    const [reused] = await exceptionsOf(String(conf.messageId));
    expect([reused.kind, reused.original, reused.reasons[0].field]).toEqual(['CONFIRMATION', JSON.stringify(reusedId), 'messageId']);
    // Nothing changed on the trade: still validated, its one confirmation matched, not superseded.
    const t = (await trade(ref)).body;
    expect([t.status, t.confirmations.map((c: Wire) => c.status)]).toEqual(['VALIDATED', ['MATCHED']]);
    expect(ofType(ref, 'TradeConfirmed')).toHaveLength(1);

    const after = await summary();
    const r = (k: string) => after.confirmations.receipts[k] - before.confirmations.receipts[k];
    expect(['consumed', 'matchedOnArrival', 'pendingOnArrival', 'exceptions', 'duplicates'].map(r)).toEqual([3, 0, 0, 1, 2]);
    expect([after.confirmations.trades - before.confirmations.trades, after.confirmations.confirmed - before.confirmations.confirmed]).toEqual([0, 0]);
  });

  it('CANCEL v2 → CANCELLED, with TradeCancelled', async () => {
    const v1 = tradeMessage({ tradeId: 'LC-CANCEL-1' });
    const ref = refOf(v1);
    await publishTrades([v1]);
    const cancel = tradeMessage({ tradeId: 'LC-CANCEL-1', version: 2, action: 'CANCEL' });
    await publishTrades([cancel]);
    await expectReceipts({ [String(v1.messageId)]: 'CAPTURED', [String(cancel.messageId)]: 'CANCELLED' });

    const t = (await trade(ref)).body;
    expect([t.status, t.version]).toEqual(['CANCELLED', 2]);
    const cancelled = ofType(ref, 'TradeCancelled');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.payload).toMatchObject({ cancelVersion: 2, status: 'CANCELLED', trade: { tradeRef: ref, version: 1, quantity: '150' } });
    expect(cancelled[0]!.causationId).toBe(cancel.messageId);
    expect(await rows(env.db, `SELECT version, action, outcome FROM capture.trade_versions WHERE trade_ref = $1 ORDER BY version`, [ref])).toEqual([
      { version: 1, action: 'NEW', outcome: 'APPLIED' },
      { version: 2, action: 'CANCEL', outcome: 'APPLIED' },
    ]);
  });

  it('a trade already SETTLED is not amended by a message: the AMEND is a LIFECYCLE exception and the trade is unchanged', async () => {
    const v1 = tradeMessage({ tradeId: 'LC-SETTLED-1' });
    const ref = refOf(v1);
    await validatedTrade(v1, '8775.75');
    const settled = instructionStatusChanged(v1, 'SETTLED', '8775.75');
    await produceRaw(env.prefix, Topics.settlementEvents, [{ key: ref, value: JSON.stringify(settled) }]);
    await waitFor(async () => (await trade(ref)).body.status === 'SETTLED', { timeoutMs: 30_000, intervalMs: 100, what: `${ref} to be mirrored SETTLED` });

    const amend = tradeMessage({ tradeId: 'LC-SETTLED-1', version: 2, action: 'AMEND', quantity: '200' });
    await publishTrades([amend]);
    await expectReceipts({ [String(amend.messageId)]: 'EXCEPTION' });
    const [exc, ...more] = await exceptionsOf(String(amend.messageId));
    expect(more).toEqual([]);
    expect([exc.kind, exc.status, exc.tradeRef, exc.reasons]).toEqual([
      'LIFECYCLE',
      'OPEN',
      ref,
      [{ field: 'action', value: 'AMEND', rule: 'trade already settled: an AMEND after settlement needs an operator (reverse and rebook, or a new trade)' }],
    ]);
    const t = (await trade(ref)).body;
    expect([t.status, t.version, t.quantity, t.versions.length]).toEqual(['SETTLED', 1, '150', 1]);
    expect(ofType(ref, 'TradeAmended')).toEqual([]);
  });

  it('maker-checker: a trade booked by sue (approved by sam) cannot be validated by sue (403); sam validates it (MAKER_CHECKER)', async () => {
    const { supervisor: sam, supervisor2: sue, operator: olivia } = PEOPLE;
    const { messageId: _none, ...body } = tradeMessage({ sourceSystem: 'DESK', tradeId: 'LC-MANUAL-1' });
    const ref = 'DESK:LC-MANUAL-1';
    const approve = `${url}/trades/${encodeURIComponent(ref)}/approve`;
    const booked = await call(env.stack, 'POST', `${url}/trades`, sam, { body, maker: sue });
    expect([booked.status, booked.body.outcome, booked.body.tradeRef, booked.body.maker, booked.body.approvedBy]).toEqual([
      201,
      'CAPTURED',
      ref,
      sue.id,
      sam.id,
    ]);
    const t = (await trade(ref)).body;
    expect([t.status, t.maker, t.origin]).toEqual(['CAPTURED', sue.id, 'MANUAL']);
    expect(t.history.map((h: Wire) => [h.eventType, h.actor, h.detail?.maker ?? null])).toEqual([
      ['TradeCaptured', sue.id, null],
      ['ChangeApproved', sam.id, sue.id],
    ]);

    const bySue = await call(env.stack, 'POST', approve, sue, { maker: olivia });
    expect(bySue.status).toBe(403);
    expect(bySue.body.message).toBe(`maker-checker: ${sue.id} booked or corrected ${ref} and cannot also validate it; a second person must`);
    expect((await trade(ref)).body.status).toBe('CAPTURED');

    const bySam = await call(env.stack, 'POST', approve, sam, { maker: olivia });
    expect([bySam.status, bySam.body]).toEqual([200, { tradeRef: ref, status: 'VALIDATED', validatedBy: sam.id, maker: sue.id }]);
    await eventsSettled(env.db, events);
    const validated = ofType(ref, 'TradeValidated');
    expect(validated).toHaveLength(1);
    expect(validated[0]!.payload).toMatchObject({ how: 'MAKER_CHECKER', validatedBy: sam.id, status: 'VALIDATED', trade: { tradeRef: ref, origin: 'MANUAL' } });
    const after = (await trade(ref)).body;
    expect([after.status, after.validatedBy, after.validatedHow]).toEqual(['VALIDATED', sam.id, 'MAKER_CHECKER']);
    expect(after.history.at(-1)).toMatchObject({ eventType: 'TradeValidated', actor: sam.id, detail: { how: 'MAKER_CHECKER', proposedBy: olivia.id } });
  });

  it('the exceptions queue: replayed as it was → 422 and still OPEN; corrected by sue → REPLAYED, sue its maker; rejected with a comment → REJECTED, then 409', async () => {
    const { supervisor: sam, supervisor2: sue, operator: olivia, operator2: oscar } = PEOPLE;
    const bad = tradeMessage({ tradeId: 'LC-EXC-1', account: 'CLI-9999' });
    const ref = refOf(bad);
    await publishTrades([bad]);
    await expectReceipts({ [String(bad.messageId)]: 'EXCEPTION' });
    const [exc] = await exceptionsOf(String(bad.messageId));
    const reasons = [{ field: 'account', value: 'CLI-9999', rule: 'account unknown to the referential' }];
    expect([exc.kind, exc.status, exc.tradeRef, exc.reasons]).toEqual(['INPUT', 'OPEN', ref, reasons]);
    const id = String(exc.exceptionId);
    const exception = `${url}/exceptions/${id}`;

    const asItWas = await call(env.stack, 'POST', `${exception}/replay`, sam, { body: {}, maker: olivia });
    expect([asItWas.status, asItWas.body.attempt, asItWas.body.problems]).toEqual([422, 1, reasons]);
    const stillOpen = (await call(env.stack, 'GET', exception, olivia)).body;
    expect(stillOpen.status).toBe('OPEN');
    expect(stillOpen.attempts).toMatchObject([{ attempt: 1, by: olivia.id, approvedBy: sam.id, corrected: false, outcome: 'EXCEPTION', problems: reasons }]);
    expect((await trade(ref)).status).toBe(404);

    const corrected = { ...bad, account: 'CLI-0001' };
    const replayed = await call(env.stack, 'POST', `${exception}/replay`, sam, { body: { message: corrected }, maker: sue });
    expect([replayed.status, replayed.body]).toEqual([
      200,
      { exceptionId: id, status: 'REPLAYED', outcome: 'CAPTURED', tradeRef: ref, replayedBy: sue.id, approvedBy: sam.id },
    ]);
    const resolved = (await call(env.stack, 'GET', exception, olivia)).body;
    expect([resolved.status, resolved.resolvedBy, resolved.approvedBy, resolved.attempts.length, JSON.parse(resolved.corrected)]).toEqual([
      'REPLAYED',
      sue.id,
      sam.id,
      2,
      corrected,
    ]);
    const t = (await trade(ref)).body;
    expect([t.status, t.maker, t.account]).toEqual(['CAPTURED', sue.id, 'CLI-0001']);
    await eventsSettled(env.db, events);
    expect(ofType(ref, 'TradeCaptured').map((e) => e.causationId)).toEqual([`${String(bad.messageId)}#replay-2`]);
    // A person corrected it: a second person validates it.
    const bySue = await call(env.stack, 'POST', `${url}/trades/${encodeURIComponent(ref)}/approve`, sue, { maker: olivia });
    expect(bySue.status).toBe(403);

    const other = tradeMessage({ tradeId: 'LC-EXC-2', isin: 'DE0007164600' }); // a valid ISIN the referential does not hold
    await publishTrades([other]);
    await expectReceipts({ [String(other.messageId)]: 'EXCEPTION' });
    const [exc2] = await exceptionsOf(String(other.messageId));
    expect(exc2.reasons).toEqual([{ field: 'isin', value: 'DE0007164600', rule: 'instrument unknown to the referential' }]);
    const id2 = String(exc2.exceptionId);
    const exception2 = `${url}/exceptions/${id2}`;
    expect((await call(env.stack, 'POST', `${exception2}/reject`, sam, { body: {}, maker: oscar })).status).toBe(400);
    const rejected = await call(env.stack, 'POST', `${exception2}/reject`, sam, { body: { comment: 'test message from the FO-EQ UAT' }, maker: oscar });
    expect([rejected.status, rejected.body]).toEqual([200, { exceptionId: id2, status: 'REJECTED', rejectedBy: oscar.id, approvedBy: sam.id }]);
    const gone = (await call(env.stack, 'GET', exception2, oscar)).body;
    expect([gone.status, gone.resolvedBy, gone.approvedBy, gone.comment]).toEqual(['REJECTED', oscar.id, sam.id, 'test message from the FO-EQ UAT']);
    const replayRejected = await call(env.stack, 'POST', `${exception2}/replay`, sam, { body: {}, maker: olivia });
    expect(replayRejected.status).toBe(409);
    expect(replayRejected.body.message).toBe(`exception ${id2} is REJECTED: only an OPEN exception can be replayed or rejected`);
  });

  it('late booking: with 2026-11-26 open, a trade of 2026-11-25 is captured as a late booking; one of 2026-11-27 is an exception', async () => {
    const late = tradeMessage({ tradeId: 'LC-LATE-1', tradeDate: '2026-11-25' });
    const early = tradeMessage({ tradeId: 'LC-EARLY-1', tradeDate: '2026-11-27' });
    await publishTrades([late, early]);
    await expectReceipts({ [String(late.messageId)]: 'CAPTURED', [String(early.messageId)]: 'EXCEPTION' });

    const t = (await trade(refOf(late))).body;
    expect([t.status, t.lateBooking, t.tradeDate, t.settlementDate]).toEqual(['CAPTURED', true, '2026-11-25', '2026-11-27']);
    expect(ofType(refOf(late), 'TradeCaptured')[0]!.payload.trade.lateBooking).toBe(true);
    const [exc] = await exceptionsOf(String(early.messageId));
    expect(exc.reasons).toEqual([{ field: 'tradeDate', value: '2026-11-27', rule: 'after the business date 2026-11-26' }]);
    expect((await trade(refOf(early))).status).toBe(404);
  });

  it('every rule at once: ONE exception lists every broken rule, and keeps the original bytes exactly', async () => {
    // Hand-written (indentation, accents, key order): any re-serialisation would change these bytes.
    const everything = (tradeId: string, isin: string) =>
      `{\n  "messageId": "${randomUUID()}",\n  "sourceSystem": "FO-EQ", "tradeId": "${tradeId}",\t"version": 1, "action": "NEW",\n` +
      `  "executedAt": "2026-11-26T10:15:02.120+01:00", "tradeDate": "2026-11-26", "side": "BUY",\n` +
      `  "isin": "${isin}", "quantity": 150, "price": "58.505", "priceType": "UNIT", "currency": "USD",\n` +
      `  "venue": "XPAR", "account": "CLI-9999", "counterparty": "529900COUNTERPTY0128", "capacity": "AOTC",\n` +
      `  "trader": "Zoë Lefèvre — desk actions"\n}\n`;
    // A: the ISIN's check digit is wrong (…272 for …271), so no instrument is found and its currency cannot be compared.
    const a = everything('LC-RULES-1', 'FR0000120272');
    // B: the ISIN is right (TotalEnergies, EUR): the currency USD is then not the instrument's.
    const b = everything('LC-RULES-2', 'FR0000120271');
    const idOf = (text: string) => String((JSON.parse(text) as Fields).messageId);
    sentIds.add(idOf(a));
    sentIds.add(idOf(b));
    await produceRaw(env.prefix, TRADES, [
      { key: 'FO-EQ:LC-RULES-1', value: a },
      { key: 'FO-EQ:LC-RULES-2', value: b },
    ]);
    await publishTrades([]);
    await expectReceipts({ [idOf(a)]: 'EXCEPTION', [idOf(b)]: 'EXCEPTION' });

    const quantity = { field: 'quantity', value: 150, rule: 'decimal string expected (not-a-string)' };
    const lei = { field: 'counterparty', value: '529900COUNTERPTY0128', rule: 'LEI (ISO 17442) with valid check digits' };
    const account = { field: 'account', value: 'CLI-9999', rule: 'account unknown to the referential' };
    const excA = await exceptionsOf(idOf(a));
    expect(excA).toHaveLength(1);
    expect(excA[0].reasons).toEqual([{ field: 'isin', value: 'FR0000120272', rule: 'ISIN (ISO 6166) with a valid check digit' }, quantity, lei, account]);
    expect([excA[0].originalBase64, excA[0].original]).toEqual([Buffer.from(a, 'utf8').toString('base64'), a]);
    const excB = await exceptionsOf(idOf(b));
    expect(excB).toHaveLength(1);
    expect(excB[0].reasons).toEqual([quantity, lei, account, { field: 'currency', value: 'USD', rule: 'instrument FR0000120271 trades in EUR' }]);
    expect(excB[0].originalBase64).toBe(Buffer.from(b, 'utf8').toString('base64'));
  });

  it('malformed JSON, a JSON array, an oversized message and schemaVersion 2 are each an exception', async () => {
    const malformed = '{"messageId": "8b0d1c1e-0000-4000-8000-00000000a001", "tradeId": "LC-BAD-1", "quantity": ';
    const array = JSON.stringify([tradeMessage({ tradeId: 'LC-BAD-2' })]);
    const oversized = JSON.stringify(tradeMessage({ tradeId: 'LC-BAD-3', trader: 'x'.repeat(70_000) }));
    const v2 = tradeMessage({ tradeId: 'LC-BAD-4', schemaVersion: 2 });
    await publishTrades([
      { positional: { key: 'FO-EQ:LC-BAD-1', value: malformed } },
      { positional: { key: 'FO-EQ:LC-BAD-2', value: array } },
      { positional: { key: 'FO-EQ:LC-BAD-3', value: oversized } },
      v2,
    ]);
    await expectReceipts({ [String(v2.messageId)]: 'EXCEPTION' });

    const m = await exceptionByBytes(malformed);
    expect(m.reasons).toEqual([{ field: '(message)', value: null, rule: expect.stringMatching(/^malformed JSON: /) }]);
    expect((await exceptionByBytes(array)).reasons).toEqual([{ field: '(message)', value: null, rule: 'not a JSON object' }]);
    const big = await exceptionByBytes(oversized);
    expect(big.reasons).toEqual([{ field: '(message)', value: null, rule: `message of ${Buffer.byteLength(oversized)} bytes exceeds 65536` }]);
    expect(big.originalBase64).toBe(Buffer.from(oversized).toString('base64'));
    expect((await exceptionsOf(String(v2.messageId)))[0].reasons).toEqual([{ field: 'schemaVersion', value: 2, rule: 'only schemaVersion 1 is supported' }]);
    // Each positional message has its receipt (identified by topic/partition/offset), as an exception.
    const positionalReceipts = await rows<{ outcome: string }>(
      env.db,
      `SELECT r.outcome FROM capture.receipts r JOIN capture.exceptions e ON e.message_id = r.message_id WHERE e.original = ANY($1)`,
      [[malformed, array, oversized].map((v) => Buffer.from(v))],
    );
    expect(positionalReceipts).toEqual([{ outcome: 'EXCEPTION' }, { outcome: 'EXCEPTION' }, { outcome: 'EXCEPTION' }]);
  });

  it('the confirmations block counts trades where they stand, not receipts: confirmed, pending, mismatched, unconfirmed at close', async () => {
    // 2026-11-26 is open: a trade of that day waits (pending); one of 2026-11-25, a closed day, is unconfirmed at close.
    const early = tradeMessage({ tradeId: 'LC-STAND-EARLY' }); // confirmed by a confirmation that came before it
    const mismatch = tradeMessage({ tradeId: 'LC-STAND-MISMATCH' }); // they confirm 151 where we booked 150
    const waiting = tradeMessage({ tradeId: 'LC-STAND-WAITING' }); // no confirmation yet, its day still open
    const late = tradeMessage({ tradeId: 'LC-STAND-LATE', tradeDate: '2026-11-25' }); // no confirmation, its day closed
    const cancelled = tradeMessage({ tradeId: 'LC-STAND-CANCELLED' }); // cancelled: no longer to confirm
    const before = await summary();
    await publishConfirmations([confirmationMessage(early, { settlementAmount: '8775.75' })]);
    const cancel = tradeMessage({ tradeId: 'LC-STAND-CANCELLED', version: 2, action: 'CANCEL' });
    await publishTrades([early, mismatch, waiting, late, cancelled, cancel]);
    await expectReceipts({
      ...Object.fromEntries([early, mismatch, waiting, late, cancelled].map((m) => [String(m.messageId), 'CAPTURED'])),
      [String(cancel.messageId)]: 'CANCELLED',
    });
    await publishConfirmations([confirmationMessage(mismatch, { quantity: '151', settlementAmount: '8834.26' })]);
    expect((await trade(refOf(early))).body.status).toBe('VALIDATED');
    expect((await trade(refOf(mismatch))).body.status).toBe('CAPTURED');

    const after = await summary();
    const d = (k: string) => after.confirmations[k] - before.confirmations[k];
    // Four live trades: 1 confirmed + 1 pending + 1 mismatched + 1 unconfirmed at close.
    expect(['trades', 'confirmed', 'pending', 'mismatched', 'unconfirmedAtClose', 'validatedWithoutConfirmation'].map(d)).toEqual([4, 1, 1, 1, 1, 0]);
    // On arrival the early confirmation was PENDING (its trade not there yet) and the other an exception: receipts say so, apart.
    const r = (k: string) => after.confirmations.receipts[k] - before.confirmations.receipts[k];
    expect(['consumed', 'matchedOnArrival', 'pendingOnArrival', 'exceptions', 'duplicates'].map(r)).toEqual([2, 0, 1, 1, 0]);
    // Over every trade of this run, the parts add up.
    const c = after.confirmations;
    expect(c.confirmed + c.pending + c.mismatched + c.unconfirmedAtClose + c.validatedWithoutConfirmation).toBe(c.trades);
  });

  it('the count identity: records published = captured + amended + cancelled + stale + exceptions + duplicates = receipts of trades.executed.v1', async () => {
    await waitFor(() => groupCaughtUp(`${env.prefix}.capture.trades-executed`, physicalTopic(env.prefix, TRADES)), {
      timeoutMs: 30_000,
      what: 'capture to consume every trades.executed.v1 record',
    });
    const published = sentIds.size + positional + repeats;
    const s = await summary();
    expect(s.captured + s.amended + s.cancelled + s.stale + s.exceptions + s.duplicates).toBe(published);
    expect(s.consumed).toBe(published);
    expect(await receiptCount(env.db, TRADES)).toBe(published);
    // And each outcome is the one every test above asserted.
    const tally: Record<string, number> = { CAPTURED: 0, AMENDED: 0, CANCELLED: 0, STALE: 0, EXCEPTION: positional, DUPLICATE: 0 };
    for (const outcome of [...expectedOutcome.values(), ...repeatOutcomes]) tally[outcome] = (tally[outcome] ?? 0) + 1;
    expect(expectedOutcome.size + positional + repeatOutcomes.length).toBe(published);
    expect([s.captured, s.amended, s.cancelled, s.stale, s.exceptions, s.duplicates]).toEqual([
      tally.CAPTURED,
      tally.AMENDED,
      tally.CANCELLED,
      tally.STALE,
      tally.EXCEPTION,
      tally.DUPLICATE,
    ]);
    // On confirmations.received.v1 as well: every record read has one receipt, and the parts add up.
    const c = s.confirmations.receipts;
    expect(c.consumed).toBe(confirmationsSent);
    expect(c.matchedOnArrival + c.pendingOnArrival + c.exceptions + c.duplicates).toBe(confirmationsSent);
    expect(await receiptCount(env.db, CONFIRMATIONS)).toBe(confirmationsSent);
    // Every event went out once: no eventId twice on trade.events.v1.
    await eventsSettled(env.db, events);
    const ids = events.messages.map((m) => m.event.eventId);
    expect(new Set(ids).size).toBe(ids.length);

    // capture.intake.v1 announces each consumer batch of trades.executed.v1 once, its records counted by
    // outcome: summed over the batches, the counts per outcome are the receipts per outcome, so a reader
    // counts executions received = captured + amended + cancelled + stale + exceptions + duplicates: a
    // record sent again counts once as its own DUPLICATE or EXCEPTION, and the operator's replays and
    // corrections of the exceptions queue above add nothing.
    await eventsSettled(env.db, intake);
    const announced = intake.messages.map((m) => m.event);
    expect(new Set(announced.map((e) => e.eventId)).size).toBe(announced.length);
    const batches = announced.filter((e) => e.type === 'ExecutionsReceived');
    expect(new Set(announced.map((e) => e.type))).toEqual(new Set(['ExecutionsReceived', 'IntakeExceptionRaised']));
    const OUTCOMES = ['CAPTURED', 'AMENDED', 'CANCELLED', 'STALE', 'EXCEPTION', 'DUPLICATE'];
    const announcedOf = (o: string) => batches.reduce((a, e) => a + (e.payload.outcomes[o] ?? 0), 0);
    const receipted = await rows<{ outcome: string; n: number }>(
      env.db,
      `SELECT outcome, count(*)::int AS n FROM capture.receipts WHERE topic = $1 GROUP BY outcome`,
      [TRADES],
    );
    const receiptsOf = (o: string) => receipted.find((r) => r.outcome === o)?.n ?? 0;
    expect(OUTCOMES.map(announcedOf)).toEqual(OUTCOMES.map(receiptsOf));
    expect(OUTCOMES.map(announcedOf)).toEqual([tally.CAPTURED, tally.AMENDED, tally.CANCELLED, tally.STALE, tally.EXCEPTION, tally.DUPLICATE]);
    expect(batches.reduce((a, e) => a + e.payload.records, 0)).toBe(published);
    // Each batch's records are the sum of its counts (how many batches the records fell into depends on the fetches, not asserted).
    for (const e of batches) expect(e.payload.records).toBe(Object.values(e.payload.outcomes as Record<string, number>).reduce((a, n) => a + n, 0));
    // Dated by capture's business day; keyed by, and named after, the batch's first record (its receipt).
    expect(new Set(batches.map((e) => e.payload.businessDate))).toEqual(new Set([TRADE_DATE]));
    const firstReceipts = await rows<{ position: string; message_id: string; delivery: number }>(
      env.db,
      `SELECT position, message_id, delivery FROM capture.receipts WHERE topic = $1 AND position = ANY($2)`,
      [TRADES, batches.map((e) => e.payload.first)],
    );
    expect(firstReceipts).toHaveLength(batches.length);
    const intakeMessages = intake.messages.filter((m) => m.event.type === 'ExecutionsReceived');
    for (const m of intakeMessages) {
      const r = firstReceipts.find((x) => x.position === m.event.payload.first)!;
      expect([m.key, m.event.eventId]).toEqual([r.message_id, deterministicId('ExecutionsReceived', TRADES, r.message_id, String(r.delivery))]);
    }
    for (const m of intake.messages.filter((x) => x.event.type === 'IntakeExceptionRaised')) expect(m.key).toBe(m.event.payload.messageId);
    // One IntakeExceptionRaised per exception held, whatever its input, with its kind and every reason (field and rule, not the value).
    const held = await rows<{ exception_id: string; kind: string; reasons: Array<{ field: string; rule: string }> }>(
      env.db,
      `SELECT exception_id::text, kind, reasons FROM capture.exceptions`,
    );
    const raised = announced.filter((e) => e.type === 'IntakeExceptionRaised');
    expect(raised.map((e) => e.payload.exceptionId).sort()).toEqual(held.map((h) => h.exception_id).sort());
    for (const e of raised) {
      const h = held.find((x) => x.exception_id === e.payload.exceptionId)!;
      expect([e.payload.kind, e.payload.reasons]).toEqual([h.kind, h.reasons.map((r) => ({ field: r.field, rule: r.rule }))]);
      expect([TRADES, CONFIRMATIONS]).toContain(e.payload.sourceTopic);
    }
    expect(new Set(raised.map((e) => e.payload.kind))).toEqual(new Set(['INPUT', 'LIFECYCLE', 'CONFIRMATION']));
  });

  it('the close of the day marks it on each of the 6 partitions of trade.events.v1, after every trade event captured before it', async () => {
    await eventsSettled(env.db, events);
    const before = events.messages.length;
    expect(events.messages.filter((m) => m.event.type === PARTITION_DAY_CLOSED)).toEqual([]);
    await produceRaw(env.prefix, Topics.businessDay, [{ key: 'TARGET', value: JSON.stringify(businessDay('BusinessDayClosed', TRADE_DATE)) }]);
    await waitFor(
      async () =>
        (await rows(env.db, `SELECT 1 FROM capture.business_day WHERE calendar = 'TARGET' AND business_date = $1 AND status = 'CLOSED'`, [TRADE_DATE]))
          .length === 1,
      { timeoutMs: 30_000, what: `capture to close ${TRADE_DATE}` },
    );
    await eventsSettled(env.db, events);
    // What the close wrote: the unconfirmed trades, then one marker per partition.
    const written = events.messages.slice(before);
    expect(written.map((m) => m.event.type).sort()).toEqual(['UnconfirmedTradesAtClose', ...Array(6).fill(PARTITION_DAY_CLOSED)].sort());
    const markers = written.filter((m) => m.event.type === PARTITION_DAY_CLOSED).sort((a, b) => a.partition - b.partition);
    expect(markers.map((m) => [m.partition, m.event.payload])).toEqual(
      [0, 1, 2, 3, 4, 5].map((partition) => [partition, { calendar: 'TARGET', businessDate: TRADE_DATE, partition, partitions: 6 }]),
    );
    for (const m of markers) {
      expect(m.event).toMatchObject({
        eventId: deterministicId(PARTITION_DAY_CLOSED, Topics.tradeEvents, 'TARGET', TRADE_DATE, String(m.partition)),
        producer: 'capture',
        correlationId: `business-day:${TRADE_DATE}`,
      });
      // Every trade event of the partition, all captured before the close, is before its marker.
      const others = events.messages.filter((x) => x.partition === m.partition && x.event.type !== PARTITION_DAY_CLOSED);
      expect(others.length).toBeGreaterThan(0);
      // Events bound for one partition may share a record: the reading order, not the offset, places them.
      expect(others.filter((x) => events.messages.indexOf(x) > events.messages.indexOf(m))).toEqual([]);
    }
    // The trade events captured before the close are on every partition: each marker follows some of them.
    expect(new Set(events.messages.slice(0, before).map((m) => m.partition)).size).toBe(6);
  });

  it('after the close, the next business day is counted on the imported TARGET: with Friday 2026-11-27 closed there, trades of Monday 30 Nov are taken, those of 1 Dec refused', async () => {
    // 2026-11-26 is closed (previous test). The kernel's TARGET would make Friday 27 Nov the next business day.
    const calendars = [
      {
        code: 'TARGET',
        description: 'TARGET2 with a market closure',
        weekend: [0, 6],
        holidays: [
          { date: '2026-01-01', name: "New Year's Day" },
          { date: '2026-04-03', name: 'Good Friday' },
          { date: '2026-04-06', name: 'Easter Monday' },
          { date: '2026-05-01', name: 'Labour Day' },
          { date: '2026-11-27', name: 'Market closure' },
          { date: '2026-12-25', name: 'Christmas Day' },
        ],
      },
    ];
    const imported = await call(env.stack, 'POST', `${url}/referential/import`, PEOPLE.supervisor, { body: { calendars }, maker: PEOPLE.operator });
    expect([imported.status, imported.body.calendars]).toEqual([200, { created: 1, changed: 0, unchanged: 0 }]);

    // Closed Thu 26, closure Fri 27, weekend 28–29: the next open day is Monday 30 Nov.
    const monday = tradeMessage({ tradeId: 'LC-CAL-MON', tradeDate: '2026-11-30' });
    const tuesday = tradeMessage({ tradeId: 'LC-CAL-TUE', tradeDate: '2026-12-01' });
    await publishTrades([monday, tuesday]);
    await expectReceipts({ [String(monday.messageId)]: 'CAPTURED', [String(tuesday.messageId)]: 'EXCEPTION' });

    // Monday 30 Nov T+2 on the imported TARGET: Tuesday 1, Wednesday 2 Dec.
    const t = (await trade(refOf(monday))).body;
    expect([t.status, t.lateBooking, t.tradeDate, t.settlementDate]).toEqual(['CAPTURED', false, '2026-11-30', '2026-12-02']);
    const [exc] = await exceptionsOf(String(tuesday.messageId));
    expect(exc.reasons).toEqual([{ field: 'tradeDate', value: '2026-12-01', rule: 'after the business date 2026-11-30' }]);
    expect((await trade(refOf(tuesday))).status).toBe(404);
  });
});
