import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { referentialImport, waitUntil, type OperatorRole } from '@postera/devstack';
import { count, e2eEnv, type E2eEnv } from './harness.js';

// One calendar import by an operator — TARGET closed on Tuesday 1 Dec 2026 besides its usual days —
// moves every date the back office counts on that calendar, alike: the settlement date capture
// computes, the age of a fail, the days a CSDR penalty accrues, and the deadline of the avis d'opéré.
// Each date asserted below is the one the import makes; the kernel's built-in TARGET (and the sample
// referential's) keeps 1 Dec open, and each comment says what the date would have been without it.
jest.setTimeout(300_000);

const CLOSED = '2026-12-01';

// Sanofi is matched one business day late at the CSD; BNP Paribas fails (LACK) at every cycle.
const LATE_MATCHED_ISIN = 'FR0000120578';
const FAILING_ISIN = 'FR0000131104';

const trade = (tradeDate: string, isin: string, price: string) => ({
  executedAt: `${tradeDate}T10:15:00.000+01:00`,
  tradeDate,
  side: 'BUY',
  isin,
  quantity: '10',
  price,
  priceType: 'UNIT',
  currency: 'EUR',
  venue: 'XOFF',
  account: 'CLI-0003',
  counterparty: '529900COUNTERPTY0129',
  capacity: 'AOTC',
  orderType: 'LIMIT',
  fees: [],
});

interface Timeline {
  trade: { settlementDate: string } | null;
  instruction: { status: string; intendedSettlementDate: string; effectiveSettlementDate: string | null } | null;
}

