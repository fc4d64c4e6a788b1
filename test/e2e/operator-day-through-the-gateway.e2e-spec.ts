import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { renderSemt002 } from '@postera/iso20022';
import { PEOPLE, referentialImport, waitUntil, type OperatorRole } from '@postera/devstack';
import { Dec } from '@postera/kernel';
import { createHash } from 'node:crypto';
import { amountFieldsOutOfForm, OpenApiAnswers, type OpenApiDocument } from '@postera/testing';
import { e2eEnv, type E2eEnv } from './harness.js';

// An operator's day, every step through the gateway with a bearer token: the referential imported
// and a trade booked by hand (each approved by a second person), followed to settlement, a
// reconciliation break investigated and resolved (approved), a report filed and downloaded, and the
// audit chain naming each person at the end. Then the year before is closed, a trade of that year
// is booked late, and the closed year's FEC and trial balance do not change by a byte.
jest.setTimeout(240_000);

const TRADE = {
  executedAt: '2026-11-26T14:02:11.000+01:00',
  tradeDate: '2026-11-26',
  side: 'BUY',
  isin: 'FR0000120271',
  quantity: '150',
  price: '58.50',
  priceType: 'UNIT',
  currency: 'EUR',
  venue: 'XOFF',
  account: 'CLI-0003',
  counterparty: '529900COUNTERPTY0129',
  capacity: 'AOTC',
  orderType: 'LIMIT',
  fees: [{ type: 'COMMISSION', amount: '8.78', currency: 'EUR' }],
};

