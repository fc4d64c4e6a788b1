import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  isPartitionDayClosed,
  PARTITION_DAY_CLOSED,
  physicalTopic,
  Topics,
  type CashStatementV1,
  type EventEnvelope,
  type HoldingsStatementV1,
  type InstructionStatusChangedV1,
  type PenaltyAccruedV1,
  type TradeEconomics,
} from '@postera/contracts';
import { parseCamt053, parseSemt002 } from '@postera/iso20022';
import { deterministicId } from '@postera/kernel';
import { PEOPLE } from '@postera/devstack';
import type { Person } from '@postera/platform';
import {
  accountUpserted,
  businessDay,
  consumeAll,
  instructionIdOf,
  instrumentUpserted,
  produceRaw,
  tradeAmended,
  tradeEconomics,
  tradeValidated,
  waitFor,
} from '@postera/testing';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// Settlement and the simulated CSD as built processes on the real broker and database. One
// business week: trades of Thu 26 Nov 2026 settle on Mon 30 Nov (T+2 on TARGET); the CSD's
// scenario (MARKET_SIM_RULES) fails Sanofi for three days with CLAC, settles BNP Paribas partly,
// never matches L'Oréal (DMON), and matches one counterparty's instructions two business days late
// (then failing two days, LACK). Prices are fixed (volatility 0) so the penalties are exact.
jest.setTimeout(300_000);

const TRADE_DATE = '2026-11-26';
const ISD = '2026-11-30';
const CPTY = '529900COUNTERPTY0129';
const TTE = 'FR0000120271'; // TotalEnergies
const BNP = 'FR0000131104';
const SAN = 'FR0000120578'; // Sanofi
const OR = 'FR0000120321'; // L'Oréal
const LATE_CPTY = '529900LATEMATCH00042'; // instructs late: the CSD matches our instructions with it two business days after their date

/** The CSD's scenario for the week: for each aspect (matching, settlement) the first rule that applies wins. */
const SCENARIO = [
  { counterparty: LATE_CPTY, outcome: 'LATE_MATCH', reason: 'CMIS', days: 2 },
  { counterparty: LATE_CPTY, outcome: 'FAIL', reason: 'LACK', days: 2 },
  { isin: SAN, outcome: 'FAIL', reason: 'CLAC', days: 3 },
  { isin: BNP, outcome: 'PARTIAL', reason: 'LACK', days: 1 },
  { isin: OR, outcome: 'UNMATCHED', reason: 'DMON' },
];

