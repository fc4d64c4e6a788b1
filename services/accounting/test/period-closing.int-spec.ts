import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { envelope, Topics, type EventEnvelope, type PenaltyAccruedV1 } from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import type { Person } from '@postera/platform';
import { createHash } from 'node:crypto';
import { count, e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { accountRef, captured, checkFec, markDay, party, publish, signedFetch, step, trade } from './builders.js';

// Closed periods stay closed, on the built service, the real broker and database: FY2025 is closed
// by two people (an operator proposes, a supervisor approves: the four-eyes token the gateway
// signs), and a trade event of 2025 arriving later is booked on 1 January 2026 with its own date as
// piece date and the reason on the entry; the FEC 2025 and the 2025 trial balance stay the same,
// byte for byte. And who may call the service at all.
jest.setTimeout(300_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('closing a period, and the events that come after it, on the real broker and database', () => {
  let env: E2eEnv;
  const url = (path: string) => `${env.stack.url('accounting')}${path}`;
  const send = (topic: string, events: EventEnvelope[]) => publish(env.prefix, topic, events);
  const call = (path: string, init?: RequestInit, who?: Person, fourEyes?: { proposal?: string; maker: Person }) =>
    signedFetch(env.stack, url(path), init, who, fourEyes);
  const bytes = async (path: string) => {
    const r = await call(path);
    expect([path, r.status]).toEqual([path, 200]);
    return Buffer.from(await r.arrayBuffer());
  };
  const closeBody = (period: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ period }) });
  const closings = () => count(env.db, `SELECT count(*) AS n FROM accounting.period_closings`);

  // 2025, a calendar fiscal year: D-1 buy 100 FR0000120271 at 58.00, traded 10 Dec, settled 12 Dec, and a penalty on 15 Dec.
  // After the closing: L-1, traded 30 Dec 2025 (a late booking), settled 2 Jan 2026; a penalty dated 31 Dec 2025.
  const D1 = trade('FO-EQ:CLOSE-1', { tradeDate: '2025-12-10', settlementDate: '2025-12-12', executedAt: '2025-12-10T10:00:00Z' });
  const L1 = trade('FO-EQ:LATE-1', { tradeDate: '2025-12-30', settlementDate: '2026-01-02', executedAt: '2025-12-30T10:00:00Z', lateBooking: true });
  const penalty = (id: string, t: typeof D1, date: string): EventEnvelope => {
    const p: PenaltyAccruedV1 = {
      penaltyId: id,
      instructionId: `I-${id}`,
      tradeRef: t.tradeRef,
      kind: 'SEFP',
      direction: 'RECEIVABLE',
      penaltyDate: date,
      isin: t.isin,
      counterparty: t.counterparty,
      account: t.account,
      book: t.book,
      basisQuantity: '100',
      referencePrice: '58.00',
      rate: '0.0001',
      amount: '1.23',
      currency: 'EUR',
    };
    return envelope({ type: 'PenaltyAccrued', producer: 'settlement', correlationId: t.tradeRef, causationId: null, payload: p });
  };

  beforeAll(async () => {
    env = await e2eEnv('accounting-periods', { basePort: 4980, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
    await send(Topics.refdataAccounts, [
      accountRef({ account: 'CLI-0003', book: 'CLIENT-EQ', accountType: 'CLIENT', clientId: 'CL-0003', clientName: 'Mme Claire Dubois' }),
    ]);
    await send(Topics.refdataParties, [party('529900COUNTERPTY0129', 'Contrepartie Alpha SA', 'ALPHFRPPXXX')]);
    await send(Topics.tradeEvents, [captured(D1)]);
    await send(Topics.settlementEvents, [step(D1, { status: 'SETTLED' }), penalty('PEN-CLOSE-1', D1, '2025-12-15')]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  describe('who may call', () => {
    it('no token, a token for another service, a token minted for another path: 401', async () => {
      expect((await fetch(url('/periods'))).status).toBe(401);
      const otherAudience = await env.stack.gatewayKey.headers('settlement', 'GET', url('/periods'), PEOPLE.operator);
      expect((await fetch(url('/periods'), { headers: otherAudience })).status).toBe(401);
      const otherPath = await env.stack.as(PEOPLE.operator, 'GET', url('/summary'));
      expect((await fetch(url('/periods'), { headers: otherPath })).status).toBe(401);
      const otherMethod = await env.stack.as(PEOPLE.operator, 'GET', url('/periods/close'));
      expect((await fetch(url('/periods/close'), { ...closeBody('FY2025'), headers: { ...otherMethod, 'content-type': 'application/json' } })).status).toBe(
        401,
      );
    });

    it('reads: every reading role and admin; changes done alone: operators and supervisors, not an auditor', async () => {
      for (const who of [PEOPLE.operator, PEOPLE.supervisor, PEOPLE.auditor, PEOPLE.admin])
        expect([who.id, (await call('/periods', {}, who)).status]).toEqual([who.id, 200]);
      const csv = { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'Date, USD, \n2 December 2025, 1.05, \n' };
      expect((await call('/fx-rates/ecb', csv, PEOPLE.auditor)).status).toBe(403);
      expect((await call('/fx-rates/ecb', csv, PEOPLE.admin)).status).toBe(403);
      expect((await call('/fx-rates/ecb', csv, PEOPLE.operator)).status).toBe(200);
    });

    it('closing needs two people: an operator or a supervisor alone → 403, maker = checker → 403, an auditor as checker → 403; nothing stored', async () => {
      expect((await call('/periods/close', closeBody('FY2025'), PEOPLE.operator)).status).toBe(403);
      expect((await call('/periods/close', closeBody('FY2025'), PEOPLE.supervisor)).status).toBe(403);
      const self = await call('/periods/close', closeBody('FY2025'), PEOPLE.supervisor, { maker: PEOPLE.supervisor });
      expect(self.status).toBe(403);
      expect(JSON.stringify(await self.json())).toContain('maker-checker: sam.supervisor proposed this change and cannot also approve it');
      expect((await call('/periods/close', closeBody('FY2025'), PEOPLE.auditor, { maker: PEOPLE.operator })).status).toBe(403);
      expect(await closings()).toBe(0);
      expect(await count(env.db, `SELECT count(*) AS n FROM accounting.four_eyes_approvals`)).toBe(0);
    });
  });

  describe('FY2025, closed', () => {
    let fec2025: Buffer;
    let tb2025: Buffer;

    it('refused: a period not ended, a body that names no period, a year whose operations wait to be costed', async () => {
      const future = await call('/periods/close', closeBody('2999-01'), PEOPLE.supervisor, { maker: PEOPLE.operator });
      expect(future.status).toBe(422);
      expect(((await future.json()) as { message: string }).message).toMatch(
        /^2999-01 ends on 2999-01-31: it can be closed from 2999-02-01 \(business date \d{4}-\d{2}-\d{2}\)$/,
      );
      expect((await call('/periods/close', closeBody('2025-13'), PEOPLE.supervisor, { maker: PEOPLE.operator })).status).toBe(400);
      // D-1's settlement of 15 Dec 2025 is booked at its consideration and waits for its day to be
      // costed: the year's books are not final yet.
      const waiting = await call('/periods/close', closeBody('FY2025'), PEOPLE.supervisor, { maker: PEOPLE.operator });
      expect(waiting.status).toBe(422);
      expect(((await waiting.json()) as { message: string }).message).toBe(
        'FY2025 is not closed: 1 operation(s) dated in it wait for their day to be costed (marked on every partition of the trade and settlement events). Close again once the day is marked.',
      );
      expect(await closings()).toBe(0);
      // D-1 costed: the books closed next are the costed ones.
      await markDay(env.prefix, '2025-12-15');
    });

    it('an operator proposes, a supervisor approves: 201 with both people and the hashes of the FEC and the trial balance as served', async () => {
      // The books hashed are costed ones: no operation of the year waits for its day to be marked.
      expect(await count(env.db, `SELECT count(*) AS n FROM accounting.staged_ops`)).toBe(0);
      fec2025 = await bytes('/exports/fec?fiscalYear=2025');
      tb2025 = await bytes('/exports/trial-balance?from=2025-01-01&to=2025-12-31');
      expect(checkFec(fec2025.toString('latin1'), '|')).toEqual([]);
      expect(JSON.parse(tb2025.toString('utf8'))).not.toEqual([]);

      const headers = {
        'content-type': 'application/json',
        ...(await env.stack.as(PEOPLE.supervisor, 'POST', url('/periods/close'), { proposal: 'P-CLOSE-FY2025', maker: PEOPLE.operator })),
      };
      const body = JSON.stringify({ period: 'FY2025' });
      const closed = await fetch(url('/periods/close'), { method: 'POST', headers, body });
      expect(closed.status).toBe(201);
      expect(await closed.json()).toMatchObject({
        period: 'FY2025',
        kind: 'FISCAL_YEAR',
        firstDay: '2025-01-01',
        lastDay: '2025-12-31',
        proposalId: 'P-CLOSE-FY2025',
        maker: 'olivia.operator',
        checker: 'sam.supervisor',
        trialBalanceSha256: sha256(tb2025),
        trialBalanceFormat: 2,
        fecSha256: sha256(fec2025),
      });
      // Format 2: every amount at its currency's minor units, as served (100 × 58.00 = 5800.00 EUR, a penalty of 1.23).
      const served = JSON.parse(tb2025.toString('utf8')) as Array<{
        account: string;
        currency: string;
        opening: string;
        debit: string;
        credit: string;
        closing: string;
      }>;
      expect(served.flatMap((r) => [r.opening, r.debit, r.credit, r.closing]).filter((a) => !/^-?\d+\.\d{2}$/.test(a))).toEqual([]);
      expect(served.some((r) => r.debit === '5800.00' || r.credit === '5800.00')).toBe(true);

      // The same approval sent again: 409, and the closing happened once.
      const replay = await fetch(url('/periods/close'), { method: 'POST', headers, body });
      expect(replay.status).toBe(409);
      expect(await closings()).toBe(1);
    });

    it('closing it again, or a month of it, is refused (409); a month after an open gap is refused (422)', async () => {
      const again = await call('/periods/close', closeBody('FY2025'), PEOPLE.supervisor2, { maker: PEOPLE.operator2 });
      expect([again.status, ((await again.json()) as { message: string }).message]).toEqual([
        409,
        'FY2025 is already closed (closed up to 2025-12-31, by FY2025)',
      ]);
      expect((await call('/periods/close', closeBody('2025-11'), PEOPLE.supervisor, { maker: PEOPLE.operator })).status).toBe(409);
      expect((await call('/periods/close', closeBody('2026-03'), PEOPLE.supervisor, { maker: PEOPLE.operator })).status).toBe(422);
      expect(await closings()).toBe(1);
      const listed = (await (await call('/periods', {}, PEOPLE.auditor)).json()) as Array<{ period: string }>;
      expect(listed.map((c) => c.period)).toEqual(['FY2025']);
    });

    it('a 2025 trade, its penalty and its settlement arriving after the closing are booked on 1 January 2026, their own dates as piece dates, the reason on the entry', async () => {
      await send(Topics.tradeEvents, [captured(L1)]);
      await send(Topics.settlementEvents, [penalty('PEN-LATE-1', L1, '2025-12-31'), step(L1, { status: 'SETTLED' })]);
      await markDay(env.prefix, '2026-01-02');
      const journal = (await (await call(`/journal/by-trade/${encodeURIComponent(L1.tradeRef)}`)).json()) as Array<{
        kind: string;
        accountingDate: string;
        pieceDate: string | null;
        bookingNote: string | null;
      }>;
      const entries = [...new Map(journal.map((l) => [l.kind, [l.kind, l.accountingDate, l.pieceDate, l.bookingNote]])).values()];
      expect(entries).toEqual([
        ['TRADE_DATE_COMMITMENT', '2026-01-01', '2025-12-30', 'booked 2026-01-01: 2025-12-30 falls in closed period FY2025'],
        ['SETTLEMENT', '2026-01-02', null, null],
        ['PENALTY', '2026-01-01', '2025-12-31', 'booked 2026-01-01: 2025-12-31 falls in closed period FY2025'],
      ]);
      // Nothing at all is dated inside the closed year after the closing.
      expect(
        await count(env.db, `SELECT count(*) AS n FROM accounting.journal_entries WHERE accounting_date <= '2025-12-31' AND trade_ref = $1`, [L1.tradeRef]),
      ).toBe(0);
      // In the FEC 2026: EcritureDate the booking day, PieceDate the event's own date, the reason in EcritureLib.
      const rows = (await bytes('/exports/fec?fiscalYear=2026'))
        .toString('latin1')
        .replace(/\r\n$/, '')
        .split('\r\n')
        .slice(1)
        .map((r) => r.split('|'));
      const late = rows.find((r) => r[8] === L1.tradeRef && r[0] === 'ENG')!;
      expect([late[3], late[9], late[10]]).toEqual([
        '20260101',
        '20251230',
        `Négociation ${L1.tradeRef} (booked 2026-01-01: 2025-12-30 falls in closed period FY2025)`,
      ]);
    });

    it('the FEC 2025 and the 2025 trial balance are the same bytes as at the closing', async () => {
      expect(sha256(await bytes('/exports/fec?fiscalYear=2025'))).toBe(sha256(fec2025));
      expect(sha256(await bytes('/exports/trial-balance?from=2025-01-01&to=2025-12-31'))).toBe(sha256(tb2025));
    });

    it('the database refuses an entry dated in the closed year; books changed behind its back are refused at export, both hashes named', async () => {
      await expect(
        env.db.query(
          `INSERT INTO accounting.journal_entries (entry_id, trade_ref, kind, accounting_date, cause_event_id) VALUES (gen_random_uuid(), 'X', 'PENALTY', '2025-06-30', 'tamper-1')`,
        ),
      ).rejects.toThrow(/falls in a closed period \(closed up to 2025-12-31\)/);
      // With every trigger off (a superuser's session), a balanced entry slipped into June 2025.
      const c = await env.db.connect();
      try {
        await c.query('BEGIN');
        await c.query(`SET LOCAL session_replication_role = replica`);
        const inserted = await c.query(
          `INSERT INTO accounting.journal_entries (entry_id, trade_ref, kind, accounting_date, cause_event_id) VALUES (gen_random_uuid(), 'X', 'PENALTY', '2025-06-30', 'tamper-2') RETURNING entry_id AS id`,
        );
        const id = (inserted.rows as Array<{ id: string }>)[0]!.id;
        await c.query(
          `INSERT INTO accounting.journal_lines (entry_id, line_no, account_code, book, currency, debit, credit) VALUES ($1, 1, '512000', 'CLIENT-EQ', 'EUR', 1, 0), ($1, 2, '468100', 'CLIENT-EQ', 'EUR', 0, 1)`,
          [id],
        );
        await c.query('COMMIT');
      } finally {
        c.release();
      }
      const [closing] = (await (await call('/periods')).json()) as Array<{ trialBalanceSha256: string; fecSha256: string }>;
      const tb = await call('/exports/trial-balance?from=2025-01-01&to=2025-12-31');
      const tbMessage = ((await tb.json()) as { message: string }).message;
      expect([tb.status, tbMessage]).toEqual([
        409,
        expect.stringContaining(
          `the trial balance of the closed period FY2025 (2025-01-01 to 2025-12-31) is no longer what was closed: sha256 ${closing!.trialBalanceSha256} at the closing, `,
        ),
      ]);
      const fec = await call('/exports/fec?fiscalYear=2025');
      expect([fec.status, ((await fec.json()) as { message: string }).message]).toEqual([
        409,
        expect.stringContaining(`sha256 ${closing!.fecSha256} at the closing`),
      ]);
    });
  });
  describe('a closing made when the trial balance was served in format 1 (amounts as Postgres gave them)', () => {
    // The rows of the trial balance as the code of format 1 read and hashed them: JSON of the rows, amounts as Postgres wrote them.
    const postgresRows = async (from: string, to: string) =>
      (
        await env.db.query(
          `SELECT l.account_code AS account, a.name, l.book, l.currency,
                  coalesce(sum(l.debit - l.credit) FILTER (WHERE e.accounting_date < $1), 0)::text AS opening,
                  coalesce(sum(l.debit) FILTER (WHERE e.accounting_date BETWEEN $1 AND $2), 0)::text AS debit,
                  coalesce(sum(l.credit) FILTER (WHERE e.accounting_date BETWEEN $1 AND $2), 0)::text AS credit,
                  sum(l.debit - l.credit)::text AS closing
           FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
           WHERE e.accounting_date <= $2 GROUP BY l.account_code, a.name, l.book, l.currency ORDER BY 1, 3, 4`,
          [from, to],
        )
      ).rows as Array<{ account: string; currency: string; opening: string; debit: string; credit: string; closing: string }>;

    it('January 2026 closed in format 1 is still served (200, in format 2), and a journal changed behind its back is refused (409)', async () => {
      const format1 = await postgresRows('2026-01-01', '2026-01-31');
      // L-1, 100 × 58.00, settled on 2 January 2026: 5800 EUR written "5800" in format 1, "5800.00" served.
      expect(format1.some((r) => r.debit === '5800' || r.credit === '5800')).toBe(true);
      const format1Sha = sha256(Buffer.from(JSON.stringify(format1)));
      // The closing row as the code of format 1 wrote it: no format named (the column's default, 1).
      await env.db.query(
        `INSERT INTO accounting.period_closings (period, kind, first_day, last_day, proposal_id, maker, checker, trial_balance_sha256, fec_sha256)
         VALUES ('2026-01', 'MONTH', '2026-01-01', '2026-01-31', 'P-CLOSE-2026-01', 'olivia.operator', 'sam.supervisor', $1, NULL)`,
        [format1Sha],
      );
      const listed = (await (await call('/periods')).json()) as Array<{ period: string; trialBalanceFormat: number }>;
      expect(listed.map((c) => [c.period, c.trialBalanceFormat])).toEqual([
        ['FY2025', 2],
        ['2026-01', 1],
      ]);
      // A page at a time, in the order they close the books: after the page's last period.
      const page = async (q: string) => ((await (await call(`/periods${q}`)).json()) as Array<{ period: string }>).map((c) => c.period);
      expect([await page('?limit=1'), await page('?limit=1&after=FY2025'), await page('?limit=1&after=2026-01')]).toEqual([['FY2025'], ['2026-01'], []]);

      const served = await bytes('/exports/trial-balance?from=2026-01-01&to=2026-01-31');
      const rows = JSON.parse(served.toString('utf8')) as typeof format1;
      expect(sha256(served)).not.toBe(format1Sha);
      expect(rows.map((r) => [r.account, r.currency])).toEqual(format1.map((r) => [r.account, r.currency]));
      expect(rows.find((r) => r.debit === '5800.00' || r.credit === '5800.00')).toBeDefined();
      expect(rows.flatMap((r) => [r.opening, r.debit, r.credit, r.closing]).filter((a) => !/^-?\d+\.\d{2}$/.test(a))).toEqual([]);

      // A balanced entry slipped into January 2026 with every trigger off: the format-1 hash no longer matches.
      const c = await env.db.connect();
      try {
        await c.query('BEGIN');
        await c.query(`SET LOCAL session_replication_role = replica`);
        const inserted = await c.query(
          `INSERT INTO accounting.journal_entries (entry_id, trade_ref, kind, accounting_date, cause_event_id) VALUES (gen_random_uuid(), 'X', 'PENALTY', '2026-01-15', 'tamper-3') RETURNING entry_id AS id`,
        );
        const id = (inserted.rows as Array<{ id: string }>)[0]!.id;
        await c.query(
          `INSERT INTO accounting.journal_lines (entry_id, line_no, account_code, book, currency, debit, credit) VALUES ($1, 1, '512000', 'CLIENT-EQ', 'EUR', 2, 0), ($1, 2, '468100', 'CLIENT-EQ', 'EUR', 0, 2)`,
          [id],
        );
        await c.query('COMMIT');
      } finally {
        c.release();
      }
      const tb = await call('/exports/trial-balance?from=2026-01-01&to=2026-01-31');
      const message = ((await tb.json()) as { message: string }).message;
      expect([tb.status, message]).toEqual([
        409,
        expect.stringContaining(
          `the trial balance of the closed period 2026-01 (2026-01-01 to 2026-01-31) is no longer what was closed: sha256 ${format1Sha} at the closing, `,
        ),
      ]);
    });
  });
});