describe("an operator's day through the gateway", () => {
  let env: E2eEnv;
  let gw: string;
  const as = (sub: string, roles: OperatorRole[]) => env.stack.issuer.token(sub, roles);
  const call = async <T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${gw}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const buffer = Buffer.from(await res.arrayBuffer());
    let json: unknown = null;
    try {
      json = JSON.parse(buffer.toString('utf8'));
    } catch {
      json = null;
    }
    return { status: res.status, json: json as T, buffer, headers: res.headers };
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

  beforeAll(async () => {
    // The simulated CSD fails every BNP Paribas instruction (LACK): a fail to work through the gateway.
    env = await e2eEnv('operator-day', {
      basePort: 5500,
      smtpUrl: 'smtp://127.0.0.1:1',
      serviceEnv: { 'market-sim': { MARKET_SIM_FAIL_ISINS: 'FR0000131104' } },
    });
    await env.stack.startAll();
    gw = env.stack.url('gateway');
  });

  afterAll(async () => {
    await env?.teardown();
  });

  /** The trades the day booked, for the amounts' contract check at the end. */
  const tradeRefs: string[] = [];

  it('book, approve, follow to settlement, resolve a break, download a report — each by a named person, all audited', async () => {
    // The referential, imported by a proposal.
    const imported = await proposeAndApprove('IMPORT_REFERENTIAL', { referential: referentialImport() });
    expect((imported as { accounts: { created: number } }).accounts.created).toBe(5);
    await day('open', '2026-11-26');

    // A trade booked by hand: alice books it, bob validates it.
    const booked = await proposeAndApprove('BOOK_TRADE', { trade: TRADE });
    const ref = (booked.booked as { tradeRef: string }).tradeRef;
    expect(booked.approved).toMatchObject({ status: 'VALIDATED', validatedBy: 'bob', maker: 'alice' });
    const failing = await proposeAndApprove('BOOK_TRADE', { trade: { ...TRADE, isin: 'FR0000131104', quantity: '100', price: '64.20', fees: [] } });
    const failingRef = (failing.booked as { tradeRef: string }).tradeRef;

    // Both instructions matched at the CSD before the days roll, as a real CSD would have them before
    // their settlement date (the CSD checks each instruction against its schema first).
    const operator = await as('olga', ['operator']);
    await waitUntil(
      async () => {
        const statuses = await Promise.all(
          [ref, failingRef].map(async (r) => {
            const t = await call<{ instruction: { status: string } | null }>('GET', `/api/trades/${encodeURIComponent(r)}/timeline`, operator);
            return t.json.instruction?.status;
          }),
        );
        return statuses.every((s) => s === 'MATCHED');
      },
      'both instructions matched at the CSD',
      60_000,
    );

    // Followed to settlement on Monday 30 Nov (T+2 on TARGET).
    await day('close', '2026-11-26');
    await day('open', '2026-11-27');
    await day('close', '2026-11-27');
    await day('open', '2026-11-30');
    await day('close', '2026-11-30');
    await waitUntil(
      async () => {
        const t = await call<{ instruction: { status: string } | null }>('GET', `/api/trades/${encodeURIComponent(ref)}/timeline`, operator);
        return t.json.instruction?.status === 'SETTLED';
      },
      'the manual trade to settle',
      90_000,
    );
    // The BNP trade fails (LACK): on the fails list, resent, then cancelled and re-instructed — each approved by bob.
    const fails = await call<{ fails: Array<{ instructionId: string; tradeRef: string; reason: string; ageBusinessDays: number }> }>(
      'GET',
      '/api/fails?asOf=2026-11-30',
      operator,
    );
    const fail = fails.json.fails.find((f) => f.tradeRef === failingRef);
    expect(fail).toMatchObject({ reason: 'LACK', ageBusinessDays: 1 });
    expect(await proposeAndApprove('SETTLEMENT_ACTION', { failId: fail!.instructionId, action: 'resend' })).toMatchObject({ action: 'RESENT', by: 'alice' });
    await proposeAndApprove('SETTLEMENT_ACTION', { failId: fail!.instructionId, action: 'cancel-and-reinstruct' });
    const timeline = await call<{ instruction: { instructionId: string; history: Array<{ status: string; reason: string | null }> } }>(
      'GET',
      `/api/trades/${encodeURIComponent(failingRef)}/timeline`,
      operator,
    );
    expect(timeline.json.instruction.instructionId).not.toBe(fail!.instructionId);
    expect(timeline.json.instruction.history.map((h) => h.reason)).toContain(`REINSTRUCTS_${fail!.instructionId}`);
    // Its CSDR penalty for 30 Nov (LACK: payable) is waived — proposed by alice, approved by bob — and accounting reverses it.
    let penaltyId = '';
    await waitUntil(
      async () => {
        const daily = await call<{ penalties: Array<{ penaltyId: string; tradeRef: string; amount: string | null }> }>(
          'GET',
          '/api/penalties/daily?date=2026-11-30',
          operator,
        );
        penaltyId = daily.json.penalties.find((p) => p.tradeRef === failingRef && p.amount !== null)?.penaltyId ?? '';
        return penaltyId !== '';
      },
      'the penalty of the failing trade to accrue',
      60_000,
    );
    await proposeAndApprove('WAIVE_PENALTY', { penaltyId, reason: 'fail caused by the CSD outage of 30 Nov' });
    const penaltyLines = async () =>
      (
        await call<Array<{ kind: string; accountCode: string; debit: string; credit: string }>>(
          'GET',
          `/api/trades/${encodeURIComponent(failingRef)}/journal`,
          operator,
        )
      ).json.filter((l) => l.kind === 'PENALTY' || l.kind === 'PENALTY_WAIVER');
    await waitUntil(async () => (await penaltyLines()).some((l) => l.kind === 'PENALTY_WAIVER'), 'accounting to reverse the waived penalty', 30_000);
    const byAccount = new Map<string, Dec>();
    for (const l of await penaltyLines()) byAccount.set(l.accountCode, (byAccount.get(l.accountCode) ?? new Dec(0)).plus(l.debit).minus(l.credit));
    // Every account the accrual touched is back to zero.
    expect([...byAccount.entries()].filter(([, balance]) => !balance.isZero()).map(([code, balance]) => `${code} ${balance.toFixed()}`)).toEqual([]);
    expect(byAccount.size).toBeGreaterThanOrEqual(2);
    const journal = await call<Array<{ kind: string; accountCode: string; debit: string; credit: string }>>(
      'GET',
      `/api/trades/${encodeURIComponent(ref)}/journal`,
      operator,
    );
    // 150 × 58.50 = 8775.00 EUR, a commission of 8.78: every amount at the euro's two decimals.
    expect(journal.json.filter((l) => l.kind === 'SETTLEMENT').map((l) => [l.accountCode, l.debit, l.credit])).toEqual([
      ['903900', '8775.00', '0.00'],
      ['903100', '0.00', '8775.00'],
      ['312000', '8775.00', '0.00'],
      ['622000', '8.78', '0.00'],
      ['512000', '0.00', '8783.78'],
    ]);
    tradeRefs.push(ref, failingRef);

    // The custodian's holdings statement says 149 where we hold 150: a break, named field by field.
    const statement = renderSemt002({
      statementId: 'PLANTED-1',
      statementDate: '2026-11-30',
      safekeepingAccount: 'EF-POSTERA-CLI-0003',
      basis: 'SETT',
      holdings: [{ isin: 'FR0000120271', quantity: '149' }],
    });
    const upload = await call('POST', '/api/reconciliations/statements?account=CLI-0003', await as('alice', ['operator']), statement, 'application/xml');
    expect(upload.status).toBe(200);
    const breaks = await call<Array<{ breakId: string; field: string; ours: string; theirs: string; difference: string; status: string }>>(
      'GET',
      '/api/reconciliations/breaks?status=OPEN',
      operator,
    );
    const brk = breaks.json.find((b) => b.theirs === '149');
    expect(brk).toMatchObject({ ours: '150', theirs: '149', status: 'OPEN' });
    expect(
      (
        await call('PATCH', `/api/reconciliations/breaks/${brk!.breakId}`, await as('alice', ['operator']), {
          status: 'INVESTIGATING',
          comment: 'asked the custodian',
        })
      ).status,
    ).toBe(200);
    // Resolving it alone is refused, at the gateway and at accounting itself; through a proposal a supervisor approves it.
    expect(
      (await call('PATCH', `/api/reconciliations/breaks/${brk!.breakId}`, await as('alice', ['operator']), { status: 'RESOLVED', comment: 'x' })).status,
    ).toBe(400);
    const direct = `${env.stack.url('accounting')}/reconciliations/breaks/${brk!.breakId}`;
    const alone = await fetch(direct, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...(await env.stack.as(PEOPLE.supervisor, 'PATCH', direct)) },
      body: JSON.stringify({ status: 'RESOLVED', comment: 'alone' }),
    });
    expect(alone.status).toBe(403);
    await proposeAndApprove('RESOLVE_BREAK', { breakId: brk!.breakId, comment: 'custodian statement corrected: 150 confirmed by phone' });
    expect((await call<{ status: string }>('GET', `/api/reconciliations/breaks/${brk!.breakId}`, operator)).json.status).toBe('RESOLVED');

    // The desk's P&L sent through the gateway: 5.00 for a book that booked nothing that day is a break.
    // The desk corrects its figure; the next run no longer finds the break and closes it, no second person needed.
    const today = (await call<{ businessDate: string }>('GET', '/api/business-day', operator)).json.businessDate;
    const desk = async (amount: string) => {
      const r = await call(
        'POST',
        '/api/reconciliations/desk-pnl',
        await as('alice', ['operator']),
        `book,date,currency,amount\nDESK-ONLY,${today},EUR,${amount}\n`,
        'text/csv',
      );
      expect([r.status, r.json]).toEqual([200, { stored: 1, problems: [] }]);
      const run = await call<{ runId: string; breaks: Array<{ breakId: string; item: string; field: string }>; closed: Array<{ breakId: string }> }>(
        'POST',
        `/api/reconciliations/pnl?date=${today}&tolerance=0`,
        await as('alice', ['operator']),
      );
      expect(run.status).toBe(200);
      return run.json;
    };
    const wrong = await desk('5.00');
    const deskBreak = wrong.breaks.find((b) => b.item === 'DESK-ONLY|EUR');
    expect(deskBreak?.field).toBe('pnl (nothing booked)');
    const corrected = await desk('0.00');
    expect(corrected.closed.map((b) => b.breakId)).toEqual([deskBreak!.breakId]);
    expect(corrected.breaks.filter((b) => b.item === 'DESK-ONLY|EUR')).toEqual([]);
    const closedBreak = await call<{ status: string; closedByRun: string }>('GET', `/api/reconciliations/breaks/${deskBreak!.breakId}`, operator);
    expect([closedBreak.json.status, closedBreak.json.closedByRun]).toEqual(['CLOSED', corrected.runId]);
    const screen = await call<{ businessDate: string; closedToday: { byRuns: number; resolved: number } }>(
      'GET',
      '/api/reconciliations/breaks/summary',
      operator,
    );
    expect(screen.json.businessDate).toBe(today);
    expect(screen.json.closedToday.byRuns).toBeGreaterThanOrEqual(1);

    // A report filed and downloaded, its bytes matching the checksum it was filed with.
    const filed = await call<{ runs: Array<{ runId: string; files: Array<{ name: string; sha256: string }> }> }>(
      'POST',
      '/api/reports/runs',
      await as('alice', ['operator']),
      {
        kind: 'ACTIVITY',
        period: '2026-11-30',
      },
    );
    expect(filed.status).toBe(201);
    const run = filed.json.runs[0]!;
    const csv = run.files.find((f) => f.name.endsWith('.csv'))!;
    const downloaded = await call('GET', `/api/reports/runs/${run.runId}/files/${encodeURIComponent(csv.name)}`, operator);
    expect(downloaded.status).toBe(200);
    expect(createHash('sha256').update(downloaded.buffer).digest('hex')).toBe(csv.sha256);

    // The audit log names every person and verifies end to end.
    const auditor = await as('ada', ['auditor']);
    const audit = await call<Array<{ actor: string; action: string }>>('GET', '/api/audit?limit=1000', auditor);
    expect(audit.json.map((r) => `${r.actor} ${r.action}`)).toEqual(
      expect.arrayContaining([
        'alice PROPOSE IMPORT_REFERENTIAL',
        'bob APPROVE IMPORT_REFERENTIAL',
        'alice PROPOSE BOOK_TRADE',
        'bob APPROVE BOOK_TRADE',
        'sam BUSINESS_DAY OPEN',
        'sam BUSINESS_DAY CLOSE',
        'alice UPLOAD STATEMENT',
        'alice BREAK INVESTIGATING',
        'bob APPROVE RESOLVE_BREAK',
        'alice FILE REPORT',
        'bob APPROVE SETTLEMENT_ACTION',
        'bob APPROVE WAIVE_PENALTY',
      ]),
    );
    expect((await call('GET', '/api/audit/verify', auditor)).json).toMatchObject({ ok: true });
  });
  it('a closed year stays closed: a trade of that year booked late lands on the first open day, and the year’s FEC and trial balance do not change', async () => {
    const auditor = await as('ada', ['auditor']);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    // Closing the books is proposed by one supervisor and approved by another.
    const proposed = await call('POST', '/api/proposals', await as('sam', ['supervisor']), { kind: 'CLOSE_PERIOD', params: { period: 'FY2025' } });
    expect(proposed.status).toBe(201);
    const closed = await call('POST', `/api/proposals/${String(proposed.json.proposalId)}/approve`, await as('bob', ['supervisor']));
    expect(closed.json).toMatchObject({ status: 'EXECUTED', result: { period: 'FY2025', maker: 'sam', checker: 'bob' } });
    const fecBefore = await call('GET', '/api/exports/fec?fiscalYear=2025', auditor);
    const tbBefore = await call('GET', '/api/exports/trial-balance?from=2025-01-01&to=2025-12-31', auditor);
    expect([fecBefore.status, tbBefore.status]).toEqual([200, 200]);

    // A trade of 30 December 2025 reaches the back office now.
    const late = await proposeAndApprove('BOOK_TRADE', {
      trade: { ...TRADE, executedAt: '2025-12-30T10:00:00.000+01:00', tradeDate: '2025-12-30', quantity: '10', price: '55.00', fees: [] },
    });
    const lateRef = (late.booked as { tradeRef: string }).tradeRef;
    let lines: Array<{ kind: string; accountingDate: string; pieceDate: string | null; bookingNote: string | null }> = [];
    await waitUntil(
      async () => {
        lines = (await call<typeof lines>('GET', `/api/trades/${encodeURIComponent(lateRef)}/journal`, auditor)).json;
        return lines.some((l) => l.kind === 'TRADE_DATE_COMMITMENT');
      },
      'accounting to book the late trade',
      60_000,
    );
    const commitment = lines.filter((l) => l.kind === 'TRADE_DATE_COMMITMENT');
    expect(commitment.map((l) => [l.accountingDate, l.pieceDate])).toEqual([
      ['2026-01-01', '2025-12-30'],
      ['2026-01-01', '2025-12-30'],
    ]);
    expect(commitment[0]!.bookingNote).toContain('FY2025');

    // The closed year, byte for byte.
    const fecAfter = await call('GET', '/api/exports/fec?fiscalYear=2025', auditor);
    const tbAfter = await call('GET', '/api/exports/trial-balance?from=2025-01-01&to=2025-12-31', auditor);
    expect([fecAfter.status, sha(fecAfter.buffer), tbAfter.status, sha(tbAfter.buffer)]).toEqual([200, sha(fecBefore.buffer), 200, sha(tbBefore.buffer)]);
    // Closing it twice is refused.
    const again = await call('POST', '/api/proposals', await as('sam', ['supervisor']), { kind: 'CLOSE_PERIOD', params: { period: 'FY2025' } });
    const refused = await call('POST', `/api/proposals/${String(again.json.proposalId)}/approve`, await as('bob', ['supervisor']));
    expect(refused.json).toMatchObject({ status: 'FAILED', result: { status: 409 } });
  });
  it("one form for amounts, and the schemas of the OpenAPI document: every amount the operator reads through the gateway is at its currency's minor units, every answer documented keeps its schema", async () => {
    const operator = await as('olga', ['operator']);
    const paths = [
      ...tradeRefs.flatMap((r) => [
        `/api/trades/${encodeURIComponent(r)}/timeline`,
        `/api/trades/${encodeURIComponent(r)}/journal`,
        `/api/notices?tradeRef=${encodeURIComponent(r)}`,
      ]),
      '/api/fails?asOf=2026-11-30',
      '/api/penalties/daily?date=2026-11-30',
      '/api/penalties/monthly?month=2026-11',
      '/api/positions/CLI-0003',
      '/api/cash',
      '/api/fx/results?from=2026-01-01&to=2026-12-31',
      '/api/fx/report?asOf=2026-11-30',
      '/api/exports/trial-balance?from=2026-01-01&to=2026-12-31',
      '/api/exports/trial-balance?from=2025-01-01&to=2025-12-31',
      '/api/exports/general-ledger?from=2025-01-01&to=2025-12-31',
      '/api/exports/general-ledger?from=2026-01-01&to=2026-12-31',
      '/api/reconciliations/breaks',
      '/api/eod-summary',
      '/api/periods',
      '/api/activity-report?businessDate=2026-11-30',
      '/api/trades?status=SETTLED',
    ];
    // Where the OpenAPI document gives an answer its schema, the real answer keeps it.
    const answers = new OpenApiAnswers((await call('GET', '/api/docs-json', operator)).json as unknown as OpenApiDocument);
    const documented = paths.filter((p) => answers.schemaOf('GET', p, 200) !== undefined);
    expect(
      ['/api/fails?', '/api/penalties/daily?', '/api/trades?', '/api/positions/', '/api/cash', '/api/reconciliations/breaks', '/api/notices?'].filter(
        (p) => !documented.some((d) => d.startsWith(p)),
      ),
    ).toEqual([]);
    expect(documented.filter((p) => p.endsWith('/journal'))).toHaveLength(tradeRefs.length);
    const offSchema: string[] = [];
    const noticeIds: string[] = [];
    const outOfForm: string[] = [];
    for (const path of paths) {
      const r = await call('GET', path, operator);
      expect([path, r.status]).toEqual([path, 200]);
      offSchema.push(...answers.problems('GET', path, r.status, r.json));
      outOfForm.push(...amountFieldsOutOfForm(r.json).map((p) => `${path} ${p}`));
      if (path.startsWith('/api/notices?')) noticeIds.push(...(r.json as unknown as Array<{ noticeId: string }>).map((n) => n.noticeId));
    }
    // Each notice's document (the avis d'opéré's figures), as a webhook receives it.
    expect(noticeIds.length).toBeGreaterThan(0);
    for (const id of noticeIds) {
      const r = await call('GET', `/api/notices/${id}`, operator);
      outOfForm.push(...amountFieldsOutOfForm(r.json).map((p) => `/api/notices/${id} ${p}`));
    }
    // Every other read of the operator's day, and one of each kind of detail: each answer keeps its schema.
    const first = async (list: string, key: string) => ((await call<Array<Record<string, string>>>('GET', list, operator)).json[0] ?? {})[key];
    const [runId, breakId, reportRunId, notificationId] = await Promise.all([
      first('/api/reconciliations/runs', 'runId'),
      first('/api/reconciliations/breaks', 'breakId'),
      first('/api/reports/runs', 'runId'),
      first('/api/notifications', 'notificationId'),
    ]);
    const reads = [
      ...tradeRefs.map((r) => `/api/trades/${encodeURIComponent(r)}/held-events`),
      ...noticeIds.map((id) => `/api/notices/${id}`),
      `/api/reconciliations/runs/${runId}`,
      `/api/reconciliations/breaks/${breakId}`,
      `/api/reports/runs/${reportRunId}`,
      `/api/notifications/${notificationId}`,
      '/api/reconciliations/runs',
      '/api/reconciliations/breaks/summary',
      '/api/chart',
      '/api/posting-rules',
      '/api/reports/runs',
      '/api/mifir/reports',
      '/api/notifications',
      '/api/avis/late',
      '/api/exceptions',
      '/api/business-day',
      '/api/proposals?status=EXECUTED',
      '/api/webhook-secrets/CLI-0003',
      ...['instruments', 'parties', 'accounts', 'ssis', 'calendars'].map((e) => `/api/referential/${e}`),
      '/api/referential/history?entity=accounts',
    ];
    for (const path of reads) {
      const r = await call('GET', path, operator);
      expect([path, r.status, answers.schemaOf('GET', path, r.status) === undefined]).toEqual([path, 200, false]);
      offSchema.push(...answers.problems('GET', path, r.status, r.json));
    }
    // The check can fail: the journal lines read from the database, as Postgres writes them (8775, 0), are out of form.
    const raw = await env.db.query(`SELECT l.currency, l.debit::text AS debit FROM accounting.journal_lines l WHERE l.debit = 8775 LIMIT 1`);
    expect(amountFieldsOutOfForm(raw.rows)).toEqual(['$[0].debit: "8775" (EUR)']);
    expect(outOfForm).toEqual([]);
    expect(offSchema).toEqual([]);
  });
});