// The shared worked example (buy 150 TotalEnergies at 58.505 EUR for CLI-0003), with the standing
// settlement instructions of both sides the CSD matches on.
const trade = (ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics =>
  tradeEconomics(ref, {
    tradeDate: TRADE_DATE,
    settlementDate: ISD,
    counterparty: CPTY,
    ssis: {
      account: { owner: 'CLI-0003', placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'EF-10003', cashAccount: 'FR76-0003', agentBic: 'BNPAFRPPXXX' },
      counterparty: { owner: CPTY, placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'EF-99129', cashAccount: null, agentBic: null },
    },
    ...o,
  });
const validated = (t: TradeEconomics) => tradeValidated(t);
const amended = tradeAmended;
const day = (type: 'BusinessDayOpened' | 'BusinessDayClosed', businessDate: string) => businessDay(type, businessDate);
const id = (ref: string, version = 1) => instructionIdOf(ref, version);

// A: settles on its date. P: partial then complete. F: fails three days (CLAC). U: never matched (DMON).
// N1/N2: opposite trades of a netting account. C1→C2: amended before settlement.
const A = trade('FO-EQ:SD-A');
const P = trade('FO-EQ:SD-P', { isin: BNP, quantity: '1000', netAmount: '61234.50' });
// Sanofi, 135 shares: each fail day 135 × 90.17 (published as 90.1700, four decimals) × 0.0001 (liquid share, 1 bp) = 1.217295 → 1.22 EUR (half-up), receivable (CLAC).
const F = trade('FO-EQ:SD-F', { isin: SAN, quantity: '135', netAmount: '12173.00' });
const U = trade('FO-EQ:SD-U', { isin: OR, quantity: '10', netAmount: '3801.20' });
const NET_ACCOUNT = 'PROP-NET';
const N1 = trade('FO-EQ:SD-N1', { account: NET_ACCOUNT, book: 'PROP-EQ', ssis: { account: null, counterparty: null } });
// Sell 100 at 58.505: gross 5850.50 − fees 5.85 → receives 5844.65. Net: receive 50 against paying 8784.53 − 5844.65 = 2939.88.
const N2 = trade('FO-EQ:SD-N2', {
  account: NET_ACCOUNT,
  book: 'PROP-EQ',
  side: 'SELL',
  quantity: '100',
  netAmount: '5844.65',
  ssis: { account: null, counterparty: null },
});
const C1 = trade('FO-EQ:SD-C');
const C2 = { ...C1, version: 2, quantity: '100', netAmount: '5856.35' };
// L: 200 Sanofi bought from LATE_CPTY for Mon 30 Nov, matched at the close of Wed 2 Dec, then failing 2 and 3 Dec (LACK).
// Each day 200 × 90.17 × 0.0001 (liquid share, 1 bp) = 1.8034 → 1.80 EUR (half-up).
const L = trade('FO-EQ:SD-L', {
  isin: SAN,
  quantity: '200',
  price: '90.17',
  grossAmount: '18034.00',
  feesAmount: '18.03',
  netAmount: '18052.03',
  fees: [{ type: 'COMMISSION', amount: '18.03', currency: 'EUR' }],
  account: 'CLI-0004',
  clientId: 'CL-0004',
  counterparty: LATE_CPTY,
  ssis: {
    account: { owner: 'CLI-0004', placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'EF-10004', cashAccount: 'FR76-0004', agentBic: 'BNPAFRPPXXX' },
    counterparty: { owner: LATE_CPTY, placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'EF-99142', cashAccount: null, agentBic: null },
  },
});

describe('settlement and delivery, on the real broker and database', () => {
  let env: E2eEnv;
  const publish = (topic: string, ...events: EventEnvelope[]) =>
    produceRaw(
      env.prefix,
      topic,
      events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e) })),
    );
  const caughtUp = (consumer: string, topic: string) =>
    waitFor(() => groupCaughtUp(`${env.prefix}.settlement.${consumer}`, physicalTopic(env.prefix, topic)), {
      timeoutMs: 60_000,
      what: `settlement.${consumer}`,
    });
  const row = async (instructionId: string) =>
    (
      await env.db.query(
        `SELECT status, reason, quantity::text AS q, settled_quantity::text AS sq, settled_amount::text AS sa, net_instruction_id AS net FROM settlement.instructions WHERE instruction_id = $1`,
        [instructionId],
      )
    ).rows[0] as { status: string; reason: string | null; q: string; sq: string | null; sa: string | null; net: string | null } | undefined;
  const matchedDate = async (instructionId: string) =>
    (
      (await env.db.query(`SELECT to_char(matched_date, 'YYYY-MM-DD') AS d FROM settlement.instructions WHERE instruction_id = $1`, [instructionId]))
        .rows[0] as { d: string | null }
    ).d;
  const waitStatus = (instructionId: string, status: string) =>
    waitFor(async () => (await row(instructionId))?.status === status, { timeoutMs: 60_000, what: `${instructionId} ${status}` });
  const historyOf = async (instructionId: string) =>
    (await env.db.query(`SELECT status, reason FROM settlement.instruction_history WHERE instruction_id = $1 ORDER BY seq`, [instructionId])).rows.map(
      (r: { status: string; reason: string | null }) => (r.reason ? `${r.status}:${r.reason}` : r.status),
    );
  /** Closes `d` and opens `next`; returns once the CSD and settlement have applied everything the close produced. */
  const closeDay = async (d: string, next: string) => {
    await publish(Topics.businessDay, day('BusinessDayClosed', d), day('BusinessDayOpened', next));
    await waitFor(
      async () => (await env.db.query(`SELECT 1 FROM market_sim.business_day WHERE business_date = $1 AND status = 'OPEN'`, [next])).rowCount === 1,
      { timeoutMs: 60_000, what: `the CSD to open ${next}` },
    );
    await waitFor(
      async () => (await env.db.query(`SELECT 1 FROM settlement.business_day WHERE business_date = $1 AND status = 'OPEN'`, [next])).rowCount === 1,
      { timeoutMs: 60_000, what: `settlement to open ${next}` },
    );
    await new Promise((r) => setTimeout(r, 600)); // the outbox relays' time to publish what the closes wrote
    await caughtUp('trade-events', Topics.tradeEvents);
    await caughtUp('custodian-status', Topics.custodianStatus);
    await caughtUp('prices', Topics.prices);
  };
  /** A call to settlement as the gateway would make it for `who` (the checker, when `maker` names the proposer of a four-eyes change). */
  const call = async (who: Person, method: string, path: string, o: { body?: unknown; maker?: Person } = {}) => {
    const url = `${env.stack.url('settlement')}${path}`;
    const auth = await env.stack.as(who, method, url, o.maker ? { maker: o.maker } : undefined);
    return fetch(url, {
      method,
      headers: { ...auth, ...(o.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    });
  };
  const getJson = async (path: string, who: Person = PEOPLE.operator) => {
    const res = await call(who, 'GET', path);
    expect(res.status).toBe(200);
    return res.json();
  };
  /** The monthly penalties report's lines of one counterparty. */
  const monthly = async (month: string, counterparty: string) =>
    ((await getJson(`/penalties/monthly?month=${month}`)) as { byCounterparty: Array<{ counterparty: string }> }).byCounterparty.filter(
      (r) => r.counterparty === counterparty,
    );
  /**
   * The events of settlement.events.v1 with their place, the day markers included. Events bound
   * for one partition may travel packed in one record, so an event's place on its partition is
   * its rank in the reading order (a partition is read in order, a record's events in theirs),
   * not its record's offset.
   */
  const settlementRecords = async (n: number, timeoutMs = 20_000) =>
    (await consumeAll(physicalTopic(env.prefix, Topics.settlementEvents), { expected: n, timeoutMs, settleMs: 800 })).map((m, rank) => ({
      partition: m.partition,
      rank,
      event: JSON.parse(m.value) as EventEnvelope,
    }));
  /** The trades' events on settlement.events.v1: the day markers are no trade's. */
  const settlementEvents = async (n: number) => (await settlementRecords(n)).map((r) => r.event).filter((e) => !isPartitionDayClosed(e));

  /** The simulated CSD's scenario route, called as the gateway calls it for an operator. */
  const scenario = async (method: 'GET' | 'PUT', body?: unknown) => {
    const url = `${env.stack.url('market-sim')}/scenario`;
    const res = await fetch(url, {
      method,
      headers: { ...(await env.stack.as(PEOPLE.operator, method, url)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    env = await e2eEnv('settlement-delivery', {
      basePort: 4800,
      smtpUrl: 'smtp://127.0.0.1:1',
      services: ['settlement', 'market-sim'],
      serviceEnv: {
        'market-sim': {
          MARKET_SIM_SEED: 'settlement-and-delivery',
          // The start-up scenario; the test then sets the one it runs under through PUT /scenario.
          MARKET_SIM_RULES: JSON.stringify(SCENARIO.slice(0, 2)),
          MARKET_SIM_FAIL_RATE: '0.5',
          MARKET_SIM_PRICES: `${SAN}=90.17,${TTE}=58.50`,
          MARKET_SIM_PRICE_VOLATILITY: '0',
        },
      },
    });
    await env.stack.startAll();
    // The week's scenario, set while the CSD runs, as a tester does through the gateway: it replaces the start-up one (rules and fail rate).
    const set = await scenario('PUT', { rules: SCENARIO });
    expect(set.status).toBe(200);
    await publish(
      Topics.refdataAccounts,
      accountUpserted({ account: NET_ACCOUNT, book: 'PROP-EQ', clientId: 'PROP', clientName: 'Proprietary', netting: true }),
    );
    await publish(Topics.refdataInstruments, instrumentUpserted(SAN, 'Sanofi'));
    await publish(Topics.businessDay, day('BusinessDayOpened', TRADE_DATE));
    await waitFor(async () => (await env.db.query(`SELECT 1 FROM settlement.accounts WHERE account = $1 AND netting`, [NET_ACCOUNT])).rowCount === 1, {
      timeoutMs: 60_000,
      what: 'settlement to learn the netting account',
    });
    // Both sides open the trade date before the first instruction: a matching on receipt is dated by the CSD's open day.
    for (const schema of ['settlement', 'market_sim'])
      await waitFor(
        async () => (await env.db.query(`SELECT 1 FROM ${schema}.business_day WHERE business_date = $1 AND status = 'OPEN'`, [TRADE_DATE])).rowCount === 1,
        {
          timeoutMs: 60_000,
          what: `${schema} to open ${TRADE_DATE}`,
        },
      );
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('the CSD follows the scenario set while it runs: shown with who set it; a rule the schema refuses is 400 with every problem, nothing changed', async () => {
    const shown = await scenario('GET');
    expect(shown).toEqual({
      status: 200,
      body: { rules: SCENARIO, failRate: 0, setBy: { updatedBy: PEOPLE.operator.id, updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) } },
    });
    const refused = await scenario('PUT', {
      rules: [
        { isin: SAN, outcome: 'FAIL', reason: 'CMIS' },
        { outcome: 'LATE_MATCH', days: 0 },
      ],
      failRate: 2,
      note: 'x',
    });
    expect(refused.status).toBe(400);
    expect((refused.body.problems as string[]).sort()).toEqual(
      [
        '(body): Unrecognized key: "note"',
        'failRate: Too big: expected number to be <=1',
        'rules.0: reason: UNMATCHED and LATE_MATCH take CMIS, DMON, DDAT, DEPT, DELN or DDEA; FAIL and PARTIAL take LACK, CLAC, MONY or CMON',
        'rules.1: days: LATE_MATCH takes 1 or more business days',
      ].sort(),
    );
    expect((await scenario('GET')).body.rules).toEqual(SCENARIO);
  });

  it('instructs each validated trade as a sese.023 the CSD reads back; holds the netting account’s trades; cancels and replaces after an amendment', async () => {
    await publish(Topics.tradeEvents, validated(A), validated(P), validated(F), validated(U), validated(N1), validated(N2), validated(C1), validated(L));
    for (const t of [A, P, F, C1]) await waitStatus(id(t.tradeRef), 'MATCHED');
    await waitStatus(id(U.tradeRef), 'UNMATCHED');
    await waitStatus(id(L.tradeRef), 'UNMATCHED');
    expect(await row(id(U.tradeRef))).toMatchObject({ status: 'UNMATCHED', reason: 'DMON' });
    expect(await row(id(L.tradeRef))).toMatchObject({ status: 'UNMATCHED', reason: 'CMIS' });
    expect(await historyOf(id(A.tradeRef))).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED']);
    // Matched on receipt, on the trade date: the CSD's MACH says so (MtchdStsTmStmp) and the instruction keeps it.
    expect(await matchedDate(id(A.tradeRef))).toBe(TRADE_DATE);
    expect(await matchedDate(id(L.tradeRef))).toBeNull();
    // The CSD stored what the sese.023 said: our safekeeping account from the SSI, the partial indicator.
    const { rows } = await env.db.query(
      `SELECT safekeeping_account, partial_indicator, cash_direction FROM market_sim.instructions WHERE instruction_id = $1`,
      [id(A.tradeRef)],
    );
    expect(rows).toEqual([{ safekeeping_account: 'EF-10003', partial_indicator: 'PART', cash_direction: 'DBIT' }]);
    // Netting account: held, nothing at the CSD yet.
    expect(await historyOf(id(N1.tradeRef))).toEqual(['CREATED:HELD_FOR_NETTING']);
    expect((await env.db.query(`SELECT 1 FROM market_sim.instructions WHERE account = $1`, [NET_ACCOUNT])).rowCount).toBe(0);

    await publish(Topics.tradeEvents, amended(C1, C2), validated(C2));
    await waitStatus(id(C1.tradeRef, 2), 'MATCHED');
    expect(await historyOf(id(C1.tradeRef))).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED', 'CANCELLED:TRADE_AMENDED']);
    await waitFor(
      async () =>
        (await env.db.query(`SELECT status FROM market_sim.instructions WHERE instruction_id = $1`, [id(C1.tradeRef)])).rows[0]?.status === 'CANCELLED',
      {
        timeoutMs: 30_000,
        what: 'the CSD to cancel v1',
      },
    );
  });

  it('nets the opposite trades at the close before the settlement date: one RVP of 50 against 2,939.88, the gross trades linked', async () => {
    await closeDay(TRADE_DATE, '2026-11-27');
    expect((await row(id(N1.tradeRef)))!.status).toBe('CREATED'); // 30 Nov is not the next business day after 26 Nov
    await closeDay('2026-11-27', ISD);
    const n1 = await row(id(N1.tradeRef));
    expect(n1!.net).not.toBeNull();
    expect((await row(id(N2.tradeRef)))!.net).toBe(n1!.net);
    await waitStatus(n1!.net!, 'MATCHED');
    const { rows } = await env.db.query(
      `SELECT instruction_type, side, quantity::text AS q, settlement_amount::text AS amount, partial_indicator, is_net FROM settlement.instructions WHERE instruction_id = $1`,
      [n1!.net],
    );
    expect(rows).toEqual([{ instruction_type: 'RVP', side: 'BUY', q: '50', amount: '2939.88', partial_indicator: 'NPAR', is_net: true }]);
    expect((await row(id(N1.tradeRef)))!.status).toBe('MATCHED');
  });

  it('at the close of the settlement date: A and the net settle, P settles partly, F fails (CLAC), U stays unmatched', async () => {
    await closeDay(ISD, '2026-12-01');
    await waitStatus(id(A.tradeRef), 'SETTLED');
    expect(await row(id(A.tradeRef))).toMatchObject({ sq: '150', sa: '8784.53' });
    for (const t of [N1, N2]) await waitStatus(id(t.tradeRef), 'SETTLED');
    expect(await row(id(N2.tradeRef))).toMatchObject({ sq: '100', sa: '5844.65' }); // each gross trade with its own figures

    const p = (await row(id(P.tradeRef)))!;
    expect(p.status).toBe('FAILING'); // the partial step, then the remainder pending
    expect(p.reason).toBe('LACK');
    const settled = Number(p.sq);
    expect(settled).toBeGreaterThanOrEqual(250); // 25 % to 75 % of 1,000
    expect(settled).toBeLessThanOrEqual(750);
    expect(await historyOf(id(P.tradeRef))).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED', 'PARTIALLY_SETTLED:PAIN', 'FAILING:LACK']);

    expect(await row(id(F.tradeRef))).toMatchObject({ status: 'FAILING', reason: 'CLAC' });
    expect(await row(id(U.tradeRef))).toMatchObject({ status: 'UNMATCHED', reason: 'DMON' });

    // One event per gross trade of the net, each naming the net instruction.
    const events = await settlementEvents(40);
    const netted = events.filter(
      (e) =>
        e.type === 'InstructionStatusChanged' &&
        (e.payload as InstructionStatusChangedV1).status === 'SETTLED' &&
        (e.payload as InstructionStatusChangedV1).netInstructionId,
    );
    expect(netted.map((e) => [(e.payload as InstructionStatusChangedV1).tradeRef, (e.payload as InstructionStatusChangedV1).stepQuantity]).sort()).toEqual([
      [N1.tradeRef, '150'],
      [N2.tradeRef, '100'],
    ]);
    expect(events.some((e) => (e.payload as { tradeRef: string }).tradeRef.startsWith('NET:'))).toBe(false);
  });

  it('the partial settlement completes the next day: settled = 1,000, the two steps add up to the instruction', async () => {
    await closeDay('2026-12-01', '2026-12-02');
    await waitStatus(id(P.tradeRef), 'SETTLED');
    expect(await row(id(P.tradeRef))).toMatchObject({ sq: '1000', sa: '61234.5' });
    const steps = (await settlementEvents(50))
      .filter((e) => (e.payload as InstructionStatusChangedV1).tradeRef === P.tradeRef && (e.payload as InstructionStatusChangedV1).stepQuantity)
      .map((e) => e.payload as InstructionStatusChangedV1);
    expect(steps.map((s) => s.status)).toEqual(['PARTIALLY_SETTLED', 'SETTLED']);
    expect(Number(steps[0]!.stepQuantity) + Number(steps[1]!.stepQuantity)).toBe(1000);
    expect(((Number(steps[0]!.stepAmount) * 100 + Number(steps[1]!.stepAmount) * 100) / 100).toFixed(2)).toBe('61234.50');
  });

  it('a fail of three business days: three SEFP of 1.22 EUR receivable, the fails list, buy-in flag, and settlement on the fourth day', async () => {
    await closeDay('2026-12-02', '2026-12-03');
    // The day's price (marketdata.prices.v1) and the fail advice travel separately: the penalty is computed when both are in.
    await waitFor(
      async () => (await env.db.query(`SELECT 1 FROM settlement.penalties WHERE trade_ref = $1 AND amount IS NOT NULL`, [F.tradeRef])).rowCount === 3,
      { timeoutMs: 30_000, what: 'three penalty days accrued' },
    );
    const fails = (await getJson('/fails?asOf=2026-12-02')) as {
      fails: Array<{
        tradeRef: string;
        status: string;
        reason: string;
        ageBusinessDays: number;
        penaltiesAccrued: Array<{ currency: string; receivable: string | null }>;
      }>;
    };
    const f = fails.fails.find((x) => x.tradeRef === F.tradeRef)!;
    // Failed on 30 Nov, 1 Dec and 2 Dec: 3 business days; 3 × 1.22 = 3.66 EUR receivable.
    expect(f).toMatchObject({
      status: 'FAILING',
      reason: 'CLAC',
      ageBusinessDays: 3,
      penaltiesAccrued: [{ currency: 'EUR', receivable: '3.66', payable: null }],
    });
    expect(fails.fails.find((x) => x.tradeRef === U.tradeRef)).toMatchObject({ status: 'UNMATCHED', reason: 'DMON', ageBusinessDays: 3 });

    const { rows } = await env.db.query(
      `SELECT to_char(penalty_date, 'YYYY-MM-DD') AS d, kind, direction, basis_quantity::text AS basis, reference_price::text AS price, rate::text AS rate, amount::text AS amount
       FROM settlement.penalties WHERE trade_ref = $1 ORDER BY penalty_date`,
      [F.tradeRef],
    );
    const sefp = (d: string) => ({ d, kind: 'SEFP', direction: 'RECEIVABLE', basis: '135', price: '90.1700', rate: '0.0001', amount: '1.22' });
    expect(rows).toEqual([sefp('2026-11-30'), sefp('2026-12-01'), sefp('2026-12-02')]);
    const accrued = (await settlementEvents(60))
      .filter((e) => e.type === 'PenaltyAccrued' && (e.payload as PenaltyAccruedV1).tradeRef === F.tradeRef)
      .map((e) => e.payload as PenaltyAccruedV1);
    expect(accrued.map((p) => [p.tradeRef, p.penaltyDate, p.amount, p.currency])).toEqual([
      [F.tradeRef, '2026-11-30', '1.22', 'EUR'],
      [F.tradeRef, '2026-12-01', '1.22', 'EUR'],
      [F.tradeRef, '2026-12-02', '1.22', 'EUR'],
    ]);
    // Monthly report per counterparty: November one day, December two (the late-matching counterparty has its own lines, below).
    expect(await monthly('2026-11', CPTY)).toEqual([
      { counterparty: CPTY, currency: 'EUR', count: 1, receivable: '1.22', payable: '0.00', net: '1.22', sefp: 1, lmfp: 0 },
    ]);
    expect(await monthly('2026-12', CPTY)).toEqual([
      { counterparty: CPTY, currency: 'EUR', count: 2, receivable: '2.44', payable: '0.00', net: '2.44', sefp: 2, lmfp: 0 },
    ]);

    // Buy-in: proposed by an operator, approved by a supervisor; both are recorded.
    expect((await call(PEOPLE.supervisor, 'POST', `/fails/${id(F.tradeRef)}/buy-in`, { maker: PEOPLE.operator })).status).toBe(201);
    expect(
      (
        await env.db.query(`SELECT operator, checker FROM settlement.instruction_history WHERE instruction_id = $1 AND reason = 'BUY_IN_FLAGGED'`, [
          id(F.tradeRef),
        ])
      ).rows,
    ).toEqual([{ operator: PEOPLE.operator.id, checker: PEOPLE.supervisor.id }]);
    expect(
      (await env.db.query(`SELECT buy_in_flagged_by, buy_in_approved_by FROM settlement.instructions WHERE instruction_id = $1`, [id(F.tradeRef)])).rows,
    ).toEqual([{ buy_in_flagged_by: PEOPLE.operator.id, buy_in_approved_by: PEOPLE.supervisor.id }]);

    await closeDay('2026-12-03', '2026-12-04');
    await waitStatus(id(F.tradeRef), 'SETTLED');
    expect((await env.db.query(`SELECT count(*)::int AS n FROM settlement.penalties WHERE trade_ref = $1`, [F.tradeRef])).rows[0].n).toBe(3);
    expect(await row(id(U.tradeRef))).toMatchObject({ status: 'UNMATCHED' });
  });

  it('matched two business days late (ISD Mon 30 Nov, MACH dated Wed 2 Dec), then failing 2 and 3 Dec: LMFP 30 Nov and 1 Dec, SEFP 2 and 3 Dec, never both for a day', async () => {
    // The closes of 30 Nov to 3 Dec ran above: the CSD matched L at the close of 2 Dec and failed it (LACK) that day and the next.
    await waitFor(
      async () => (await env.db.query(`SELECT 1 FROM settlement.penalties WHERE trade_ref = $1 AND amount IS NOT NULL`, [L.tradeRef])).rowCount === 4,
      { timeoutMs: 30_000, what: 'two LMFP and two SEFP days accrued for the late-matched trade' },
    );
    expect(await historyOf(id(L.tradeRef))).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'UNMATCHED:CMIS', 'MATCHED', 'FAILING:LACK', 'FAILING:LACK']);
    expect(await matchedDate(id(L.tradeRef))).toBe('2026-12-02');
    const penalties = async () =>
      (
        await env.db.query(
          `SELECT to_char(penalty_date, 'YYYY-MM-DD') AS d, kind, direction, fail_reason AS reason, basis_quantity::text AS basis, reference_price::text AS price,
             rate::text AS rate, amount::text AS amount FROM settlement.penalties WHERE trade_ref = $1 ORDER BY penalty_date, kind`,
          [L.tradeRef],
        )
      ).rows;
    // LMFP (the counterparty's instruction was missing, CMIS: receivable) for 30 Nov and 1 Dec, each 200 × 90.17 × 0.0001 = 1.8034 → 1.80;
    // SEFP (we lack the securities, LACK: payable) for 2 Dec, the matching date, and 3 Dec, the same figures.
    const day = (d: string, kind: string, direction: string, reason: string) => ({
      d,
      kind,
      direction,
      reason,
      basis: '200',
      price: '90.1700',
      rate: '0.0001',
      amount: '1.80',
    });
    const expected = [
      day('2026-11-30', 'LMFP', 'RECEIVABLE', 'CMIS'),
      day('2026-12-01', 'LMFP', 'RECEIVABLE', 'CMIS'),
      day('2026-12-02', 'SEFP', 'PAYABLE', 'LACK'),
      day('2026-12-03', 'SEFP', 'PAYABLE', 'LACK'),
    ];
    expect(await penalties()).toEqual(expected);

    // Announced on settlement.events.v1: the matching with its date, each penalty day once.
    const events = await settlementEvents(90);
    const mine = events.filter((e) => (e.payload as { tradeRef: string }).tradeRef === L.tradeRef);
    expect(
      mine
        .filter((e) => e.type === 'InstructionStatusChanged' && (e.payload as InstructionStatusChangedV1).status === 'MATCHED')
        .map((e) => (e.payload as InstructionStatusChangedV1).matchedDate),
    ).toEqual(['2026-12-02']);
    expect(
      mine
        .filter((e) => e.type === 'PenaltyAccrued')
        .map((e) => [(e.payload as PenaltyAccruedV1).kind, (e.payload as PenaltyAccruedV1).penaltyDate, (e.payload as PenaltyAccruedV1).amount])
        // One batch's accruals come in penalty-id order: by day here.
        .sort((a, b) => a[1]!.localeCompare(b[1]!)),
    ).toEqual([
      ['LMFP', '2026-11-30', '1.80'],
      ['LMFP', '2026-12-01', '1.80'],
      ['SEFP', '2026-12-02', '1.80'],
      ['SEFP', '2026-12-03', '1.80'],
    ]);

    // The monthly report counts late matching: November 1 LMFP (1.80 receivable); December 1 LMFP (1.80 receivable)
    // and 2 SEFP (3.60 payable), net 1.80 − 3.60 = −1.80.
    expect(await monthly('2026-11', LATE_CPTY)).toEqual([
      { counterparty: LATE_CPTY, currency: 'EUR', count: 1, receivable: '1.80', payable: '0.00', net: '1.80', sefp: 0, lmfp: 1 },
    ]);
    expect(await monthly('2026-12', LATE_CPTY)).toEqual([
      { counterparty: LATE_CPTY, currency: 'EUR', count: 3, receivable: '1.80', payable: '3.60', net: '-1.80', sefp: 2, lmfp: 1 },
    ]);
    // The fails list and the instruction show the matching date; the accrued penalties include the late matching.
    const fails = (await getJson('/fails?asOf=2026-12-03')) as { fails: Array<Record<string, unknown>> };
    expect(fails.fails.find((x) => x.tradeRef === L.tradeRef)).toMatchObject({
      status: 'FAILING',
      reason: 'LACK',
      intendedSettlementDate: ISD,
      matchedDate: '2026-12-02',
      ageBusinessDays: 4,
      penaltiesAccrued: [{ currency: 'EUR', receivable: '3.60', payable: '3.60' }],
    });
    expect(await getJson(`/instructions/by-trade/${encodeURIComponent(L.tradeRef)}`)).toMatchObject({ matchedDate: '2026-12-02', status: 'FAILING' });

    // The CSD's MACH delivered again (a new event id, the same document): nothing is charged twice, the matching date stays.
    const mach = (await consumeAll(physicalTopic(env.prefix, Topics.custodianStatus), { expected: 10_000, timeoutMs: 5_000 }))
      .map((m) => JSON.parse(m.value) as EventEnvelope<{ instructionId: string; status: string }>)
      .find((e) => e.payload.instructionId === id(L.tradeRef) && e.payload.status === 'MACH')!;
    await publish(Topics.custodianStatus, { ...mach, eventId: deterministicId('redelivered', mach.eventId) });
    await caughtUp('custodian-status', Topics.custodianStatus);
    expect(await penalties()).toEqual(expected);
    expect(await matchedDate(id(L.tradeRef))).toBe('2026-12-02');
  });

  it('a penalty waived by two people with a reason: out of the monthly report, once, and announced for accounting to reverse', async () => {
    const [first] = (await env.db.query(`SELECT penalty_id FROM settlement.penalties WHERE trade_ref = $1 AND penalty_date = '2026-12-01'`, [F.tradeRef]))
      .rows as Array<{ penalty_id: string }>;
    const path = `/penalties/${first!.penalty_id}/waive`;
    const reason = { reason: 'counterparty fail excused by the CSD (system outage)' };
    expect((await fetch(`${env.stack.url('settlement')}${path}`, { method: 'POST' })).status).toBe(401);
    expect((await call(PEOPLE.operator, 'POST', path, { body: reason })).status).toBe(403); // one person is not enough
    expect((await call(PEOPLE.supervisor, 'POST', path, { body: {}, maker: PEOPLE.operator })).status).toBe(400);
    expect((await call(PEOPLE.supervisor, 'POST', path, { body: reason, maker: PEOPLE.operator })).status).toBe(201);
    expect((await call(PEOPLE.supervisor2, 'POST', path, { body: reason, maker: PEOPLE.operator2 })).status).toBe(409);
    expect((await env.db.query(`SELECT waived_by, waiver_approved_by FROM settlement.penalties WHERE penalty_id = $1`, [first!.penalty_id])).rows).toEqual([
      { waived_by: PEOPLE.operator.id, waiver_approved_by: PEOPLE.supervisor.id },
    ]);
    // December: one day left (1.22), where there were two (2.44).
    expect(await monthly('2026-12', CPTY)).toEqual([
      { counterparty: CPTY, currency: 'EUR', count: 1, receivable: '1.22', payable: '0.00', net: '1.22', sefp: 1, lmfp: 0 },
    ]);
    const waived = (await settlementEvents(80)).filter((e) => e.type === 'PenaltyWaived').map((e) => e.payload as Record<string, unknown>);
    expect(waived).toEqual([
      expect.objectContaining({
        penaltyId: first!.penalty_id,
        tradeRef: F.tradeRef,
        amount: '1.22',
        currency: 'EUR',
        direction: 'RECEIVABLE',
        waivedBy: PEOPLE.operator.id,
      }),
    ]);
  });

  it('who may call: a gateway-signed token for settlement and this request, the right roles, and two people for a fail action, spent once', async () => {
    const path = `/fails/${id(U.tradeRef)}/buy-in`; // records only: nothing goes to the CSD
    const url = `${env.stack.url('settlement')}${path}`;
    const flagged = async () =>
      (
        await env.db.query(
          `SELECT h.operator, h.checker, i.buy_in_flagged_by AS "flaggedBy" FROM settlement.instructions i
           LEFT JOIN settlement.instruction_history h ON h.instruction_id = i.instruction_id AND h.reason = 'BUY_IN_FLAGGED' WHERE i.instruction_id = $1`,
          [id(U.tradeRef)],
        )
      ).rows;
    const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers });
    // No token; a token for another service; a token minted for another path.
    expect((await post({})).status).toBe(401);
    expect((await post(await env.stack.gatewayKey.headers('capture', 'POST', url, PEOPLE.supervisor, { maker: PEOPLE.operator }))).status).toBe(401);
    const elsewhere = `${env.stack.url('settlement')}/fails/${id(A.tradeRef)}/buy-in`;
    expect((await post(await env.stack.as(PEOPLE.supervisor, 'POST', elsewhere, { maker: PEOPLE.operator }))).status).toBe(401);
    // One operator alone, an auditor, one person as maker and checker: refused, nothing recorded.
    expect((await call(PEOPLE.operator, 'POST', path)).status).toBe(403);
    expect((await call(PEOPLE.auditor, 'POST', path)).status).toBe(403);
    expect((await call(PEOPLE.supervisor, 'POST', path, { maker: PEOPLE.supervisor })).status).toBe(403);
    expect(await flagged()).toEqual([{ operator: null, checker: null, flaggedBy: null }]);
    // An approved proposal: applied once; the same token again is a replay.
    const approved = await env.stack.as(PEOPLE.supervisor2, 'POST', url, { maker: PEOPLE.operator2 });
    expect((await post(approved)).status).toBe(201);
    expect((await post(approved)).status).toBe(409);
    expect(await flagged()).toEqual([{ operator: PEOPLE.operator2.id, checker: PEOPLE.supervisor2.id, flaggedBy: PEOPLE.operator2.id }]);
    // Cancel and re-instruct, approved: both people on the cancelled instruction's row and on the new instruction's.
    const reinstructed = await call(PEOPLE.supervisor, 'POST', `/fails/${id(U.tradeRef)}/cancel-and-reinstruct`, { maker: PEOPLE.operator });
    expect(reinstructed.status).toBe(201);
    const fresh = ((await reinstructed.json()) as { instructionId: string; by: string; approvedBy: string }).instructionId;
    const people = async (instructionId: string) =>
      (
        await env.db.query(
          `SELECT status, reason, operator, checker FROM settlement.instruction_history WHERE instruction_id = $1 AND operator IS NOT NULL ORDER BY seq`,
          [instructionId],
        )
      ).rows;
    const both = { operator: PEOPLE.operator.id, checker: PEOPLE.supervisor.id };
    expect((await people(id(U.tradeRef))).at(-1)).toEqual({ status: 'CANCELLED', reason: 'REINSTRUCTED', ...both });
    expect(await people(fresh)).toEqual([
      { status: 'CREATED', reason: `REINSTRUCTS_${id(U.tradeRef)}`, ...both },
      { status: 'SENT', reason: null, ...both },
    ]);
    // Reference prices: one operator alone (an empty import is refused on its content, past the guard); an auditor may not.
    expect((await call(PEOPLE.auditor, 'POST', '/reference-prices', { body: [] })).status).toBe(403);
    expect((await call(PEOPLE.operator, 'POST', '/reference-prices', { body: [] })).status).toBe(400);
    // Reads: every reader and admin.
    for (const who of [PEOPLE.operator, PEOPLE.supervisor, PEOPLE.auditor, PEOPLE.admin]) expect((await call(who, 'GET', '/summary')).status).toBe(200);
  });

  it('the CSD’s statements at each close: semt.002 holdings and camt.053 cash, read back from their XML', async () => {
    const statements = (await consumeAll(physicalTopic(env.prefix, Topics.custodianStatements), { expected: 10, timeoutMs: 20_000, settleMs: 1000 })).map(
      (m) => JSON.parse(m.value) as EventEnvelope,
    );
    const holdings = statements.filter((s) => s.type === 'HoldingsStatement').map((s) => s.payload as HoldingsStatementV1);
    const last = holdings.filter((h) => h.account === 'CLI-0003' && h.statementDate === '2026-12-03')[0]!;
    const parsed = parseSemt002(last.xml);
    // CLI-0003 received 150 TTE (A), 100 TTE (C v2), 1,000 BNP (P, in two steps), 135 SAN (F, on 3 Dec); L'Oréal never settled.
    expect(parsed.holdings.map(({ isin, quantity }) => ({ isin, quantity }))).toEqual(
      [
        { isin: SAN, quantity: '135' },
        { isin: TTE, quantity: '250' },
        { isin: BNP, quantity: '1000' },
      ].sort((a, b) => a.isin.localeCompare(b.isin)),
    );
    expect(parsed.safekeepingAccount).toBe('EF-10003');
    const cash = statements.filter((s) => s.type === 'CashStatement').map((s) => s.payload as CashStatementV1);
    const onIsd = parseCamt053(cash.find((c) => c.account === 'CLI-0003' && c.statementDate === ISD)!.xml).statements[0]!;
    // 30 Nov: A paid 8,784.53, C v2 paid 5,856.35, and P's first step.
    expect(onIsd.openingBalance).toBe('0.00'); // written at the euro's two decimals
    expect(onIsd.entries.map((e) => e.tradeRef).sort()).toEqual([A.tradeRef, C1.tradeRef, P.tradeRef].sort());
    expect(onIsd.entries.every((e) => e.amount.startsWith('-'))).toBe(true);
    const sum = onIsd.entries.reduce((s, e) => s + Math.round(Number(e.amount) * 100), 0);
    expect(Math.round(Number(onIsd.closingBalance) * 100)).toBe(sum);
  });

  it('the fails and a day’s penalties page by keyset with `after`: every row once, in order, a cursor that left the list still good; 400 on a bad limit or cursor, 404 on an unknown one', async () => {
    // Last, as it adds rows: more fails than a page, each its own trade copied from F, on dates and references among the real ones.
    const AS_OF = '2026-12-04';
    const PENALTY_DATE = '2026-12-03';
    const extra = Array.from({ length: 11 }, (_, i) => ({ ref: `FO-EQ:SD-${'BKMTVZ'[i % 6]}${i}`, isd: ['2026-11-27', ISD, '2026-12-01'][i % 3]! }));
    const added: string[] = [];
    for (const x of extra) {
      const { rows } = await env.db.query(
        `INSERT INTO settlement.instructions
         SELECT (jsonb_populate_record(NULL::settlement.instructions, to_jsonb(i) || jsonb_build_object(
           'instruction_id', gen_random_uuid(), 'trade_ref', $2::text, 'intended_settlement_date', $3::text, 'status', 'FAILING', 'reason', 'LACK',
           'seq', 1, 'settled_quantity', NULL, 'settled_amount', NULL, 'effective_settlement_date', NULL,
           'buy_in_flagged_by', NULL, 'buy_in_approved_by', NULL, 'buy_in_flagged_at', NULL))).*
         FROM settlement.instructions i WHERE instruction_id = $1 RETURNING instruction_id`,
        [id(F.tradeRef), x.ref, x.isd],
      );
      added.push((rows[0] as { instruction_id: string }).instruction_id);
    }
    // Each new fail's two penalties of the day, copied from L's; a third of them under L's reference, as a re-instructed
    // trade's are (the same reference, another instruction): ties of reference and kind that the penalty id breaks.
    const [model] = (await env.db.query(`SELECT penalty_id FROM settlement.penalties WHERE trade_ref = $1 AND penalty_date = $2`, [L.tradeRef, PENALTY_DATE]))
      .rows as Array<{ penalty_id: string }>;
    for (const [i, instructionId] of added.entries())
      for (const kind of ['SEFP', 'LMFP'])
        await env.db.query(
          `INSERT INTO settlement.penalties
           SELECT (jsonb_populate_record(NULL::settlement.penalties, to_jsonb(p) || jsonb_build_object(
             'penalty_id', gen_random_uuid(), 'instruction_id', $2::uuid, 'trade_ref', $3::text, 'kind', $4::text, 'waived_by', NULL, 'waiver_approved_by', NULL))).*
           FROM settlement.penalties p WHERE penalty_id = $1`,
          [model!.penalty_id, instructionId, i % 3 === 0 ? L.tradeRef : extra[i]!.ref, kind],
        );

    /** Every page of a list, `limit` rows at a time, each page's cursor the last id of the one before. */
    const walk = async (path: string, rowsOf: (body: never) => Array<Record<string, unknown>>, key: string, limit: number) => {
      const seen: string[] = [];
      for (let after: string | undefined, i = 0; i < 100; i++) {
        const ids = rowsOf((await getJson(`${path}&limit=${limit}${after ? `&after=${after}` : ''}`)) as never).map((r) => r[key] as string);
        expect(ids.length).toBeLessThanOrEqual(limit);
        seen.push(...ids);
        if (ids.length < limit) break;
        after = ids.at(-1);
      }
      return seen;
    };

    // The fails: by intended date, trade reference, instruction id.
    const failIds = async () =>
      (
        await env.db.query(
          `SELECT instruction_id AS id FROM settlement.instructions
           WHERE status IN ('FAILING', 'PARTIALLY_SETTLED', 'UNMATCHED', 'MATCHED', 'ACCEPTED', 'SENT') AND intended_settlement_date <= $1 AND net_instruction_id IS NULL
           ORDER BY intended_settlement_date, trade_ref, instruction_id`,
          [AS_OF],
        )
      ).rows.map((r: { id: string }) => r.id);
    const fails = await failIds();
    expect(fails).toEqual(expect.arrayContaining([...added, id(L.tradeRef)]));
    expect(fails.length).toBeGreaterThan(12);
    type Fails = { asOf: string; fails: Array<{ instructionId: string; intendedSettlementDate: string }> };
    expect(await walk(`/fails?asOf=${AS_OF}`, (b: Fails) => b.fails, 'instructionId', 4)).toEqual(fails);
    expect(await walk(`/fails?asOf=${AS_OF}`, (b: Fails) => b.fails, 'instructionId', 5)).toEqual(fails);
    // One page without `limit`: all of them (up to the default), the same order; `asOf` kept.
    const whole = (await getJson(`/fails?asOf=${AS_OF}`)) as Fails;
    expect(whole.asOf).toBe(AS_OF);
    expect(whole.fails.map((f) => f.instructionId)).toEqual(fails);
    const dates = whole.fails.map((f) => f.intendedSettlementDate);
    expect(dates).toEqual([...dates].sort());
    // A fail that settles after its page was read is still the cursor for the next page, which does not shift.
    const first = (await getJson(`/fails?asOf=${AS_OF}&limit=4`)) as Fails;
    const last = first.fails.at(-1)!.instructionId;
    await env.db.query(`UPDATE settlement.instructions SET status = 'SETTLED' WHERE instruction_id = $1`, [last]);
    expect(((await getJson(`/fails?asOf=${AS_OF}&limit=4&after=${last}`)) as Fails).fails.map((f) => f.instructionId)).toEqual(fails.slice(4, 8));
    expect(await failIds()).toEqual(fails.filter((f) => f !== last));

    // The day's penalties: by trade reference, kind, penalty id; waived ones included.
    const penaltyIds = (
      await env.db.query(`SELECT penalty_id AS id FROM settlement.penalties WHERE penalty_date = $1 ORDER BY trade_ref, kind, penalty_id`, [PENALTY_DATE])
    ).rows.map((r: { id: string }) => r.id);
    expect(penaltyIds.length).toBe(2 * added.length + 1);
    type Daily = { date: string; penalties: Array<{ penaltyId: string; tradeRef: string; kind: string }> };
    expect(await walk(`/penalties/daily?date=${PENALTY_DATE}`, (b: Daily) => b.penalties, 'penaltyId', 3)).toEqual(penaltyIds);
    const day3 = (await getJson(`/penalties/daily?date=${PENALTY_DATE}`)) as Daily;
    expect(day3.date).toBe(PENALTY_DATE);
    expect(day3.penalties.map((p) => p.penaltyId)).toEqual(penaltyIds);
    // L's reference carries its own SEFP and four more: the ties the penalty id orders.
    expect(day3.penalties.filter((p) => p.tradeRef === L.tradeRef && p.kind === 'SEFP')).toHaveLength(5);

    const status = async (path: string) => (await call(PEOPLE.operator, 'GET', path)).status;
    // The month's report pages by counterparty, whole: the new fails' penalties spread over four counterparties, one of
    // them in two currencies, so a page holds both its lines.
    for (const [i, instructionId] of added.entries())
      await env.db.query(`UPDATE settlement.penalties SET counterparty = $2, currency = $3 WHERE instruction_id = $1`, [
        instructionId,
        `PAGING-CP-${i % 4}`,
        i === 1 ? 'USD' : 'EUR',
      ]);
    type Monthly = { month: string; byCounterparty: Array<{ counterparty: string; currency: string }>; awaitingReferencePrice: number };
    const december = (await getJson('/penalties/monthly?month=2026-12')) as Monthly;
    const counterparties = (m: Monthly) => [...new Set(m.byCounterparty.map((r) => r.counterparty))];
    expect(counterparties(december)).toEqual(expect.arrayContaining(['PAGING-CP-0', 'PAGING-CP-1', 'PAGING-CP-2', 'PAGING-CP-3']));
    expect(december.byCounterparty.filter((r) => r.counterparty === 'PAGING-CP-1').map((r) => r.currency)).toEqual(['EUR', 'USD']);
    const monthPages: Monthly[] = [];
    for (let after: string | undefined, i = 0; i < 100; i++) {
      const page = (await getJson(`/penalties/monthly?month=2026-12&limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`)) as Monthly;
      monthPages.push(page);
      if (counterparties(page).length < 2) break;
      after = counterparties(page).at(-1);
    }
    expect(monthPages.map(counterparties).flat()).toEqual(counterparties(december));
    expect(monthPages.flatMap((p) => p.byCounterparty)).toEqual(december.byCounterparty);
    expect(monthPages.map((p) => [p.month, p.awaitingReferencePrice])).toEqual(monthPages.map(() => ['2026-12', december.awaitingReferencePrice]));
    expect(await status(`/penalties/monthly?month=2026-12&limit=0`)).toBe(400);
    expect(await status(`/penalties/monthly?month=2026-12&limit=2001`)).toBe(400);

    // A bad limit or a malformed cursor: 400; a well-formed cursor naming nothing (or a penalty of another day): 404.
    const nobody = '00000000-0000-4000-8000-000000000000';
    const [otherDay] = (await env.db.query(`SELECT penalty_id FROM settlement.penalties WHERE trade_ref = $1 AND penalty_date = $2`, [F.tradeRef, ISD]))
      .rows as Array<{ penalty_id: string }>;
    expect(await status(`/fails?asOf=${AS_OF}&limit=0`)).toBe(400);
    expect(await status(`/fails?asOf=${AS_OF}&limit=1001`)).toBe(400);
    expect(await status(`/fails?asOf=${AS_OF}&after=not-an-id`)).toBe(400);
    expect(await status(`/fails?asOf=${AS_OF}&after=${nobody}`)).toBe(404);
    expect(await status(`/penalties/daily?date=${PENALTY_DATE}&limit=0`)).toBe(400);
    expect(await status(`/penalties/daily?date=${PENALTY_DATE}&limit=abc`)).toBe(400);
    expect(await status(`/penalties/daily?date=${PENALTY_DATE}&after=not-an-id`)).toBe(400);
    expect(await status(`/penalties/daily?date=${PENALTY_DATE}&after=${nobody}`)).toBe(404);
    expect(await status(`/penalties/daily?date=${PENALTY_DATE}&after=${otherDay!.penalty_id}`)).toBe(404);
  });

  it('each day the CSD closed is marked on every partition of settlement.events.v1, once, after the settlements of that day', async () => {
    const days = [TRADE_DATE, '2026-11-27', ISD, '2026-12-01', '2026-12-02', '2026-12-03'];
    const records = await settlementRecords(10_000, 5_000); // all of it: the outboxes were published at each close
    const markers = records.filter((r) => r.event.type === PARTITION_DAY_CLOSED);
    const csdMarkerIds = (d: string) => [0, 1, 2, 3, 4, 5].map((p) => deterministicId(PARTITION_DAY_CLOSED, Topics.custodianStatus, 'TARGET', d, String(p)));
    for (const d of days) {
      const ofDay = markers.filter((r) => (r.event.payload as { businessDate: string }).businessDate === d).sort((a, b) => a.partition - b.partition);
      expect(ofDay.map((r) => [r.partition, r.event.producer, r.event.payload])).toEqual(
        [0, 1, 2, 3, 4, 5].map((partition) => [partition, 'settlement', { calendar: 'TARGET', businessDate: d, partition, partitions: 6 }]),
      );
      // Caused by the simulated CSD's own marker of that day.
      for (const r of ofDay) expect(csdMarkerIds(d)).toContain(r.event.causationId);
      // Every step the CSD settled on that day is before the day's marker on its partition.
      const settledThatDay = records.filter(
        (r) =>
          r.event.type === 'InstructionStatusChanged' &&
          (r.event.payload as InstructionStatusChangedV1).stepQuantity &&
          (r.event.payload as InstructionStatusChangedV1).effectiveSettlementDate === d,
      );
      for (const r of settledThatDay) expect(r.rank).toBeLessThan(ofDay[r.partition]!.rank);
    }
    expect(markers).toHaveLength(days.length * 6);
    // The closes of ISD, 1 Dec and 3 Dec settled something: the order is checked on real steps.
    expect(
      records.filter((r) => r.event.type === 'InstructionStatusChanged' && (r.event.payload as InstructionStatusChangedV1).stepQuantity).length,
    ).toBeGreaterThan(5);
  });
});
