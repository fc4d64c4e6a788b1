import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { envelope, Topics, type EventEnvelope, type TtfAssessedV1, type PenaltyAccruedV1 } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import fc from 'fast-check';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { amended, cancelled, captured, dayClosed, markDay, publish, signedFetch, step, trade } from './builders.js';
import { replayFromZero, type ReplayProcess } from './replay-process.js';

// Replay from offset 0 into an empty schema: a second accounting process, on a fresh database and
// new consumer groups, reads every topic from the beginning and must end with the same journal
// (same entry ids, dates and lines, the re-costings included), the same positions and the same
// balances per account, book, currency and auxiliary account. The events are a random sequence
// (fast-check, fixed seed): captures, amendments, cancellations, partial and whole settlements, each
// trade at a price of its own, penalties and TTF assessments over several accounts and ISINs, costed by two
// marked days. The replay reads the partitions in another interleaving; the markers' positions in
// the logs fix what each day costs.
jest.setTimeout(300_000);

const ISINS = ['FR0000120271', 'FR0000131104', 'FR0000133308'];
const ACCOUNTS = ['CLI-0001', 'CLI-0002'];

/** One trade's life: its figures, and what happens to it after capture. */
const lifeArb = fc.record({
  account: fc.constantFrom(...ACCOUNTS),
  isin: fc.constantFrom(...ISINS),
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  qty: fc.integer({ min: 1, max: 400 }),
  /** The unit price in cents. */
  priceCents: fc.integer({ min: 900, max: 6000 }),
  feeCents: fc.integer({ min: 0, max: 900 }),
  fate: fc.constantFrom('settle', 'partial-then-settle', 'amend-then-settle', 'cancel', 'open'),
  penaltyCents: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: null }),
});

