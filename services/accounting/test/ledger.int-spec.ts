import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  envelope,
  physicalTopic,
  Topics,
  type AccountRefV1,
  type EventEnvelope,
  type HoldingsStatementV1,
  type CashStatementV1,
  type PenaltyAccruedV1,
  type TtfAssessedV1,
} from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { accountUpserted, consumeAll, waitFor } from '@postera/testing';
import { readFileSync } from 'node:fs';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { PEOPLE } from '@postera/devstack';
import type { Person } from '@postera/platform';
import { captured, cancelled, checkFec, dayClosed, fxRate, markDay, party, publish, signedFetch, step, trade } from './builders.js';

// Accounting as a built process on the real broker and database: partial settlements,
// realized P&L by FIFO, trade-date recognition, penalties, TTF, FX revaluation across two closes,
// reconciliations from statement XML (clean and with planted breaks), the break workflow, the FEC,
// and the journal writer role that cannot update or delete the journal.
jest.setTimeout(300_000);

const fixture = (p: string) => readFileSync(new URL(`./fixtures/statements/${p}`, import.meta.url), 'utf8');

describe('accounting ledger, positions, FX and reconciliations on the real broker and database', () => {
  let env: E2eEnv;
  const url = (path: string) => `${env.stack.url('accounting')}${path}`;
  // Every call as the gateway signs it: an operator's unless said.
  const fetch = (u: string, init?: RequestInit, who?: Person, fourEyes?: { maker: Person }) => signedFetch(env.stack, u, init, who, fourEyes);
  const get = async <T>(path: string): Promise<T> => {
    const r = await fetch(url(path));
    expect(r.status).toBe(200);
    return (await r.json()) as T;
  };
  const send = (topic: string, events: EventEnvelope[], key?: (e: EventEnvelope) => string) => publish(env.prefix, topic, events, key);
  const lines = async (ref: string, kind?: string) =>
    (
      await env.db.query(
        `SELECT l.account_code AS code, l.debit::numeric(20, 2)::text AS debit, l.credit::numeric(20, 2)::text AS credit FROM accounting.journal_entries e
         JOIN accounting.journal_lines l USING (entry_id) WHERE e.trade_ref = $1 AND ($2::text IS NULL OR e.kind = $2) ORDER BY e.posted_seq, l.line_no`,
        [ref, kind ?? null],
      )
    ).rows.map((r: { code: string; debit: string; credit: string }) => [r.code, r.debit, r.credit]);
  // An entry as the journal holds it, apart from its identity: kind, accounting date and lines.
  const entries = async (ref: string) => {
    const { rows } = await env.db.query(
      `SELECT e.entry_id, e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS date FROM accounting.journal_entries e WHERE e.trade_ref = $1 ORDER BY e.posted_seq`,
      [ref],
    );
    return Promise.all(
      rows.map(async (e: { entry_id: string; kind: string; date: string }) => ({
        kind: e.kind,
        date: e.date,
        lines: (
          await env.db.query(
            `SELECT account_code AS code, debit::numeric(20, 2)::text AS debit, credit::numeric(20, 2)::text AS credit FROM accounting.journal_lines WHERE entry_id = $1 ORDER BY line_no`,
            [e.entry_id],
          )
        ).rows.map((l: { code: string; debit: string; credit: string }) => [l.code, l.debit, l.credit]),
      })),
    );
  };
  const balance = async (ref: string, code: string) =>
    (
      await env.db.query(
        `SELECT coalesce(sum(l.debit - l.credit), 0)::numeric(20, 2)::text AS b FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id)
         WHERE e.trade_ref LIKE $1 AND l.account_code = $2`,
        [ref, code],
      )
    ).rows[0].b as string;
  const account = (a: Partial<AccountRefV1> & { account: string; book: string }): EventEnvelope => accountUpserted(a);

  beforeAll(async () => {
    env = await e2eEnv('accounting-ledger', { basePort: 4900, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
    await send(Topics.refdataAccounts, [
      account({ account: 'CLI-0003', book: 'CLIENT-EQ', accountType: 'CLIENT', clientId: 'CL-0003' }),
      account({ account: 'PROP-01', book: 'PROP-EQ', accountingCategory: 'PLACEMENT', costMethod: 'FIFO' }),
    ]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  // REC-1: buy 100 FR0000120271 at 58.00 (gross 5800.00, fees 5.80, net 5805.80), settled 60 then 40.
  // REC-2: buy 200 FR0000131104 at 10.00 (gross 2000.00, no fees), settled whole on 27 Nov.
  const REC1 = trade('FO-EQ:REC-1');
  const REC2 = trade('FO-EQ:REC-2', {
    isin: 'FR0000131104',
    quantity: '200',
    price: '10.00',
    grossAmount: '2000.00',
    feesAmount: '0.00',
    netAmount: '2000.00',
    fees: [],
    settlementDate: '2026-11-27',
  });

  it('a partial settlement posts its share: 60 of 100 → securities 3480.00, fees 3.48, nostro 3483.48; the positions show both views', async () => {
    await send(Topics.tradeEvents, [captured(REC1), captured(REC2)]);
    await send(Topics.settlementEvents, [
      step(REC2, { status: 'SETTLED' }),
      step(REC1, { status: 'PARTIALLY_SETTLED', stepQuantity: '60', stepAmount: '3483.48', settledQuantity: '60' }),
    ]);
    expect(await lines(REC1.tradeRef, 'SETTLEMENT')).toEqual([
      ['903900', '3480.00', '0.00'],
      ['903100', '0.00', '3480.00'],
      ['311000', '3480.00', '0.00'],
      ['622000', '3.48', '0.00'],
      ['512000', '0.00', '3483.48'],
    ]);
    const { rows } = await env.db.query(`SELECT status, settled_quantity::text AS q FROM accounting.trades WHERE trade_ref = $1`, [REC1.tradeRef]);
    expect(rows).toEqual([{ status: 'PARTIALLY_SETTLED', q: '60' }]);
    // The cost view moves when the day is costed. A buy costs its consideration: no re-costing entry.
    await markDay(env.prefix, '2026-11-30');
    expect(await lines('POSITION:CLI-0003:FR0000120271', 'RECOSTING')).toEqual([]);
    expect(await lines('POSITION:CLI-0003:FR0000131104', 'RECOSTING')).toEqual([]);
    const positions =
      await get<Array<{ isin: string; tradeDateQuantity: string; settlementDateQuantity: string; cost: { quantity: string; cost: string } }>>(
        '/positions/CLI-0003?asOf=2026-11-30',
      );
    expect(positions.map((p) => [p.isin, p.tradeDateQuantity, p.settlementDateQuantity, p.cost.quantity, p.cost.cost])).toEqual([
      ['FR0000120271', '100', '60', '60', '3480.00'],
      ['FR0000131104', '200', '200', '200', '2000.00'],
    ]);
    // A page at a time by ISIN: the first line, then the one after it, then nothing.
    const isins = async (q: string) => (await get<Array<{ isin: string }>>(`/positions/CLI-0003?asOf=2026-11-30&${q}`)).map((p) => p.isin);
    expect(await isins('limit=1')).toEqual(['FR0000120271']);
    expect(await isins('limit=1&after=FR0000120271')).toEqual(['FR0000131104']);
    expect(await isins('limit=1&after=FR0000131104')).toEqual([]);
  });

  it('statements from the custodian that agree give runs without breaks (semt.002 SETT basis, camt.053)', async () => {
    const holdings: HoldingsStatementV1 = {
      statementId: 'SEMT-1',
      account: 'CLI-0003',
      safekeepingAccount: 'SAFE-CLI-0003',
      statementDate: '2026-11-30',
      basis: 'SETT',
      holdings: [],
      xml: fixture('ok/semt002-sett.xml'),
    };
    const cash: CashStatementV1 = {
      statementId: 'CAMT-1',
      account: 'CLI-0003',
      cashAccount: 'CASH-CLI-0003-EUR',
      currency: 'EUR',
      statementDate: '2026-11-30',
      openingBalance: '-2000.00',
      closingBalance: '-5483.48',
      entries: [],
      xml: fixture('ok/camt053-eur.xml'),
    };
    await send(Topics.custodianStatements, [
      envelope({ type: 'HoldingsStatement', producer: 'market-sim', correlationId: 'CLI-0003', causationId: null, payload: holdings }),
      envelope({ type: 'CashStatement', producer: 'market-sim', correlationId: 'CLI-0003', causationId: null, payload: cash }),
    ]);
    const runs = (await env.db.query(`SELECT kind, subject, rows_checked, matched, breaks, errors FROM accounting.recon_runs ORDER BY started_at`)).rows;
    expect(runs).toEqual([
      { kind: 'HOLDINGS', subject: 'CLI-0003', rows_checked: 2, matched: 2, breaks: 0, errors: [] },
      { kind: 'CASH', subject: 'CLI-0003:EUR', rows_checked: 2, matched: 2, breaks: 0, errors: [] },
    ]);
  });

  it('statements with planted breaks: each break names the field, both values and the difference; a bad row is reported, the run goes on', async () => {
    const holdings: HoldingsStatementV1 = {
      statementId: 'SEMT-2',
      account: 'CLI-0003',
      safekeepingAccount: 'SAFE-CLI-0003',
      statementDate: '2026-11-30',
      basis: 'SETT',
      holdings: [],
      xml: fixture('not-ok/semt002-planted-breaks.xml'),
    };
    await send(Topics.custodianStatements, [
      envelope({ type: 'HoldingsStatement', producer: 'market-sim', correlationId: 'CLI-0003', causationId: null, payload: holdings }),
    ]);
    const cashUpload = await fetch(url('/reconciliations/statements?account=CLI-0003'), {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: fixture('not-ok/camt053-planted-breaks.xml'),
    });
    expect(cashUpload.status).toBe(200);
    const cashRun = (await cashUpload.json()) as { breaks: Array<Record<string, unknown>>; errors: unknown[] };
    expect(cashRun.breaks.map((b) => [b.item, b.field, b.ours, b.theirs, b.difference])).toEqual([
      ['account', 'closingBalance', '-5483.48', '-5483.84', '0.36'],
      ['FO-EQ:REC-1', 'movement.amount', '-3483.48', '-3483.84', '0.36'],
      ['FO-EQ:UNKNOWN-9', 'movement (missing in our books)', null, '120', '-120'],
    ]);
    expect(cashRun.errors).toEqual([
      {
        row: 3,
        problem: 'Document/BkToCstmrStmt/Stmt/Ntry[3]/Amt (line 96): -5.00: amounts and quantities are unsigned, the sign is given by another element',
      },
      { row: 0, problem: 'Document/BkToCstmrStmt/Stmt (line 8): opening -2000.00 + booked entries -3363.84 = -5363.84, closing is -5483.84 (gap -120)' },
    ]);

    const open = await get<
      Array<{
        breakId: string;
        kind: string;
        item: string;
        field: string;
        ours: string | null;
        theirs: string | null;
        difference: string;
        status: string;
        ageBusinessDays: number;
      }>
    >('/reconciliations/breaks?kind=HOLDINGS');
    expect(open.map((b) => [b.item, b.field, b.ours, b.theirs, b.difference, b.status])).toEqual([
      ['FR0000120271', 'quantity', '60', '55', '5', 'OPEN'],
      ['FR0000131104', 'quantity (missing at the custodian)', '200', null, '200', 'OPEN'],
      ['FR0000133308', 'quantity (missing in our books)', null, '10', '-10', 'OPEN'],
    ]);
    const [run] = (await env.db.query(`SELECT errors FROM accounting.recon_runs WHERE kind = 'HOLDINGS' ORDER BY started_at DESC LIMIT 1`)).rows;
    expect(run.errors).toEqual([{ row: 3, problem: 'Document/SctiesBalCtdyRpt/BalForAcct[3]/AggtBal/Qty/Qty/Qty/Unit (line 67): abc is not a decimal' }]);

    // The break is worked by the operator of the token: nobody (no token) → refused; open → investigating by one
    // operator; resolved only with two people — an operator alone is refused and nothing changes; the history keeps both.
    const id = open[0]!.breakId;
    const patch = (body: object, who?: Person, maker?: Person) => {
      const init = { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      return who
        ? fetch(url(`/reconciliations/breaks/${id}`), init, who, maker ? { maker } : undefined)
        : globalThis.fetch(url(`/reconciliations/breaks/${id}`), init);
    };
    expect((await patch({ status: 'INVESTIGATING', comment: 'asked the custodian' })).status).toBe(401);
    expect((await patch({ status: 'INVESTIGATING', comment: 'asked the custodian' }, PEOPLE.operator)).status).toBe(200);
    expect((await patch({ status: 'RESOLVED', comment: 'custodian booked 5 late; corrected on their side' }, PEOPLE.operator2)).status).toBe(403);
    expect((await get<{ status: string }>(`/reconciliations/breaks/${id}`)).status).toBe('INVESTIGATING');
    expect((await patch({ status: 'RESOLVED', comment: 'custodian booked 5 late; corrected on their side' }, PEOPLE.supervisor, PEOPLE.operator2)).status).toBe(
      200,
    );
    const worked = await get<{ status: string; history: Array<{ by: string; checkedBy: string | null; from: string; to: string; comment: string }> }>(
      `/reconciliations/breaks/${id}`,
    );
    expect([worked.status, worked.history.map((h) => [h.by, h.checkedBy, h.from, h.to, h.comment])]).toEqual([
      'RESOLVED',
      [
        ['olivia.operator', null, 'OPEN', 'INVESTIGATING', 'asked the custodian'],
        ['oscar.operator', 'sam.supervisor', 'INVESTIGATING', 'RESOLVED', 'custodian booked 5 late; corrected on their side'],
      ],
    ]);
    // A document that cannot be read is a run with its error, never a crash of the consumer.
    const bad = await fetch(url('/reconciliations/statements?account=CLI-0003'), {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: fixture('not-ok/semt002-dtd.xml'),
    });
    expect(((await bad.json()) as { errors: Array<{ problem: string }> }).errors[0]!.problem).toBe('statement refused: line 2: a DTD is not accepted');
  });

  it('a bank file with two statements (EUR and USD accounts) is reconciled statement by statement, one run each', async () => {
    const corpus = readFileSync(new URL('../../../libs/shared/iso20022/corpus/ok/camt053-001-08-two-statements-eur-usd.xml', import.meta.url), 'utf8');
    const upload = await fetch(url('/reconciliations/statements?account=CLI-0003'), {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: corpus,
    });
    expect(upload.status).toBe(200);
    const { runs } = (await upload.json()) as {
      runs: Array<{ subject: string; asOf: string; errors: unknown[]; breaks: Array<Record<string, unknown>>; statement: Record<string, unknown> }>;
    };
    expect(runs.map((r) => [r.subject, r.asOf, r.errors])).toEqual([
      ['CLI-0003:EUR', '2026-11-30', []],
      ['CLI-0003:USD', '2026-11-30', []],
    ]);
    // What the reader made of each statement: the bank's account, its balances as written, its one booked entry each.
    expect(runs.map((r) => r.statement)).toEqual([
      {
        kind: 'CASH',
        statementId: 'SG-EUR-20261130',
        cashAccount: 'FR7630003000301234567890185',
        currency: 'EUR',
        statementDate: '2026-11-30',
        openingBalance: '10000.00',
        closingBalance: '4143.65',
        entries: 1,
        bookedOnStatementDate: 1,
      },
      {
        kind: 'CASH',
        statementId: 'SG-USD-20261130',
        cashAccount: 'FR7630003000301234567890282',
        currency: 'USD',
        statementDate: '2026-11-30',
        openingBalance: '0',
        closingBalance: '1250.50',
        entries: 1,
        bookedOnStatementDate: 1,
      },
    ]);
    // We hold no USD at all: the bank's 1250.50 is a break of the whole amount, named by the statement's own reference.
    expect(runs[1]!.breaks.map((b) => [b.item, b.field, b.ours, b.theirs, b.difference])).toEqual([
      ['account', 'closingBalance', '0', '1250.5', '-1250.5'],
      ['FO-US:9', 'movement (missing in our books)', null, '1250.5', '-1250.5'],
    ]);
  });

  it('the last step settles the rest: 40 → nostro 2322.32, fees 2.32; nothing left off balance sheet for REC-1', async () => {
    await send(Topics.settlementEvents, [
      step(REC1, { status: 'SETTLED', stepQuantity: '40', stepAmount: '2322.32', settledQuantity: '100', date: '2026-12-01' }),
    ]);
    expect((await lines(REC1.tradeRef, 'SETTLEMENT')).slice(5)).toEqual([
      ['903900', '2320.00', '0.00'],
      ['903100', '0.00', '2320.00'],
      ['311000', '2320.00', '0.00'],
      ['622000', '2.32', '0.00'],
      ['512000', '0.00', '2322.32'],
    ]);
    await markDay(env.prefix, '2026-12-01');
    expect(await lines('POSITION:CLI-0003:FR0000120271', 'RECOSTING')).toEqual([]);
    expect([
      await balance(REC1.tradeRef, '903100'),
      await balance(REC1.tradeRef, '903900'),
      await balance(REC1.tradeRef, '311000'),
      await balance(REC1.tradeRef, '512000'),
    ]).toEqual(['0.00', '0.00', '5800.00', '-5805.80']);
  });

  // PROP-01 (placement → 312000, FIFO): buy 100 at 10.00, buy 100 at 12.00, sell 150 at 13.00, all settled 30 Nov.
  const P1 = trade('FO-PR:P-1', {
    account: 'PROP-01',
    book: 'PROP-EQ',
    accountType: 'PROPRIETARY',
    isin: 'FR0000133308',
    quantity: '100',
    price: '10.00',
    grossAmount: '1000.00',
    feesAmount: '0.00',
    netAmount: '1000.00',
    fees: [],
  });
  const P2 = trade('FO-PR:P-2', { ...P1, tradeRef: 'FO-PR:P-2', tradeId: 'P-2', price: '12.00', grossAmount: '1200.00', netAmount: '1200.00' });
  const P3 = trade('FO-PR:P-3', {
    ...P1,
    tradeRef: 'FO-PR:P-3',
    tradeId: 'P-3',
    side: 'SELL',
    quantity: '150',
    price: '13.00',
    grossAmount: '1950.00',
    netAmount: '1950.00',
  });

  it('FIFO realized P&L on a sale: 150 sold release 1000.00 + 600.00, gain 1950.00 − 1600.00 = 350.00 on 767000; the book posts to 312000', async () => {
    await send(Topics.tradeEvents, [captured(P1), captured(P2), captured(P3)]);
    await send(Topics.settlementEvents, [step(P1, { status: 'SETTLED' }), step(P2, { status: 'SETTLED' })]);
    await send(Topics.settlementEvents, [step(P3, { status: 'SETTLED' })]);
    // Booked at its consideration when it settles; its cost and result when the day is marked.
    expect(await lines(P3.tradeRef, 'SETTLEMENT')).toEqual([
      ['904100', '1950.00', '0.00'],
      ['904900', '0.00', '1950.00'],
      ['512000', '1950.00', '0.00'],
      ['312000', '0.00', '1950.00'],
    ]);
    // Read after the markers of 1 Dec: the next day marked costs them, whatever their own dates.
    await markDay(env.prefix, '2026-12-02');
    expect(await lines('POSITION:PROP-01:FR0000133308', 'RECOSTING')).toEqual([
      ['312000', '350.00', '0.00'],
      ['767000', '0.00', '350.00'],
    ]);
    const [pos] = await get<Array<{ cost: { quantity: string; cost: string; lots: unknown; realized: string } }>>('/positions/PROP-01');
    expect(pos!.cost).toMatchObject({ quantity: '50', cost: '600.00', lots: [{ quantity: '50', cost: '600.00' }], realized: '350.00' });
  });

  // PROP-02 and PROP-03 (trading → 311000, CMP), the same three trades each: buy 100 for 1000.00, buy 100 for 1200.00, sell 100
  // for 1500.00, all settled 30 Nov — in economic order 1, 2, 3 (same date: trade reference order). PROP-02's settlements arrive
  // 1, 3, 2 (the sale before a buy dated before it); PROP-03's in economic order.
  const Q1 = trade('FO-PR:Q-1', {
    account: 'PROP-02',
    book: 'PROP-RC',
    accountType: 'PROPRIETARY',
    isin: 'FR0000121014',
    quantity: '100',
    price: '10.00',
    grossAmount: '1000.00',
    feesAmount: '0.00',
    netAmount: '1000.00',
    fees: [],
  });
  const Q2 = trade('FO-PR:Q-2', { ...Q1, tradeRef: 'FO-PR:Q-2', tradeId: 'Q-2', price: '12.00', grossAmount: '1200.00', netAmount: '1200.00' });
  const Q3 = trade('FO-PR:Q-3', { ...Q1, tradeRef: 'FO-PR:Q-3', tradeId: 'Q-3', side: 'SELL', price: '15.00', grossAmount: '1500.00', netAmount: '1500.00' });
  const inOrder = (q: typeof Q1, id: string) => trade(`FO-PR:${id}`, { ...q, tradeRef: `FO-PR:${id}`, tradeId: id, account: 'PROP-03' });
  const [R1, R2, R3] = [inOrder(Q1, 'R-1'), inOrder(Q2, 'R-2'), inOrder(Q3, 'R-3')];

  it("the day's operations are costed in economic order, whatever their arrival order: CMP 2200.00/200 → cost 1100.00, gain 400.00; both orders give the same journal", async () => {
    await send(Topics.refdataAccounts, [account({ account: 'PROP-02', book: 'PROP-RC' }), account({ account: 'PROP-03', book: 'PROP-RC' })]);
    await send(Topics.tradeEvents, [Q1, Q2, Q3, R1, R2, R3].map(captured));
    for (const t of [Q1, Q3, Q2]) await send(Topics.settlementEvents, [step(t, { status: 'SETTLED' })]);
    for (const t of [R1, R2, R3]) await send(Topics.settlementEvents, [step(t, { status: 'SETTLED' })]);
    // On arrival the sale is booked at its consideration, whichever buys came before it.
    for (const sale of [Q3, R3]) {
      expect(await lines(sale.tradeRef, 'SETTLEMENT')).toEqual([
        ['904100', '1500.00', '0.00'],
        ['904900', '0.00', '1500.00'],
        ['512000', '1500.00', '0.00'],
        ['311000', '0.00', '1500.00'],
      ]);
    }
    await markDay(env.prefix, '2026-12-03');
    // CMP after both buys: 2200.00 for 200; the sale of 100 releases 2200.00 × 100/200 = 1100.00 and gains 1500.00 − 1100.00 = 400.00.
    // Booked at 1500.00: the securities take back 1500.00 − 1100.00 = 400.00, credited to 767000. One entry per position and date.
    for (const position of ['POSITION:PROP-02:FR0000121014', 'POSITION:PROP-03:FR0000121014']) {
      expect(await lines(position, 'RECOSTING')).toEqual([
        ['311000', '400.00', '0.00'],
        ['767000', '0.00', '400.00'],
      ]);
    }
    // The journal of each trade and of the position, entry by entry: the same for both arrival orders.
    for (const [q, r] of [
      [Q1, R1],
      [Q2, R2],
      [Q3, R3],
    ] as const)
      expect(await entries(q.tradeRef)).toEqual(await entries(r.tradeRef));
    expect(await entries('POSITION:PROP-02:FR0000121014')).toEqual(await entries('POSITION:PROP-03:FR0000121014'));
    expect((await entries('POSITION:PROP-02:FR0000121014')).map((e) => [e.kind, e.date])).toEqual([['RECOSTING', '2026-11-30']]);
    // 1000.00 + 1200.00 − 1500.00 + 400.00 = 1100.00 left at cost; 400.00 realized.
    expect([await balance('FO-PR:Q-%', '311000'), await balance('POSITION:PROP-02:%', '311000')]).toEqual(['700.00', '400.00']);
    expect([await balance('FO-PR:Q-%', '767000'), await balance('POSITION:PROP-02:%', '767000')]).toEqual(['0.00', '-400.00']);
    for (const a of ['PROP-02', 'PROP-03']) {
      const [pos] = await get<Array<{ cost: { quantity: string; cost: string; realized: string } }>>(`/positions/${a}`);
      expect(pos!.cost).toMatchObject({ quantity: '100', cost: '1100.00', realized: '400.00' });
      // The sale's cost changed once from what was booked: its consideration, then its cost (revision 1).
      const { rows } = await env.db.query(
        `SELECT op_key, securities::numeric(20, 2)::text AS securities, realized::numeric(20, 2)::text AS realized, revision FROM accounting.position_ops WHERE account = $1 ORDER BY op_key`,
        [a],
      );
      expect(
        rows.map((r: { op_key: string; securities: string; realized: string; revision: number }) => [
          r.op_key.split('|')[2]!.slice(-3),
          r.securities,
          r.realized,
          r.revision,
        ]),
      ).toEqual([
        [a === 'PROP-02' ? 'Q-1' : 'R-1', '1000.00', '0.00', 0],
        [a === 'PROP-02' ? 'Q-2' : 'R-2', '1200.00', '0.00', 0],
        [a === 'PROP-02' ? 'Q-3' : 'R-3', '-1100.00', '400.00', 1],
      ]);
    }
  });

  it('a penalty receivable and the TTF accrual are booked; the desk P&L reconciles within 1.00 and breaks beyond it', async () => {
    const penalty: PenaltyAccruedV1 = {
      penaltyId: 'PEN-1',
      instructionId: 'I-1',
      tradeRef: P1.tradeRef,
      kind: 'SEFP',
      direction: 'RECEIVABLE',
      penaltyDate: '2026-11-30',
      isin: P1.isin,
      counterparty: P1.counterparty,
      account: 'PROP-01',
      book: 'PROP-EQ',
      basisQuantity: '100',
      referencePrice: '10.00',
      rate: '0.0001',
      amount: '12.34',
      currency: 'EUR',
    };
    await send(Topics.settlementEvents, [
      envelope({ type: 'PenaltyAccrued', producer: 'settlement', correlationId: P1.tradeRef, causationId: null, payload: penalty }),
    ]);
    expect(await lines(P1.tradeRef, 'PENALTY')).toEqual([
      ['468100', '12.34', '0.00'],
      ['708100', '0.00', '12.34'],
    ]);
    // TTF: base 2200.00 × 0.4 % = 8.80, a proprietary book: an expense.
    const ttf: TtfAssessedV1 = {
      assessmentId: 'TTF-1',
      account: 'PROP-01',
      book: 'PROP-EQ',
      isin: 'FR0000133308',
      tradeDate: '2026-11-26',
      base: '2200.00',
      rate: '0.004',
      amount: '8.80',
      currency: 'EUR',
    };
    await send(Topics.reportingEvents, [envelope({ type: 'TtfAssessed', producer: 'reporting', correlationId: 'PROP-01', causationId: null, payload: ttf })]);
    expect(await lines('TTF:PROP-01:FR0000133308:2026-11-26')).toEqual([
      ['635100', '8.80', '0.00'],
      ['447100', '0.00', '8.80'],
    ]);
    // Who is charged as the assessment carries it, for accounts accounting has read nothing of: a
    // second account of client CL-0003 (4.00 on 461100, on the client's auxiliary account, not the
    // account's) and a proprietary book (2.00, an expense, where an unknown account would be a client's).
    const carried: TtfAssessedV1[] = [
      { ...ttf, assessmentId: 'TTF-2', account: 'CLI-0042', book: 'CLIENT-EQ', accountType: 'CLIENT', clientId: 'CL-0003', base: '1000.00', amount: '4.00' },
      { ...ttf, assessmentId: 'TTF-3', account: 'PROP-42', book: 'PROP-EQ', accountType: 'PROPRIETARY', clientId: 'FIRM', base: '500.00', amount: '2.00' },
    ];
    await send(
      Topics.reportingEvents,
      carried.map((payload) => envelope({ type: 'TtfAssessed', producer: 'reporting', correlationId: payload.account, causationId: null, payload })),
    );
    const charged = await env.db.query(
      `SELECT e.trade_ref AS ref, l.account_code AS code, l.aux_account AS aux, l.debit::numeric(20, 2)::text AS debit, l.credit::numeric(20, 2)::text AS credit
       FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) WHERE e.trade_ref IN ('TTF:CLI-0042:FR0000133308:2026-11-26', 'TTF:PROP-42:FR0000133308:2026-11-26')
       ORDER BY e.trade_ref, l.line_no`,
    );
    expect(charged.rows.map((r: Record<string, string | null>) => [r.ref!.split(':')[1], r.code, r.aux, r.debit, r.credit])).toEqual([
      ['CLI-0042', '461100', 'CL-0003', '4.00', '0.00'],
      ['CLI-0042', '447100', null, '0.00', '4.00'],
      ['PROP-42', '635100', null, '2.00', '0.00'],
      ['PROP-42', '447100', null, '0.00', '2.00'],
    ]);
    // Accounting P&L of PROP-EQ on 30 Nov: 350.00 realized (the FIFO sale's, costed with its day) + 12.34 penalty = 362.34. The desk says 362.00: within 1.00.
    const post = (rows: object[]) =>
      fetch(url('/reconciliations/desk-pnl'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rows) });
    expect(await (await post([{ book: 'PROP-EQ', date: '2026-11-30', currency: 'EUR', amount: '362.00' }])).json()).toEqual({ stored: 1, problems: [] });
    const ok = (await (await fetch(url('/reconciliations/pnl?date=2026-11-30'), { method: 'POST' })).json()) as {
      breaks: Array<Record<string, unknown>>;
      rowsChecked: number;
    };
    expect(ok.breaks.filter((b) => String(b.item).startsWith('PROP-EQ'))).toEqual([]);
    await post([
      { book: 'PROP-EQ', date: '2026-11-30', currency: 'EUR', amount: '360.00' },
      { book: 'X', date: 'yesterday', currency: 'EUR', amount: '1' },
    ]);
    const ko = (await (await fetch(url('/reconciliations/pnl?date=2026-11-30'), { method: 'POST' })).json()) as {
      runId: string;
      breaks: Array<Record<string, unknown>>;
    };
    expect(ko.breaks.filter((b) => String(b.item).startsWith('PROP-EQ')).map((b) => [b.item, b.field, b.ours, b.theirs, b.difference])).toEqual([
      ['PROP-EQ|EUR', 'pnl', '362.34', '360.00', '2.34'],
    ]);
    // The desk corrects its figure; the next run no longer finds the break and closes it itself, naming the run.
    const breakId = String(ko.breaks.find((b) => String(b.item).startsWith('PROP-EQ'))!.breakId);
    await post([{ book: 'PROP-EQ', date: '2026-11-30', currency: 'EUR', amount: '362.34' }]);
    const fixed = (await (await fetch(url('/reconciliations/pnl?date=2026-11-30&tolerance=0'), { method: 'POST' })).json()) as {
      runId: string;
      closed: Array<{ breakId: string; item: string; firstSeen: string }>;
    };
    expect(fixed.closed.filter((b) => b.item.startsWith('PROP-EQ'))).toEqual([{ breakId, item: 'PROP-EQ|EUR', field: 'pnl', firstSeen: '2026-11-30' }]);
    const closed = await get<{
      status: string;
      closedByRun: string;
      closedOn: string;
      history: Array<{ by: string; from: string; to: string; checkedBy: string | null }>;
    }>(`/reconciliations/breaks/${breakId}`);
    expect([closed.status, closed.closedByRun, closed.closedOn]).toEqual(['CLOSED', fixed.runId, '2026-11-30']);
    expect(closed.history.map((h) => [h.by, h.from, h.to, h.checkedBy])).toEqual([['reconciliation', 'OPEN', 'CLOSED', null]]);
    // The same figure run again: nothing left to close, no new break.
    const again = (await (await fetch(url('/reconciliations/pnl?date=2026-11-30&tolerance=0'), { method: 'POST' })).json()) as {
      closed: unknown[];
      breaks: Array<{ item: string }>;
    };
    expect([again.closed, again.breaks.filter((b) => b.item.startsWith('PROP-EQ'))]).toEqual([[], []]);
    // The break's life is announced on accounting.events.v1 (for reporting): opened by the run that found it, closed by the
    // run that no longer did, both dated 30 Nov, keyed by the reconciliation; the third run announces nothing more.
    await waitFor(async () => Number((await env.db.query(`SELECT count(*) AS n FROM accounting.outbox_pending`)).rows[0].n) === 0, {
      timeoutMs: 30_000,
      what: "accounting's outbox to be published",
    });
    const topic = physicalTopic(env.prefix, Topics.accountingEvents);
    const announced = (await consumeAll(topic, { expected: 'to-the-end' })).map((m) => ({
      key: m.key,
      event: JSON.parse(m.value) as EventEnvelope<{ breakId: string; [k: string]: unknown }>,
    }));
    const life = announced.filter((m) => m.event.type.startsWith('ReconciliationBreak') && m.event.payload.breakId === breakId);
    expect(life.map((m) => [m.key, m.event.type, m.event.payload])).toEqual([
      [
        'RECON:PNL:PNL',
        'ReconciliationBreakOpened',
        { breakId, runId: ko.runId, kind: 'PNL', subject: 'PNL', item: 'PROP-EQ|EUR', field: 'pnl', openedOn: '2026-11-30' },
      ],
      [
        'RECON:PNL:PNL',
        'ReconciliationBreakClosed',
        {
          breakId,
          closedBy: 'RUN',
          runId: fixed.runId,
          kind: 'PNL',
          subject: 'PNL',
          item: 'PROP-EQ|EUR',
          field: 'pnl',
          openedOn: '2026-11-30',
          closedOn: '2026-11-30',
        },
      ],
    ]);
    // The HOLDINGS break resolved by two people earlier is announced closed too, with no run; the one worked to INVESTIGATING only is not.
    const resolved = announced.map((m) => m.event).filter((e) => e.type === 'ReconciliationBreakClosed' && e.payload.closedBy === 'RESOLVED');
    expect(resolved.map((e) => ({ ...e.payload, closedOn: typeof e.payload.closedOn }))).toEqual([
      {
        breakId: expect.any(String),
        closedBy: 'RESOLVED',
        runId: null,
        kind: 'HOLDINGS',
        subject: 'CLI-0003',
        item: 'FR0000120271',
        field: 'quantity',
        openedOn: '2026-11-30',
        closedOn: 'string',
      },
    ]);
  });

  it('a book recognized at trade date: securities at trade date against the counterparty, cash at settlement; a cancellation leaves every account at zero', async () => {
    const put = await fetch(url('/books/PROP-TD/recognition'), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recognition: 'TRADE_DATE', effectiveFrom: '2026-01-01' }),
    });
    expect(put.status).toBe(200);
    const T1 = trade('FO-TD:T-1', { account: 'TD-01', book: 'PROP-TD', accountType: 'PROPRIETARY' });
    const T2 = trade('FO-TD:T-2', { account: 'TD-01', book: 'PROP-TD', accountType: 'PROPRIETARY', isin: 'FR0000131104' });
    await send(Topics.tradeEvents, [captured(T1), captured(T2)]);
    expect(await lines(T1.tradeRef)).toEqual([
      ['311000', '5800.00', '0.00'],
      ['622000', '5.80', '0.00'],
      ['461200', '0.00', '5805.80'],
    ]);
    await send(Topics.settlementEvents, [step(T1, { status: 'SETTLED' })]);
    expect(await lines(T1.tradeRef, 'SETTLEMENT')).toEqual([
      ['461200', '5805.80', '0.00'],
      ['512000', '0.00', '5805.80'],
    ]);
    await send(Topics.tradeEvents, [cancelled(T2)]);
    for (const code of ['311000', '622000', '461200']) expect(await balance(T2.tradeRef, code)).toBe('0.00');
    // Costed: T-2 goes into its position and out again, both at 5800.00; T-1 buys at its consideration. Nothing to re-cost.
    await markDay(env.prefix, '2026-12-04');
    expect(await lines('POSITION:TD-01:FR0000120271', 'RECOSTING')).toEqual([]);
    expect(await lines('POSITION:TD-01:FR0000131104', 'RECOSTING')).toEqual([]);
    const [pos] = await get<Array<{ isin: string; cost: { quantity: string; cost: string } }>>('/positions/TD-01?asOf=2026-11-30').then((p) =>
      p.filter((x) => x.isin === 'FR0000131104'),
    );
    expect([pos!.cost.quantity, pos!.cost.cost]).toEqual(['0', '0.00']);
  });

  it('a trade booked before the cost history, cancelled, leaves its position flat at cost 0: the residual goes to P&L in a re-costing entry', async () => {
    const put = await fetch(url('/books/PROP-LG/recognition'), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recognition: 'TRADE_DATE', effectiveFrom: '2026-01-01' }),
    });
    expect(put.status).toBe(200);
    await send(Topics.refdataAccounts, [account({ account: 'LG-01', book: 'PROP-LG', costMethod: 'FIFO' })]);
    const at = (ref: string, side: 'BUY' | 'SELL', quantity: string, gross: string, tradeDate: string) =>
      trade(ref, {
        account: 'LG-01',
        book: 'PROP-LG',
        accountType: 'PROPRIETARY',
        isin: 'FR0000133308',
        side,
        quantity,
        price: '0.01',
        grossAmount: gross,
        feesAmount: '0.00',
        netAmount: gross,
        fees: [],
        tradeDate,
        settlementDate: '2026-11-30',
      });
    // Buy 448 for 4.48 (20 Nov) and sell 1 for 0.01 (25 Nov), then made legacy: their operations
    // replaced by an opening one holding the position as it stands (what migration 1796000300000 did).
    const L1 = at('FO-LG:L-1', 'BUY', '448', '4.48', '2026-11-20');
    const L2 = at('FO-LG:L-2', 'SELL', '1', '0.01', '2026-11-25');
    await send(Topics.tradeEvents, [captured(L1), captured(L2)]);
    // Costed into the position first: the sale of 1 releases 0.01 by FIFO, its consideration: nothing to re-cost.
    await markDay(env.prefix, '2026-12-07');
    expect(await lines('POSITION:LG-01:FR0000133308', 'RECOSTING')).toEqual([]);
    await env.db.query(`DELETE FROM accounting.position_ops WHERE account = 'LG-01'`);
    await env.db
      .query(`INSERT INTO accounting.position_ops (account, isin, op_key, kind, side, quantity, gross, securities, realized, quantity_after, cost_after,
                                                         lots_after, trade_ref, posting_event, recognition, securities_account, book, currency)
                        SELECT account, isin, '', 'OPENING', 'BUY', 0, 0, 0, 0, quantity, cost, lots, '', 'OPENING', 'OPENING', '', book, currency
                        FROM accounting.positions WHERE account = 'LG-01'`);
    // Sell 448 for 8.96 (24 Nov), booked at that consideration: the 447 held close at cost 4.47 for 8.94 (a gain of 4.47),
    // 1 short at −0.02 — securities −4.49 at cost.
    const L3 = { ...at('FO-LG:L-3', 'SELL', '448', '8.96', '2026-11-24'), price: '0.02' };
    await send(Topics.tradeEvents, [captured(L3)]);
    // The legacy sale of 1 is cancelled: its reversal takes back securities −0.01 → quantity 0, cost −0.01,
    // released to P&L: securities +0.01, a gain of 0.01 — 4.48 in all, 8.96 − 4.48.
    await send(Topics.tradeEvents, [cancelled(L2)]);
    expect(await lines(L3.tradeRef)).toEqual([
      ['461200', '8.96', '0.00'],
      ['311000', '0.00', '8.96'],
    ]);
    await markDay(env.prefix, '2026-12-08');
    // One re-costing per date: the sale's (24 Nov) from −8.96 to −4.49, +4.47 on the securities against a gain of 4.47;
    // the cancellation's (25 Nov) residual of 0.01.
    expect(await entries('POSITION:LG-01:FR0000133308')).toEqual([
      {
        kind: 'RECOSTING',
        date: '2026-11-24',
        lines: [
          ['311000', '4.47', '0.00'],
          ['767000', '0.00', '4.47'],
        ],
      },
      {
        kind: 'RECOSTING',
        date: '2026-11-25',
        lines: [
          ['311000', '0.01', '0.00'],
          ['767000', '0.00', '0.01'],
        ],
      },
    ]);
    expect(await balance('%LG%', '311000')).toBe('0.00');
    expect(await balance('%LG%', '767000')).toBe('-4.48');
    const [pos] = await get<Array<{ cost: { quantity: string; cost: string; realized: string } }>>('/positions/LG-01');
    expect(pos!.cost).toMatchObject({ quantity: '0', cost: '0.00', realized: '4.48' });
  });

  it('FX: a USD book holding 1000.00 USD is revalued at each close; 1.10 then 1.05 → 1000/1.05 − 1000/1.10 = 43.29 EUR gain', async () => {
    const U1 = trade('FO-US:U-1', {
      account: 'USD-01',
      book: 'USD-EQ',
      accountType: 'PROPRIETARY',
      isin: 'US0378331005',
      currency: 'USD',
      price: '100.00',
      grossAmount: '10000.00',
      feesAmount: '0.00',
      netAmount: '10000.00',
      fees: [],
      placeOfSettlement: 'DTCYUS33XXX',
    });
    const U2 = trade('FO-US:U-2', {
      ...U1,
      tradeRef: 'FO-US:U-2',
      tradeId: 'U-2',
      side: 'SELL',
      price: '110.00',
      grossAmount: '11000.00',
      netAmount: '11000.00',
    });
    await send(Topics.tradeEvents, [captured(U1), captured(U2)]);
    await send(Topics.settlementEvents, [step(U1, { status: 'SETTLED' })]);
    await send(Topics.settlementEvents, [step(U2, { status: 'SETTLED' })]);
    // The sale, booked at 11000.00, costs 10000.00: the securities take back 1000.00 against a gain of 1000.00. What the book
    // holds in USD on its balance sheet is then the cash alone: −10000.00 + 11000.00 = 1000.00.
    await markDay(env.prefix, '2026-12-09');
    expect(await lines('POSITION:USD-01:US0378331005', 'RECOSTING')).toEqual([
      ['311000', '1000.00', '0.00'],
      ['767000', '0.00', '1000.00'],
    ]);
    await send(Topics.fxRates, [fxRate('2026-11-30', 'USD', '1.10'), fxRate('2026-12-01', 'USD', '1.05')]);
    await send(Topics.businessDay, [dayClosed('2026-11-30')]);
    await send(Topics.businessDay, [dayClosed('2026-12-01')]);
    expect(await lines('FX:USD-EQ:USD')).toEqual([
      ['479000', '43.29', '0.00'],
      ['766000', '0.00', '43.29'],
    ]);
    const report = await get<{ results: Array<Record<string, string>>; totals: Array<Record<string, string>> }>('/fx/results?from=2026-11-30&to=2026-12-01');
    expect(report.results.map((r) => [r.closeDate, r.book, r.currency, r.position, r.rateBefore, r.rate, r.resultEur])).toEqual([
      ['2026-12-01', 'USD-EQ', 'USD', '1000.00', '1.10', '1.05', '43.29'],
    ]);
    expect(report.totals).toEqual([{ book: 'USD-EQ', currency: 'USD', resultEur: '43.29' }]);
    // The ECB's daily file by upload: the next day's rates.
    const up = await fetch(url('/fx-rates/ecb'), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'Date, USD, JPY, \n2 December 2026, 1.12, 160.12, \n',
    });
    expect(await up.json()).toEqual({ stored: 2, problems: [] });
  });

  it('FX, a line late for its close: book GB-A gets every GBP trade before the closes, GB-B half of them after; both end at 1500/0.88 − 1500/0.85 = −60.16 EUR', async () => {
    // Each book: a round trip settled 2 Dec that leaves +1000.00 GBP of cash (buy 10000.00, sell 11000.00), and one that leaves +500.00 (buy 10000.00, sell 10500.00).
    const gbp = (ref: string, book: string, side: 'BUY' | 'SELL', gross: string) =>
      trade(ref, {
        account: `${book}-01`,
        book,
        accountType: 'PROPRIETARY',
        isin: 'GB0002634946',
        currency: 'GBP',
        side,
        price: new Dec(gross).div(100).toFixed(2),
        quantity: '100',
        grossAmount: gross,
        feesAmount: '0.00',
        netAmount: gross,
        fees: [],
        placeOfSettlement: 'CRSTGB22XXX',
        tradeDate: '2026-12-01',
        settlementDate: '2026-12-02',
      });
    const roundTrips = (book: string) => ({
      first: [gbp(`FO-GB:${book}-1`, book, 'BUY', '10000.00'), gbp(`FO-GB:${book}-2`, book, 'SELL', '11000.00')],
      late: [gbp(`FO-GB:${book}-3`, book, 'BUY', '10000.00'), gbp(`FO-GB:${book}-4`, book, 'SELL', '10500.00')],
    });
    const [a, b] = [roundTrips('GB-A'), roundTrips('GB-B')];
    const settle = async (trades: ReturnType<typeof gbp>[]) => {
      await send(Topics.tradeEvents, trades.map(captured));
      for (const t of trades) await send(Topics.settlementEvents, [step(t, { status: 'SETTLED' })]);
    };
    await settle([...a.first, ...a.late, ...b.first]);
    // Each sale's cost, 10000.00, is known once the day is costed: until then its securities net out its cash.
    await markDay(env.prefix, '2026-12-10');
    // GB-A's two sales gain 11000.00 − 10000.00 and 10500.00 − 10000.00 = 1500.00, GB-B's first 1000.00: taken back on the securities.
    expect(await lines('POSITION:GB-A-01:GB0002634946', 'RECOSTING')).toEqual([
      ['311000', '1500.00', '0.00'],
      ['767000', '0.00', '1500.00'],
    ]);
    expect(await lines('POSITION:GB-B-01:GB0002634946', 'RECOSTING')).toEqual([
      ['311000', '1000.00', '0.00'],
      ['767000', '0.00', '1000.00'],
    ]);
    await send(Topics.fxRates, [fxRate('2026-12-02', 'GBP', '0.85'), fxRate('2026-12-03', 'GBP', '0.88')]);
    await send(Topics.businessDay, [dayClosed('2026-12-02')]);
    await send(Topics.businessDay, [dayClosed('2026-12-03')]);
    // GB-A at the close of 3 Dec: 1500 carried from 0.85 to 0.88, 1764.71 → 1704.55 EUR: a loss of 60.16.
    expect(await lines('FX:GB-A:GBP')).toEqual([
      ['666000', '60.16', '0.00'],
      ['479000', '0.00', '60.16'],
    ]);
    // GB-B at that close held 1000: 1000/0.88 − 1000/0.85 = −40.11.
    expect(await lines('FX:GB-B:GBP')).toEqual([
      ['666000', '40.11', '0.00'],
      ['479000', '0.00', '40.11'],
    ]);
    // GB-B's second round trip, settled 2 Dec, arrives after both closes: its 500 is revalued from 0.85 as the
    // rest was. What is booked in all becomes round(1500/0.88 − 1500/0.85) = −60.16: a correction of −20.05, dated 3 Dec.
    await settle(b.late);
    await markDay(env.prefix, '2026-12-11');
    // Its sale's gain, 10500.00 − 10000.00 = 500.00, dated 2 Dec as its settlement: the line late for the closes.
    expect(await entries('POSITION:GB-B-01:GB0002634946').then((e) => e.map((x) => [x.date, x.lines]))).toEqual([
      [
        '2026-12-02',
        [
          ['311000', '1000.00', '0.00'],
          ['767000', '0.00', '1000.00'],
        ],
      ],
      [
        '2026-12-02',
        [
          ['311000', '500.00', '0.00'],
          ['767000', '0.00', '500.00'],
        ],
      ],
    ]);
    expect(await lines('FX:GB-B:GBP')).toEqual([
      ['666000', '40.11', '0.00'],
      ['479000', '0.00', '40.11'],
      ['666000', '20.05', '0.00'],
      ['479000', '0.00', '20.05'],
    ]);
    expect(await balance('FX:GB-A:GBP', '666000')).toBe(await balance('FX:GB-B:GBP', '666000'));
    const report = await get<{ results: Array<Record<string, string | null>>; totals: Array<Record<string, string>> }>(
      '/fx/results?from=2026-12-02&to=2026-12-03',
    );
    expect(report.results.filter((r) => r.currency === 'GBP').map((r) => [r.closeDate, r.book, r.kind, r.position, r.rateBefore, r.rate, r.resultEur])).toEqual(
      [
        ['2026-12-03', 'GB-A', 'CLOSE', '1500.00', '0.85', '0.88', '-60.16'],
        ['2026-12-03', 'GB-B', 'CLOSE', '1000.00', '0.85', '0.88', '-40.11'],
        ['2026-12-03', 'GB-B', 'LATE_LINES', '500.00', null, '0.88', '-20.05'],
      ],
    );
    expect(report.totals.filter((t) => t.currency === 'GBP')).toEqual([
      { book: 'GB-A', currency: 'GBP', resultEur: '-60.16' },
      { book: 'GB-B', currency: 'GBP', resultEur: '-60.16' },
    ]);
    // The same trades and steps published again are duplicates: no line, so no correction.
    await settle(b.late);
    await markDay(env.prefix, '2026-12-14');
    expect(await balance('FX:GB-B:GBP', '666000')).toBe('60.16');
  });

  it('the database role the service posts through cannot update or delete the journal (grants), only insert and read it', async () => {
    const c = await env.db.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE accounting_service');
      const [{ n }] = (await c.query(`SELECT count(*)::int AS n FROM accounting.journal_lines`)).rows;
      expect(n).toBeGreaterThan(0);
      await expect(c.query(`UPDATE accounting.journal_lines SET debit = debit + 1`)).rejects.toThrow('permission denied for table journal_lines');
      await c.query('ROLLBACK');
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE accounting_service');
      await expect(c.query(`DELETE FROM accounting.journal_entries`)).rejects.toThrow('permission denied for table journal_entries');
      await c.query('ROLLBACK');
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE accounting_service');
      await expect(c.query(`TRUNCATE accounting.journal_lines`)).rejects.toThrow('permission denied for table journal_lines');
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
  });

  it('the database refuses an insert after which an entry it touched does not balance (statement-level trigger, by index)', async () => {
    const c = await env.db.connect();
    const entry = async (cause: string) =>
      (
        await c.query(
          `INSERT INTO accounting.journal_entries (entry_id, trade_ref, kind, accounting_date, cause_event_id)
           VALUES (gen_random_uuid(), 'CHECK', 'PENALTY', '2026-11-30', $1) RETURNING entry_id AS id`,
          [cause],
        )
      ).rows[0].id as string;
    const lines = (rows: Array<[string, number, string, string]>) =>
      c.query(
        `INSERT INTO accounting.journal_lines (entry_id, line_no, account_code, book, currency, debit, credit)
         SELECT e, n, '468100', 'CHECK', 'EUR', d, k FROM unnest($1::uuid[], $2::smallint[], $3::numeric[], $4::numeric[]) AS x(e, n, d, k)`,
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
      );
    try {
      await c.query('BEGIN');
      const [a, b] = [await entry(`check-a-${Date.now()}`), await entry(`check-b-${Date.now()}`)];
      // One balanced entry and one short by a cent, in one statement: refused, naming the bad one.
      await expect(
        lines([
          [a, 1, '10.00', '0'],
          [a, 2, '0', '10.00'],
          [b, 1, '5.00', '0'],
          [b, 2, '0', '4.99'],
        ]),
      ).rejects.toThrow(`journal entry ${b} does not balance in EUR`);
      await c.query('ROLLBACK');
      await c.query('BEGIN');
      const d = await entry(`check-d-${Date.now()}`);
      await lines([
        [d, 1, '7.00', '0'],
        [d, 2, '0', '7.00'],
      ]);
      // A later statement that adds a line to a balanced entry is checked over all its lines.
      await expect(lines([[d, 3, '1.00', '0']])).rejects.toThrow(`journal entry ${d} does not balance`);
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
  });

  it('the FEC is refused while ECB rates or names are missing (every one listed); once the operator imports them it passes the check of its 18 columns, order, separator, dates and amounts; the trial balance balances per currency', async () => {
    // Every operation costed first: nothing left staged at its consideration.
    await markDay(env.prefix, '2026-12-15');
    expect((await env.db.query(`SELECT count(*)::int AS n FROM accounting.staged_ops`)).rows).toEqual([{ n: 0 }]);
    const refused = await fetch(url('/exports/fec?from=2026-11-01&to=2026-12-31'));
    expect([refused.status, refused.headers.get('content-disposition')]).toEqual([422, null]);
    const missing = (await refused.json()) as {
      missingRates: Array<{ currency: string; date: string }>;
      missingNames: Array<{ aux: string; account: string }>;
    };
    // U-1 was traded on 26 Nov and the first USD rate is of 30 Nov; the GBP trades of 1 Dec came before the first GBP rate (2 Dec).
    expect(missing.missingRates).toContainEqual({ currency: 'USD', date: '2026-11-26' });
    expect(missing.missingRates).toContainEqual({ currency: 'GBP', date: '2026-12-01' });
    // The penalty's counterparty: no party was published in this file.
    expect(missing.missingNames).toEqual([{ aux: '529900COUNTERPTY0129', account: '468100' }]);
    // The operator imports them: the ECB history file (ISO dates, N/A where a currency has no rate), and the referential's party.
    const dates = [...new Set(missing.missingRates.map((m) => m.date))].sort();
    const rateOf = (c: string, d: string) => (missing.missingRates.some((m) => m.currency === c && m.date === d) ? (c === 'USD' ? '1.0800' : '0.8600') : 'N/A');
    const csv = ['Date,USD,GBP', ...dates.map((d) => `${d},${rateOf('USD', d)},${rateOf('GBP', d)}`)].join('\n') + '\n';
    const up = await fetch(url('/fx-rates/ecb'), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(up.status).toBe(200);
    await send(Topics.refdataParties, [party('529900COUNTERPTY0129', 'Contrepartie Alpha SA', 'ALPHFRPPXXX')]);
    for (const [sep, q] of [
      ['|', ''],
      ['\t', '&separator=tab'],
    ] as const) {
      const r = await fetch(url(`/exports/fec?from=2026-11-01&to=2026-12-31${q}`));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-disposition')).toBe('attachment; filename="123456782FEC20261231.txt"');
      const text = Buffer.from(await r.arrayBuffer()).toString('latin1');
      expect(checkFec(text, sep)).toEqual([]);
      expect(text.split('\r\n').length).toBeGreaterThan(40);
    }
    const tb = await get<Array<{ currency: string; debit: string; credit: string }>>('/exports/trial-balance?from=2026-11-01&to=2026-12-31');
    const per = new Map<string, number>();
    for (const row of tb) per.set(row.currency, (per.get(row.currency) ?? 0) + Math.round(Number(row.debit) * 100) - Math.round(Number(row.credit) * 100));
    expect(Object.fromEntries(per)).toEqual({ EUR: 0, GBP: 0, USD: 0 });
    const gl = await get<Array<{ account: string }>>('/exports/general-ledger?from=2026-11-30&to=2026-11-30');
    expect(gl.some((l) => l.account === '767000')).toBe(true);
  });

  it('runs page newest first and breaks in their order, a page at a time with `after`: every row once, ties split by id; a bad limit or cursor is refused', async () => {
    // The bank file of two statements gave two runs started at one instant; three more at that instant, and four breaks
    // alike but for the field, make ties that a page boundary falls inside.
    const instant = `(SELECT started_at FROM accounting.recon_runs WHERE subject = 'CLI-0003:USD' ORDER BY started_at LIMIT 1)`;
    const twins = (
      await env.db.query(
        `INSERT INTO accounting.recon_runs (run_id, kind, subject, as_of, started_at, rows_checked, matched, breaks, report)
         SELECT gen_random_uuid(), 'CASH', 'PAGING:EUR', '2026-11-30', ${instant}, 1, 0, 1, '{}' FROM generate_series(1, 3) RETURNING run_id::text AS id`,
      )
    ).rows as Array<{ id: string }>;
    await env.db.query(
      `INSERT INTO accounting.recon_breaks (break_id, run_id, kind, subject, item, field, ours, theirs, difference, as_of)
       SELECT gen_random_uuid(), $1, 'CASH', 'PAGING:EUR', 'account', 'closingBalance ' || n, '1', '2', '-1', '2026-11-30' FROM generate_series(1, 4) AS n`,
      [twins[0]!.id],
    );
    const walk = async (path: string, id: (row: Record<string, unknown>) => string, limit: number, between?: (page: string[]) => Promise<void>) => {
      const seen: string[] = [];
      for (let after: string | undefined, i = 0; i < 100; i++) {
        const page = (await get<Array<Record<string, unknown>>>(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${after ? `&after=${after}` : ''}`)).map(
          id,
        );
        expect(page.length).toBeLessThanOrEqual(limit);
        seen.push(...page);
        if (page.length < limit) break;
        after = page.at(-1);
        await between?.(page);
      }
      return seen;
    };
    const runId = (r: Record<string, unknown>) => r.runId as string;
    const breakId = (r: Record<string, unknown>) => r.breakId as string;

    const runs = (
      await env.db.query(`SELECT run_id::text AS id, kind, started_at = ${instant} AS tied FROM accounting.recon_runs ORDER BY started_at DESC, run_id DESC`)
    ).rows as Array<{ id: string; kind: string; tied: boolean }>;
    expect(runs.length).toBeGreaterThan(9);
    const pagedRuns = await walk('/reconciliations/runs', runId, 2);
    expect(pagedRuns).toEqual(runs.map((r) => r.id));
    expect(new Set(pagedRuns).size).toBe(runs.length);
    // The five runs of one instant come in descending run id, wherever the pages cut them.
    const sameInstant = runs.filter((r) => r.tied).map((r) => r.id);
    expect(sameInstant.length).toBe(5);
    expect(sameInstant).toEqual(expect.arrayContaining(twins.map((t) => t.id)));
    expect(pagedRuns.filter((id) => sameInstant.includes(id))).toEqual([...sameInstant].sort().reverse());
    expect(await walk('/reconciliations/runs?kind=CASH', runId, 3)).toEqual(runs.filter((r) => r.kind === 'CASH').map((r) => r.id));
    // Without a limit the first page is 200 runs long, as the list was: here all of them.
    expect((await get<Array<Record<string, unknown>>>('/reconciliations/runs')).map(runId)).toEqual(runs.map((r) => r.id));

    const breaks = (await env.db.query(`SELECT break_id::text AS id, kind, status FROM accounting.recon_breaks ORDER BY as_of, kind, subject, item, break_id`))
      .rows as Array<{ id: string; kind: string; status: string }>;
    expect(breaks.length).toBeGreaterThan(9);
    expect(await walk('/reconciliations/breaks', breakId, 3)).toEqual(breaks.map((b) => b.id));
    const pagingBreaks = (
      await env.db.query(`SELECT break_id::text AS id FROM accounting.recon_breaks WHERE subject = 'PAGING:EUR' ORDER BY break_id`)
    ).rows.map((r: { id: string }) => r.id);
    expect(await walk('/reconciliations/breaks?kind=CASH&status=OPEN', breakId, 3)).toEqual(
      breaks.filter((b) => b.kind === 'CASH' && b.status === 'OPEN').map((b) => b.id),
    );
    expect((await walk('/reconciliations/breaks?kind=CASH', breakId, 3)).filter((id) => pagingBreaks.includes(id))).toEqual(pagingBreaks);
    // The last break of a page is worked meanwhile and leaves the status asked for: the next page still follows it.
    const openCash = breaks.filter((b) => b.kind === 'CASH' && b.status === 'OPEN').map((b) => b.id);
    expect(openCash.length).toBeGreaterThan(4);
    let worked = 0;
    const pagedOpen = await walk('/reconciliations/breaks?kind=CASH&status=OPEN', breakId, 2, async (page) => {
      if (worked++ > 0) return;
      const r = await fetch(url(`/reconciliations/breaks/${page.at(-1)}`), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'INVESTIGATING', comment: 'asked the bank' }),
      });
      expect(r.status).toBe(200);
    });
    expect(pagedOpen).toEqual(openCash);
    expect((await get<{ status: string }>(`/reconciliations/breaks/${openCash[1]}`)).status).toBe('INVESTIGATING');

    for (const list of ['/reconciliations/runs', '/reconciliations/breaks']) {
      expect((await fetch(url(`${list}?limit=0`))).status).toBe(400);
      expect((await fetch(url(`${list}?limit=1001`))).status).toBe(400);
      expect((await fetch(url(`${list}?limit=2.5`))).status).toBe(400);
      expect((await fetch(url(`${list}?after=not-an-id`))).status).toBe(400);
      const unknown = await fetch(url(`${list}?after=00000000-0000-4000-8000-000000000000`));
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { message: string }).message).toContain('00000000-0000-4000-8000-000000000000');
    }
    // The last row as the cursor is the end of the list, not an unknown one.
    expect(await get(`/reconciliations/runs?after=${runs.at(-1)!.id}`)).toEqual([]);
    expect(await get(`/reconciliations/breaks?after=${breaks.at(-1)!.id}`)).toEqual([]);
  });

  it("the books' reference lists page too: the chart by code; rule sets, cash currencies and FX closes whole; a trade's entries whole and its held events in the order held", async () => {
    // Walks a list page by page; `group` names what `limit` counts (a row, or its group), the cursor is the page's last group.
    const walk = async <R extends Record<string, unknown>>(
      path: string,
      limit: number,
      group: (r: R) => string,
      rowsOf: (answer: unknown) => R[] = (a) => a as R[],
    ) => {
      const pages: R[][] = [];
      for (let after: string | undefined, i = 0; i < 200; i++) {
        const page = rowsOf(await get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`));
        const groups = [...new Set(page.map(group))];
        expect(groups.length).toBeLessThanOrEqual(limit);
        pages.push(page);
        if (groups.length < limit) break;
        after = groups.at(-1);
      }
      return pages;
    };
    const whole = async <R>(path: string, rowsOf: (answer: unknown) => R[] = (a) => a as R[]) => rowsOf(await get(path));

    const chart = (await env.db.query(`SELECT code FROM accounting.ledger_accounts ORDER BY code`)).rows.map((r: { code: string }) => r.code);
    expect(chart.length).toBeGreaterThan(20);
    const chartPages = await walk<{ code: string }>('/chart', 7, (r) => r.code);
    expect(chartPages.flat().map((r) => r.code)).toEqual(chart);
    expect(chartPages[0]).toHaveLength(7);
    expect((await whole<{ code: string }>('/chart')).map((r) => r.code)).toEqual(chart);

    // A second rule set, so a page boundary falls between two: each page holds whole sets.
    await env.db.query(
      `INSERT INTO accounting.posting_rule_sets (version, effective_from, description) SELECT 990, '2999-01-01', 'paging' WHERE NOT EXISTS (SELECT 1 FROM accounting.posting_rule_sets WHERE version = 990)`,
    );
    await env.db.query(
      `INSERT INTO accounting.posting_rules SELECT 990, event, recognition, variant, line_no, account, direction, amount, aux FROM accounting.posting_rules WHERE version = 1 ON CONFLICT DO NOTHING`,
    );
    const rules = await whole<{ version: number }>('/posting-rules');
    const rulesPages = await walk<{ version: number }>('/posting-rules', 1, (r) => String(r.version));
    expect(rulesPages.map((p) => [...new Set(p.map((r) => r.version))])).toEqual([[1], [990], []]);
    expect(rulesPages.flat()).toEqual(rules);
    expect(rulesPages[0]!.length).toBe(rulesPages[1]!.length);
    await env.db.query(`DELETE FROM accounting.posting_rules WHERE version = 990`);
    await env.db.query(`DELETE FROM accounting.posting_rule_sets WHERE version = 990`);

    // Cash: EUR, GBP and USD nostros; a page of two currencies holds every nostro of each.
    const cash = await whole<{ currency: string; custodian: string }>('/cash');
    expect([...new Set(cash.map((c) => c.currency))]).toEqual(['EUR', 'GBP', 'USD']);
    const cashPages = await walk<{ currency: string }>('/cash', 2, (r) => r.currency);
    expect(cashPages.map((p) => [...new Set(p.map((r) => r.currency))])).toEqual([['EUR', 'GBP'], ['USD']]);
    expect(cashPages.flat()).toEqual(cash);

    // FX results: whole closes a page at a time, the range's totals on every page.
    type Fx = { results: Array<{ closeDate: string }>; totals: unknown[] };
    const fxWhole = await get<Fx>('/fx/results?from=2026-11-01&to=2026-12-31');
    const closes = [...new Set(fxWhole.results.map((r) => r.closeDate))];
    expect(closes.length).toBeGreaterThan(2);
    const fxPages = await walk<{ closeDate: string }>(
      '/fx/results?from=2026-11-01&to=2026-12-31',
      2,
      (r) => r.closeDate,
      (a) => (a as Fx).results,
    );
    expect(fxPages.flat()).toEqual(fxWhole.results);
    expect(fxPages[0]!.filter((r) => r.closeDate === closes[0]).length).toBe(fxWhole.results.filter((r) => r.closeDate === closes[0]).length);
    expect((await get<Fx>(`/fx/results?from=2026-11-01&to=2026-12-31&limit=1&after=${closes[0]}`)).totals).toEqual(fxWhole.totals);

    // A trade's journal: whole entries in the order posted (REC-1 settled in two steps after its trade date).
    const entries = (
      await env.db.query(`SELECT entry_id::text AS id FROM accounting.journal_entries WHERE trade_ref = 'FO-EQ:REC-1' ORDER BY posted_seq`)
    ).rows.map((r: { id: string }) => r.id);
    expect(entries.length).toBeGreaterThan(1);
    const journal = await whole<{ entryId: string }>('/journal/by-trade/FO-EQ%3AREC-1');
    const journalPages = await walk<{ entryId: string }>('/journal/by-trade/FO-EQ%3AREC-1', 1, (r) => r.entryId);
    expect(journalPages.map((p) => [...new Set(p.map((r) => r.entryId))])).toEqual([...entries.map((e) => [e]), []]);
    expect(journalPages.flat()).toEqual(journal);

    // Held events: three held at one instant, the page boundary inside them, ties split by event id.
    await env.db.query(
      `INSERT INTO accounting.held_events (event_id, trade_ref, event_type, reason, event, held_at)
       SELECT 'PAGING-HELD-' || n, 'PAGING-HELD', 'SettlementConfirmed', 'TRADE_CANCELLED', '{}', '2026-11-30T10:00:00Z' FROM generate_series(1, 3) AS n`,
    );
    const heldPages = await walk<{ eventId: string }>('/held-events/by-trade/PAGING-HELD', 2, (r) => r.eventId);
    expect(heldPages.map((p) => p.map((r) => r.eventId))).toEqual([['PAGING-HELD-1', 'PAGING-HELD-2'], ['PAGING-HELD-3']]);

    // A bad limit or cursor is a 400; a cursor that is no row of the list a 404.
    for (const path of [
      '/chart?limit=0',
      '/posting-rules?after=one',
      '/cash?after=euro',
      '/fx/results?from=2026-11-01&to=2026-12-31&after=2026-13-01',
      '/periods?limit=1001',
    ]) {
      expect([path, (await fetch(url(path))).status]).toEqual([path, 400]);
    }
    for (const path of [
      '/journal/by-trade/FO-EQ%3AREC-1?after=00000000-0000-4000-8000-000000000000',
      '/held-events/by-trade/FO-EQ%3AREC-1?after=PAGING-HELD-1',
      '/periods?after=FY1999',
    ]) {
      expect([path, (await fetch(url(path))).status]).toEqual([path, 404]);
    }
    await env.db.query(`DELETE FROM accounting.held_events WHERE trade_ref = 'PAGING-HELD'`);
  });

  // PROP-09 is in no refdata.accounts.v1 event: its trades carry the category (placement → 312000)
  // and the cost method (FIFO) capture read. Buy 100 at 10.00, buy 100 at 12.00, sell 150 at 13.00,
  // settled 30 Nov. FIFO: the sale releases 1000.00 + 50 × 12.00 = 1600.00, gain 350.00, 50 left at
  // 600.00 (CMP would give 1650.00, 300.00 and 550.00; the trading book would post to 311000).
  it('a trade is booked with the category and cost method its event carries, before accounting has read the account: 312000, FIFO gain 350.00', async () => {
    const carried = { account: 'PROP-09', accountingCategory: 'PLACEMENT', costMethod: 'FIFO' } as const;
    const [S1, S2, S3] = [P1, P2, P3].map((p, i) => trade(`FO-PR:S-${i + 1}`, { ...p, ...carried, tradeRef: `FO-PR:S-${i + 1}`, tradeId: `S-${i + 1}` }));
    await send(Topics.tradeEvents, [captured(S1!), captured(S2!), captured(S3!)]);
    await send(Topics.settlementEvents, [step(S1!, { status: 'SETTLED' }), step(S2!, { status: 'SETTLED' }), step(S3!, { status: 'SETTLED' })]);
    expect(await lines(S3!.tradeRef, 'SETTLEMENT')).toEqual([
      ['904100', '1950.00', '0.00'],
      ['904900', '0.00', '1950.00'],
      ['512000', '1950.00', '0.00'],
      ['312000', '0.00', '1950.00'],
    ]);
    await markDay(env.prefix, '2026-12-16');
    expect(await lines('POSITION:PROP-09:FR0000133308', 'RECOSTING')).toEqual([
      ['312000', '350.00', '0.00'],
      ['767000', '0.00', '350.00'],
    ]);
    const [pos] = await get<Array<{ cost: { quantity: string; cost: string; lots: unknown; realized: string } }>>('/positions/PROP-09');
    expect(pos!.cost).toMatchObject({ quantity: '50', cost: '600.00', lots: [{ quantity: '50', cost: '600.00' }], realized: '350.00' });
    expect((await env.db.query(`SELECT count(*)::int AS n FROM accounting.accounts_ref WHERE account = 'PROP-09'`)).rows[0].n).toBe(0);
  });
});
