import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics } from '@postera/contracts';
import { closeDay, eodSummary, loadSampleReferential, openDay, publish, sampleConfirmations, waitUntil } from '@postera/devstack';
import { executionMessage, startSmtpSink, type SmtpSink } from '@postera/testing';
import { count, e2eEnv, groupCaughtUp, type E2eEnv } from './harness.js';

jest.setTimeout(240_000);

// Thursday 26 Nov 2026, T+2 on TARGET → Monday 30 Nov 2026.
const TRADE_DATE = '2026-11-26';
const SETTLEMENT_DATE = '2026-11-30';
const REF = 'FO-EQ:E2E-0001';
// Buy 150 TotalEnergies at 58.505 EUR: gross 8775.75, commission 8.78 → the client pays 8784.53.
const message = executionMessage({ messageId: '7d4f2a51-2c1e-4d7a-9a61-0d3c1f6b5e01', tradeId: 'E2E-0001', tradeDate: TRADE_DATE });

describe('one trade through every stage, on the real broker and database', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink({ port: 0 });
    env = await e2eEnv('one-trade', { basePort: 4100, smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    await env.stack.startAll();
    await loadSampleReferential(env.stack);
    await openDay(env.stack, TRADE_DATE);
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
  });

  it('captures, instructs, settles on the settlement date, books balanced entries, reports and notifies — once, although published twice', async () => {
    const value = JSON.stringify(message);
    // The same message twice (the platform sent it again), and the same trade again under a new messageId.
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, [
      { key: REF, value },
      { key: REF, value },
      { key: REF, value: JSON.stringify({ ...message, messageId: '7d4f2a51-2c1e-4d7a-9a61-0d3c1f6b5e02' }) },
    ]);
    // The counterparty confirms once the trade is captured (the two topics have no order between them: a
    // confirmation that came first would be received PENDING and matched when the trade arrives — a
    // path of its own, tested in capture): the trade is validated straight through, and only then instructed.
    await waitUntil(async () => (await count(env.db, `SELECT count(*) AS n FROM capture.trades`)) === 1, 'the trade to be captured', 30_000);
    await publish(env.brokers, env.prefix, Topics.confirmationsReceived, sampleConfirmations([{ message }]));
    await waitUntil(async () => (await count(env.db, `SELECT count(*) AS n FROM market_sim.instructions`)) === 1, 'the instruction to reach the CSD', 60_000);

    await closeDay(env.stack, TRADE_DATE);
    await openDay(env.stack, '2026-11-27');
    await closeDay(env.stack, '2026-11-27');
    // Not settled yet: the intended settlement date is Monday.
    await waitUntil(
      async () => (await count(env.db, `SELECT count(*) AS n FROM market_sim.business_day WHERE business_date = '2026-11-27' AND status = 'CLOSED'`)) === 1,
      'the CSD to close Friday',
      30_000,
    );
    expect(await count(env.db, `SELECT count(*) AS n FROM settlement.instructions WHERE status = 'SETTLED'`)).toBe(0);
    await openDay(env.stack, SETTLEMENT_DATE);
    await closeDay(env.stack, SETTLEMENT_DATE);

    await waitUntil(async () => (await eodSummary(env.stack)).reporting.settled === 1, 'settlement to reach reporting', 60_000);
    // 30 Nov is November's last business day: its close files the month's TTF. Whether that file already
    // holds the trade the CSD settles at the same close depends on which of the two reporting reads
    // first; the next month's first close files it again as a correction when it does not. After both,
    // accounting has accrued the trade's TTF exactly once.
    await openDay(env.stack, '2026-12-01');
    await closeDay(env.stack, '2026-12-01');
    await waitUntil(
      async () => (await count(env.db, `SELECT count(*) AS n FROM accounting.journal_entries WHERE kind = 'TTF_ACCRUAL'`)) === 1,
      'the TTF of November to be accrued',
      60_000,
    );
    await smtp.waitFor(2, 30_000);

    // Capture: three records, one trade; the same message sent again and the resend under a new id each a duplicate.
    // The one trade stands confirmed; its one confirmation matched on arrival.
    const capture = await env.stack.read<Record<string, unknown>>(`${env.stack.url('capture')}/summary`);
    expect(capture).toMatchObject({
      consumed: 3,
      captured: 1,
      exceptions: 0,
      duplicates: 2,
      confirmations: {
        trades: 1,
        confirmed: 1,
        pending: 0,
        mismatched: 0,
        unconfirmedAtClose: 0,
        validatedWithoutConfirmation: 0,
        receipts: { consumed: 1, matchedOnArrival: 1, pendingOnArrival: 0, exceptions: 0, duplicates: 0 },
      },
    });
    const trade = await env.stack.read<Record<string, unknown> & { history: Array<{ status: string; eventType: string }> }>(
      `${env.stack.url('capture')}/trades/${encodeURIComponent(REF)}`,
    );
    expect([trade.grossAmount, trade.feesAmount, trade.netAmount, trade.settlementDate, trade.validatedHow]).toEqual([
      '8775.75',
      '8.78',
      '8784.53',
      SETTLEMENT_DATE,
      'STRAIGHT_THROUGH',
    ]);
    // The trade's own lifecycle, settlement's statuses mirrored back (DOMAIN.md §1).
    await waitUntil(
      async () => (await env.stack.read<{ status: string }>(`${env.stack.url('capture')}/trades/${encodeURIComponent(REF)}`)).status === 'SETTLED',
      'capture to see the settlement',
      30_000,
    );
    expect(trade.history.slice(0, 3).map((h) => `${h.eventType}:${h.status}`)).toEqual([
      'TradeCaptured:CAPTURED',
      'TradeConfirmed:CONFIRMED',
      'TradeValidated:VALIDATED',
    ]);

    // Settlement: one RVP instruction, its whole lifecycle, settled on the intended date.
    const instruction = await env.stack.read<{
      instructionType: string;
      status: string;
      effectiveSettlementDate: string;
      settlementAmount: string;
      history: Array<{ status: string }>;
    }>(`${env.stack.url('settlement')}/instructions/by-trade/${encodeURIComponent(REF)}`);
    expect([instruction.instructionType, instruction.status, instruction.effectiveSettlementDate, instruction.settlementAmount]).toEqual([
      'RVP',
      'SETTLED',
      SETTLEMENT_DATE,
      '8784.53',
    ]);
    expect(instruction.history.map((h) => h.status)).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED', 'SETTLED']);

    // Accounting: the commitment at trade date, the settlement at settlement date, every line as expected.
    const journal = await env.stack.read<Array<{ kind: string; accountingDate: string; accountCode: string; debit: string; credit: string }>>(
      `${env.stack.url('accounting')}/journal/by-trade/${encodeURIComponent(REF)}`,
    );
    expect(journal.map((l) => [l.kind, l.accountingDate, l.accountCode, l.debit, l.credit])).toEqual([
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903100', '8775.75', '0.00'],
      ['TRADE_DATE_COMMITMENT', TRADE_DATE, '903900', '0.00', '8775.75'],
      ['SETTLEMENT', SETTLEMENT_DATE, '903900', '8775.75', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '903100', '0.00', '8775.75'],
      // Securities post to the account of the book's portfolio category (CLI-0003: PLACEMENT → 312000, titres de placement).
      ['SETTLEMENT', SETTLEMENT_DATE, '312000', '8775.75', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '622000', '8.78', '0.00'],
      ['SETTLEMENT', SETTLEMENT_DATE, '512000', '0.00', '8784.53'],
    ]);
    const summary = await eodSummary(env.stack, SETTLEMENT_DATE);
    // The trade's entries (26,336.03 each side) and the TTF accrued on it: 0.4 % × 8,775.75 = 35.103 → 35.10.
    expect(summary.accounting.perCurrency).toEqual([{ currency: 'EUR', debit: '26371.13', credit: '26371.13', balanced: true }]);
    expect(summary.reporting).toMatchObject({ captured: 1, instructed: 1, settled: 1, failing: 0, journalEntries: 2, settlementEfficiency: '1.0000' });

    // Notification: the avis d'opéré and the settlement confirmation, once each, in English.
    expect(smtp.messages.map((m) => (Array.isArray(m.to) ? m.to.map((a) => a.text).join(', ') : m.to?.text))).toEqual([
      'emily.carter@example.co.uk',
      'emily.carter@example.co.uk',
    ]);
    const avis = smtp.messages.find((m) => /confirmation|avis/i.test(m.subject ?? '') && !/settle/i.test(m.subject ?? ''));
    expect(avis?.text).toContain('FR0000120271');
    expect(avis?.text).toContain('8,775.75');

    // Publishing the same message once more, after the fact, changes nothing anywhere.
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, [{ key: REF, value }]);
    await waitUntil(
      () => groupCaughtUp(`${env.prefix}.capture.trades-executed`, physicalTopic(env.prefix, Topics.tradesExecuted)),
      'capture to consume the replay',
      30_000,
    );
    const counts = await Promise.all([
      count(env.db, 'SELECT count(*) AS n FROM capture.trades'),
      count(env.db, 'SELECT count(*) AS n FROM settlement.instructions'),
      count(env.db, 'SELECT count(*) AS n FROM market_sim.instructions'),
      count(env.db, 'SELECT count(*) AS n FROM accounting.journal_entries'),
      count(env.db, 'SELECT count(*) AS n FROM reporting.trade_activity'),
      count(env.db, 'SELECT count(*) AS n FROM notification.notifications'),
    ]);
    expect(counts).toEqual([1, 1, 1, 3, 1, 2]); // journal: trade date, settlement, and the month's TTF accrual
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages).toHaveLength(2);
  });

  it('through the gateway: the trade’s timeline names every stage, the CSD’s scenario is read; a reference no service knows is 404, not a page of nulls', async () => {
    const timeline = async (ref: string) => {
      const res = await fetch(`${env.stack.url('gateway')}/api/trades/${encodeURIComponent(ref)}/timeline`, { headers: await env.stack.auth(['operator']) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const known = await timeline(REF);
    expect(known.status).toBe(200);
    expect(known.body).toMatchObject({ tradeRef: REF, trade: { status: 'SETTLED' }, instruction: { status: 'SETTLED' } });
    // Reporting's part: its names and dates as the rest of the API writes them.
    expect(known.body.activity).toMatchObject({ tradeRef: REF, tradeDate: TRADE_DATE, tradeVersion: 1, amendments: 0, journalEntries: expect.any(Number) });
    expect(new Set((known.body.journal as Array<{ entryId: string }>).map((l) => l.entryId)).size).toBe(2); // its two entries' lines
    // The simulated CSD's scenario, reached through the gateway where MARKET_SIM_URL is set: the start-up one, then a refusal passed on.
    const scenarioUrl = `${env.stack.url('gateway')}/api/simulator/scenario`;
    const scenario = await fetch(scenarioUrl, { headers: await env.stack.auth(['operator']) });
    expect([scenario.status, ((await scenario.json()) as { setBy: unknown }).setBy]).toEqual([200, null]);
    const refused = await fetch(scenarioUrl, {
      method: 'PUT',
      headers: { ...(await env.stack.auth(['operator'])), 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ outcome: 'SETTLE' }] }),
    });
    expect(refused.status).toBe(400);
    const unknown = await timeline('FO-EQ:NO-SUCH-TRADE');
    expect(unknown).toEqual({
      status: 404,
      body: expect.objectContaining({ message: 'no trade FO-EQ:NO-SUCH-TRADE: capture, settlement, accounting, reporting and notification know none' }),
    });
  });
});