describe("an operator's calendar import moves every date alike", () => {
  let env: E2eEnv;
  let gw: string;
  const as = (sub: string, roles: OperatorRole[]) => env.stack.issuer.token(sub, roles);
  const call = async <T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${gw}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as T };
  };
  /** Alice proposes, Bob approves: the maker-checker every change goes through. */
  const proposeAndApprove = async (kind: string, params: unknown) => {
    const proposed = await call('POST', '/api/proposals', await as('alice', ['operator']), { kind, params });
    expect(proposed.status).toBe(201);
    const approved = await call('POST', `/api/proposals/${String(proposed.json.proposalId)}/approve`, await as('bob', ['supervisor']));
    expect(approved.json.status).toBe('EXECUTED');
    return approved.json.result as Record<string, unknown>;
  };
  const day = async (action: 'open' | 'close', businessDate: string) => {
    const r = await call('POST', `/api/business-day/${action}`, await as('sam', ['supervisor']), { businessDate });
    expect(r.status).toBe(200);
  };
  const book = async (t: ReturnType<typeof trade>) => ((await proposeAndApprove('BOOK_TRADE', { trade: t })).booked as { tradeRef: string }).tradeRef;
  const timeline = async (ref: string) => (await call<Timeline>('GET', `/api/trades/${encodeURIComponent(ref)}/timeline`, await as('olga', ['operator']))).json;
  const instructionReaches = (ref: string, status: string, timeoutMs: number) =>
    waitUntil(async () => (await timeline(ref)).instruction?.status === status, `the instruction of ${ref} to be ${status}`, timeoutMs);
  /** The penalty days of a trade on the given dates, as `date kind`. */
  const penaltyDays = async (ref: string, dates: string[]) => {
    const operator = await as('olga', ['operator']);
    const days: string[] = [];
    for (const date of dates) {
      const daily = await call<{ penalties: Array<{ tradeRef: string; kind: string }> }>('GET', `/api/penalties/daily?date=${date}`, operator);
      expect(daily.status).toBe(200);
      days.push(...daily.json.penalties.filter((p) => p.tradeRef === ref).map((p) => `${date} ${p.kind}`));
    }
    return days;
  };

  beforeAll(async () => {
    // No mail server answers: no avis d'opéré goes out, so each one's deadline is reported late at
    // the close that passes it, and the late report shows the deadline notification computed.
    env = await e2eEnv('calendar-import', {
      basePort: 5800,
      smtpUrl: 'smtp://127.0.0.1:1',
      serviceEnv: {
        'market-sim': {
          MARKET_SIM_RULES: JSON.stringify([
            { isin: LATE_MATCHED_ISIN, outcome: 'LATE_MATCH', reason: 'CMIS', days: 1 },
            { isin: FAILING_ISIN, outcome: 'FAIL', reason: 'LACK' },
          ]),
        },
      },
    });
    await env.stack.startAll();
    gw = env.stack.url('gateway');
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('TARGET closed on Tue 1 Dec: the settlement date, the fail’s age, the penalty days and the avis deadline all skip it', async () => {
    const operator = await as('olga', ['operator']);
    await proposeAndApprove('IMPORT_REFERENTIAL', { referential: referentialImport() });

    // The calendar import: the sample's TARGET with one closing day more, proposed and approved like any referential change.
    const target = referentialImport().calendars.find((c) => c.code === 'TARGET')!;
    expect(target.holidays.map((h) => h.date)).not.toContain(CLOSED);
    const closedTarget = {
      ...target,
      holidays: [...target.holidays, { date: CLOSED, name: 'Exceptional closing day' }].sort((a, b) => a.date.localeCompare(b.date)),
    };
    const imported = await proposeAndApprove('IMPORT_REFERENTIAL', { referential: { calendars: [closedTarget] } });
    expect(imported.calendars).toEqual({ created: 0, changed: 1, unchanged: 0 });

    // Capture counts on its own table at once; settlement and notification follow refdata.calendars.v1
    // (version 2 of TARGET) before any trade is booked, so every date below is counted on the new calendar.
    const captureCalendars = await call<Array<{ code: string; version: number; holidays: Array<{ date: string }> }>>(
      'GET',
      '/api/referential/calendars',
      operator,
    );
    const captured = captureCalendars.json.find((c) => c.code === 'TARGET');
    expect([captured?.version, captured?.holidays.some((h) => h.date === CLOSED)]).toEqual([2, true]);
    for (const schema of ['settlement', 'notification']) {
      await waitUntil(
        async () =>
          (await count(
            env.db,
            `SELECT count(*) AS n FROM ${schema}.calendars WHERE code = 'TARGET' AND version = 2 AND holidays @> jsonb_build_array(jsonb_build_object('date', $1::text))`,
            [CLOSED],
          )) === 1,
        `${schema} to follow the imported TARGET`,
        60_000,
      );
    }

    // Thu 26 Nov: two trades for Mon 30 Nov (T+2; 1 Dec is after it, so their date does not move) —
    // one the CSD matches late, one it fails.
    await day('open', '2026-11-26');
    const lateMatched = await book(trade('2026-11-26', LATE_MATCHED_ISIN, '92.75'));
    const failing = await book(trade('2026-11-26', FAILING_ISIN, '64.20'));
    await instructionReaches(lateMatched, 'UNMATCHED', 60_000);
    await instructionReaches(failing, 'MATCHED', 60_000);
    await day('close', '2026-11-26');

    // Fri 27 Nov: T+2 is Mon 30 Nov, then Wed 2 Dec (without the import: Tue 1 Dec).
    await day('open', '2026-11-27');
    const friday = await book(trade('2026-11-27', 'FR0000120271', '58.50'));
    await instructionReaches(friday, 'MATCHED', 60_000);
    await day('close', '2026-11-27');

    // Mon 30 Nov: T+2 is Wed 2 Dec, then Thu 3 Dec (without the import: Wed 2 Dec); its avis is due
    // by the end of the next business day, Wed 2 Dec (without the import: Tue 1 Dec).
    await day('open', '2026-11-30');
    const monday = await book(trade('2026-11-30', 'FR0000121014', '612.30'));
    await instructionReaches(monday, 'MATCHED', 60_000);
    await day('close', '2026-11-30');

    // 1 Dec is closed: the next day the operator opens is Wed 2 Dec.
    await day('open', '2026-12-02');
    await day('close', '2026-12-02');
    await instructionReaches(friday, 'SETTLED', 90_000);
    await instructionReaches(lateMatched, 'SETTLED', 90_000);

    // The settlement date capture computed and settlement instructed: Wed 2 Dec (without the import: Tue 1 Dec).
    // The CSD settled it at the close of 2 Dec, the first close on or after either date.
    const fridayTimeline = await timeline(friday);
    expect([
      fridayTimeline.trade?.settlementDate,
      fridayTimeline.instruction?.intendedSettlementDate,
      fridayTimeline.instruction?.effectiveSettlementDate,
    ]).toEqual(['2026-12-02', '2026-12-02', '2026-12-02']);
    // Monday's trade is due Thu 3 Dec: the close of Wed 2 Dec (which settled Friday's) leaves it matched,
    // where without the import it would have settled then.
    const mondayTimeline = await timeline(monday);
    expect([mondayTimeline.trade?.settlementDate, mondayTimeline.instruction?.intendedSettlementDate, mondayTimeline.instruction?.status]).toEqual([
      '2026-12-03',
      '2026-12-03',
      'MATCHED',
    ]);

    // Fail ageing: intended Mon 30 Nov, failing as of Wed 2 Dec — 30 Nov and 2 Dec, 2 business days
    // (without the import: 3, 1 Dec counted).
    const fails = await call<{ fails: Array<{ tradeRef: string; intendedSettlementDate: string; reason: string; ageBusinessDays: number }> }>(
      'GET',
      '/api/fails?asOf=2026-12-02',
      operator,
    );
    expect(fails.json.fails.find((f) => f.tradeRef === failing)).toMatchObject({ intendedSettlementDate: '2026-11-30', reason: 'LACK', ageBusinessDays: 2 });

    // Penalties. Late matching: intended Mon 30 Nov, matched at the close of Wed 2 Dec — LMFP accrues for
    // each business day from the intended date to the day before the matching: 30 Nov only (without
    // the import: 30 Nov and 1 Dec). Settled at that same close, it owes no SEFP.
    const dates = ['2026-11-30', CLOSED, '2026-12-02'];
    await waitUntil(async () => (await penaltyDays(lateMatched, dates)).length > 0, 'the late-matching penalty to accrue', 60_000);
    expect(await penaltyDays(lateMatched, dates)).toEqual(['2026-11-30 LMFP']);
    // The fail: an SEFP day for each cycle the CSD ran and the instruction failed — 30 Nov and 2 Dec.
    // These follow the CSD's closes (the operator opened no 1 Dec), not a count on the calendar.
    await waitUntil(async () => (await penaltyDays(failing, dates)).length === 2, 'the fail’s penalty of 2 Dec to accrue', 60_000);
    expect(await penaltyDays(failing, dates)).toEqual(['2026-11-30 SEFP', '2026-12-02 SEFP']);

    // The notice deadline: Monday's avis was due by Wed 2 Dec (without the import: Tue 1 Dec), reported
    // late at that close; Friday's, due Mon 30 Nov, is the same with or without the import.
    let late: Array<{ tradeRef: string; tradeDate: string; deadline: string; reportedOn: string }> = [];
    await waitUntil(
      async () => {
        late = (await call<typeof late>('GET', '/api/avis/late', operator)).json;
        return late.some((l) => l.tradeRef === monday);
      },
      "Monday's avis to be reported late",
      60_000,
    );
    const deadlines = (ref: string) => late.filter((l) => l.tradeRef === ref).map((l) => [l.tradeDate, l.deadline, l.reportedOn]);
    expect(deadlines(monday)).toEqual([['2026-11-30', '2026-12-02', '2026-12-02']]);
    expect(deadlines(friday)).toEqual([['2026-11-27', '2026-11-30', '2026-11-30']]);
  });
});