describe('replay from offset 0 into an empty schema gives the same journal and balances', () => {
  let env: E2eEnv;
  let replay: ReplayProcess | undefined;

  beforeAll(async () => {
    env = await e2eEnv('accounting-replay', { basePort: 4920, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
  });
  afterAll(async () => {
    await replay?.stop();
    await env?.teardown();
  });

  it('a random sequence of 40 trade lives costed over two marked days, replayed by a second process, posts identical entries, positions and balances', async () => {
    const lives = fc.sample(lifeArb, { numRuns: 40, seed: 20261126 });
    const tradeEvents: EventEnvelope[] = [];
    const settlementEvents: EventEnvelope[] = [];
    const reportingEvents: EventEnvelope[] = [];
    lives.forEach((life, i) => {
      // A partial settlement splits fees and cash between its steps with rounding, the remainder to the
      // last step: two steps of a trade parked together are released in the order they were parked,
      // their log order, so both processes split alike. Its two steps need two shares at least.
      const partial = life.fate === 'partial-then-settle';
      const l = partial ? { ...life, qty: life.qty * 2 } : life;
      const unit = new Dec(l.priceCents).div(100);
      const price = unit.toFixed(2);
      const gross = unit.times(l.qty).toFixed(2);
      const fees = new Dec(l.feeCents).div(100).toFixed(2);
      const net = (l.side === 'BUY' ? new Dec(gross).plus(fees) : new Dec(gross).minus(fees)).toFixed(2);
      const t = trade(`FO-RP:R-${i}`, {
        account: l.account,
        clientId: l.account,
        isin: l.isin,
        side: l.side,
        quantity: String(l.qty),
        price,
        grossAmount: gross,
        feesAmount: fees,
        netAmount: net,
        fees: [],
      });
      tradeEvents.push(captured(t));
      if (l.fate === 'cancel') tradeEvents.push(cancelled(t));
      let settledTrade = t;
      if (l.fate === 'amend-then-settle') {
        const q = l.qty + 1;
        const g = unit.times(q).toFixed(2);
        settledTrade = { ...t, version: 2, quantity: String(q), grossAmount: g, feesAmount: '0.00', netAmount: g };
        tradeEvents.push(amended(t, settledTrade));
      }
      if (partial) {
        const first = Math.floor(l.qty / 2);
        settlementEvents.push(step(t, { status: 'PARTIALLY_SETTLED', stepQuantity: String(first), settledQuantity: String(first) }));
        settlementEvents.push(step(t, { status: 'SETTLED', stepQuantity: String(l.qty - first), settledQuantity: String(l.qty), date: '2026-12-01' }));
      } else if (l.fate !== 'cancel' && l.fate !== 'open') settlementEvents.push(step(settledTrade, { status: 'SETTLED' }));
      if (l.penaltyCents !== null) {
        const p: PenaltyAccruedV1 = {
          penaltyId: `PEN-${i}`,
          instructionId: `I-${i}`,
          tradeRef: t.tradeRef,
          kind: 'SEFP',
          direction: i % 2 ? 'PAYABLE' : 'RECEIVABLE',
          penaltyDate: '2026-11-30',
          isin: t.isin,
          counterparty: t.counterparty,
          account: t.account,
          book: t.book,
          basisQuantity: String(l.qty),
          referencePrice: '1',
          rate: '0.0001',
          amount: new Dec(l.penaltyCents).div(100).toFixed(2),
          currency: 'EUR',
        };
        settlementEvents.push(envelope({ type: 'PenaltyAccrued', producer: 'settlement', correlationId: t.tradeRef, causationId: null, payload: p }));
      }
      if (l.side === 'BUY' && i % 3 === 0) {
        const ttf: TtfAssessedV1 = {
          assessmentId: `TTF-${i}`,
          account: l.account,
          book: t.book,
          isin: l.isin,
          tradeDate: `2026-11-${String(10 + (i % 15)).padStart(2, '0')}`,
          base: gross,
          rate: '0.004',
          amount: new Dec(gross).times('0.004').toFixed(2),
          currency: 'EUR',
        };
        reportingEvents.push(envelope({ type: 'TtfAssessed', producer: 'reporting', correlationId: l.account, causationId: null, payload: ttf }));
      }
    });
    // Settlements first for a third of them: parked until their trade arrives (two topics, no order between them).
    const early = settlementEvents.filter((_, i) => i % 3 === 0);
    await publish(env.prefix, Topics.settlementEvents, early);
    await publish(env.prefix, Topics.tradeEvents, tradeEvents);
    // The first day costs the settlements read so far; the second the others, many of them dated before
    // operations the first day costed (whose costs they correct) — what the replay must reproduce.
    await markDay(env.prefix, '2026-11-30');
    await publish(
      env.prefix,
      Topics.settlementEvents,
      settlementEvents.filter((_, i) => i % 3 !== 0),
    );
    await publish(env.prefix, Topics.reportingEvents, reportingEvents, (e) => (e.payload as TtfAssessedV1).account);
    // A settlement parked while its trade was being posted in a concurrent batch is released by the
    // next trade batch or, at the latest, by the close.
    await publish(env.prefix, Topics.businessDay, [dayClosed('2026-12-01')]);
    const parked = `SELECT count(*)::int AS n FROM accounting.parked_settlements`;
    expect((await env.db.query(parked)).rows[0].n).toBe(0);
    await markDay(env.prefix, '2026-12-01');
    expect((await env.db.query(`SELECT count(*)::int AS n FROM accounting.staged_ops`)).rows[0].n).toBe(0);

    replay = await replayFromZero(env, {
      label: 'accounting-replay-2',
      basePort: 4930,
      topics: [Topics.tradeEvents, Topics.settlementEvents, Topics.reportingEvents, Topics.businessDay],
    });
    const replayPool = replay.db;
    expect((await replayPool.query(parked)).rows[0].n).toBe(0);

    const balances = `SELECT l.account_code, l.book, l.currency, coalesce(l.aux_account, '') AS aux, trim_scale(sum(l.debit))::text AS debit, trim_scale(sum(l.credit))::text AS credit
      FROM accounting.journal_lines l GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
    const entries = `SELECT e.entry_id, e.kind, e.trade_ref, to_char(e.accounting_date, 'YYYY-MM-DD') AS d,
        array_agg(l.account_code || ' ' || coalesce(l.aux_account, '') || ' ' || trim_scale(l.debit) || ' ' || trim_scale(l.credit) ORDER BY l.line_no) AS lines
      FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) GROUP BY 1, 2, 3, 4 ORDER BY 1`;
    const positions = `SELECT account, isin, trim_scale(quantity)::text AS q, trim_scale(cost)::text AS c, trim_scale(realized)::text AS r FROM accounting.positions WHERE quantity <> 0 OR realized <> 0 ORDER BY 1, 2`;
    const original = (await env.db.query(balances)).rows;
    expect(original.length).toBeGreaterThan(8);
    expect((await replayPool.query(balances)).rows).toEqual(original);
    const journal = (await env.db.query(entries)).rows;
    expect(journal.filter((e: { kind: string }) => e.kind === 'RECOSTING').length).toBeGreaterThan(2);
    expect((await replayPool.query(entries)).rows).toEqual(journal);
    // Each operation's cost as posted, and how many times it was costed: a sale costed by the first day and
    // re-costed by the second (an operation before it came later) has its revision at 2.
    const ops = `SELECT account, isin, op_key, trim_scale(securities)::text AS s, trim_scale(realized)::text AS r, revision FROM accounting.position_ops ORDER BY 1, 2, 3`;
    const costed = (await env.db.query(ops)).rows as Array<{ revision: number }>;
    expect(costed.filter((o) => o.revision >= 2).length).toBeGreaterThan(0);
    expect((await replayPool.query(ops)).rows).toEqual(costed);
    const held = (await env.db.query(positions)).rows;
    expect(held.length).toBeGreaterThan(2);
    expect((await replayPool.query(positions)).rows).toEqual(held);
    // Every entry balances per currency, and the journal as a whole.
    const unbalanced = `SELECT count(*)::int AS n FROM (SELECT entry_id FROM accounting.journal_lines GROUP BY entry_id, currency HAVING sum(debit) <> sum(credit)) x`;
    expect((await env.db.query(unbalanced)).rows[0].n).toBe(0);
    // Each account's balance is the sum of its postings: the trial balance's closing column equals Σ debit − Σ credit of its lines.
    const tb = (await (await signedFetch(env.stack, `${env.stack.url('accounting')}/exports/trial-balance?from=2026-01-01&to=2026-12-31`)).json()) as Array<{
      account: string;
      book: string;
      currency: string;
      opening: string;
      debit: string;
      credit: string;
      closing: string;
    }>;
    expect(tb.length).toBeGreaterThan(8);
    for (const row of tb) expect(new Dec(row.opening).plus(row.debit).minus(row.credit).toFixed(2)).toBe(new Dec(row.closing).toFixed(2));
  });
});
