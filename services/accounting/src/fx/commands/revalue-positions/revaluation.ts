import { Dec } from '@postera/kernel';
import type { BatchContext } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import { applyRules, ruleSetOn } from '../../../ledger/domain/rules-engine.js';
import { appendJournal, journalEntry, type JournalEntry } from '../../../ledger/persistence/journal.repository.js';
import { loadRuleSets } from '../../../ledger/persistence/ledger.repository.js';
import type { EcbRate } from '../../domain/ecb-csv.js';
import { fxPosition, fxResultToDate } from '../../domain/revaluation.js';
import { pairKey, periodsOf } from '../../persistence/fx-history.repository.js';

/**
 * The close and the late lines' corrections serialize on this key: a close (and a batch of rates)
 * takes it exclusive, a batch that posted foreign-currency lines takes it shared before it looks for
 * the closes those lines are late for. Either the close sees the batch's lines (the batch committed
 * first), or the batch sees the close and corrects (the close committed first); never neither. The
 * same between a close and a rate for its day.
 */
const FX_CLOSE_LOCK = 'accounting.fx_close';

interface FxTarget {
  book: string;
  currency: string;
  /** The close revalued at, the currency's last with an ECB rate, and its rate. */
  closeDate: string;
  rate: string;
}

interface FxBooked {
  balance: string;
  rate: string;
  asOf: string;
  bookedEur: string;
}

/** Why a position was revalued: its close, lines late for a close, or a rate late for a close. */
type FxResultKind = 'CLOSE' | 'LATE_LINES' | 'LATE_RATE';

/**
 * At the close of `closeDate`: each book's net balance-sheet position in each foreign currency
 * (every line dated on or before the close, cash included, commitments and P&L accounts not) is
 * revalued at the ECB rate of the day, and the FX result booked in EUR (fx/domain/revaluation.ts):
 * gain Dr 479000 / Cr 766000, loss Dr 666000 / Cr 479000. A currency without a rate that day is not
 * revalued (logged); its lines of the day count from its next close with a rate. A close already
 * revalued (a replayed close) books nothing.
 */
export async function revalueAtClose(ctx: BatchContext, closeDate: string, causeEventId: string): Promise<JournalEntry[]> {
  await ctx.tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [FX_CLOSE_LOCK]);
  const rates = (await ctx.tx.query(`SELECT currency, units_per_eur::text AS rate FROM accounting.fx_rates WHERE rate_date = $1`, [closeDate])) as Array<{
    currency: string;
    rate: string;
  }>;
  await ctx.tx.query(`INSERT INTO accounting.fx_close_days (close_date) VALUES ($1) ON CONFLICT DO NOTHING`, [closeDate]);
  // Only a close after the currency's last one extends its history; a replayed close changes nothing.
  await ctx.tx.query(
    `INSERT INTO accounting.fx_closes (currency, close_date, rate) SELECT c, $1, r FROM unnest($2::text[], $3::numeric[]) AS x(c, r)
     WHERE NOT EXISTS (SELECT 1 FROM accounting.fx_closes f WHERE f.currency = x.c AND f.close_date >= $1)`,
    [closeDate, rates.map((r) => r.currency), rates.map((r) => r.rate)],
  );
  const pairs = (await ctx.tx.query(
    `SELECT DISTINCT l.book, l.currency FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     WHERE l.currency <> 'EUR' AND e.accounting_date <= $1
     UNION SELECT book, currency FROM accounting.fx_positions`,
    [closeDate],
  )) as Array<{ book: string; currency: string }>;
  const rateOf = new Map(rates.map((r) => [r.currency, r.rate]));
  const targets: FxTarget[] = [];
  for (const p of pairs) {
    const rate = rateOf.get(p.currency);
    if (rate) targets.push({ ...p, closeDate, rate });
    else ctx.log.warn({ closeDate, currency: p.currency, book: p.book }, 'no ECB rate for the close; position not revalued');
  }
  return bookFxResults(ctx.tx, targets, 'CLOSE', (t) => `${causeEventId}:${t.book}:${t.currency}`);
}

/**
 * After a batch posted `entries`: a foreign-currency line dated on or before its currency's last
 * close came late for that close. Its position is revalued again to that close, and the difference
 * booked at once, dated the close, so that what is booked does not depend on whether the line came
 * before the close or after it.
 */
export async function correctLateFxLines(ctx: BatchContext, entries: readonly JournalEntry[]): Promise<JournalEntry[]> {
  const earliest = new Map<string, { book: string; currency: string; date: string; cause: string }>();
  for (const e of entries) {
    if (e.currency === 'EUR') continue;
    const k = pairKey(e.book, e.currency);
    const seen = earliest.get(k);
    if (!seen || e.accountingDate < seen.date) earliest.set(k, { book: e.book, currency: e.currency, date: e.accountingDate, cause: e.causeEventId });
  }
  if (earliest.size === 0) return [];
  await ctx.tx.query(`SELECT pg_advisory_xact_lock_shared(hashtext($1))`, [FX_CLOSE_LOCK]);
  const currencies = [...new Set([...earliest.values()].map((p) => p.currency))];
  const lastCloses = new Map(
    (
      (await ctx.tx.query(
        `SELECT DISTINCT ON (currency) currency, to_char(close_date, 'YYYY-MM-DD') AS "closeDate", rate::text AS rate
         FROM accounting.fx_closes WHERE currency = ANY($1::text[]) ORDER BY currency, close_date DESC`,
        [currencies],
      )) as Array<{ currency: string; closeDate: string; rate: string }>
    ).map((c) => [c.currency, c]),
  );
  const targets: FxTarget[] = [];
  const causes = new Map<string, string>();
  for (const p of earliest.values()) {
    const last = lastCloses.get(p.currency);
    if (!last || p.date > last.closeDate) continue; // in time: the next close revalues it
    targets.push({ book: p.book, currency: p.currency, closeDate: last.closeDate, rate: last.rate });
    causes.set(pairKey(p.book, p.currency), p.cause);
  }
  return bookFxResults(ctx.tx, targets, 'LATE_LINES', (t) => `${causes.get(pairKey(t.book, t.currency))}:FX:${t.book}:${t.currency}`);
}

/**
 * Rates for closes already processed that their currency's history lacks or holds at another rate:
 * the history takes them, and every position in the currency is revalued again to the currency's
 * last close, the difference booked dated that close. What is booked is then what it would have been
 * had the rate come before the close.
 */
export async function reviseForLateRates(tx: EntityManager, rates: EcbRate[], causeId: string): Promise<JournalEntry[]> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [FX_CLOSE_LOCK]);
  const revised = (await tx.query(
    `INSERT INTO accounting.fx_closes (currency, close_date, rate)
     SELECT c, d, u FROM unnest($1::date[], $2::text[], $3::numeric[]) AS x(d, c, u) WHERE EXISTS (SELECT 1 FROM accounting.fx_close_days k WHERE k.close_date = x.d)
     ON CONFLICT (currency, close_date) DO UPDATE SET rate = EXCLUDED.rate WHERE fx_closes.rate <> EXCLUDED.rate
     RETURNING currency`,
    [rates.map((r) => r.rateDate), rates.map((r) => r.currency), rates.map((r) => r.unitsPerEur)],
  )) as Array<{ currency: string }>;
  if (revised.length === 0) return [];
  const targets = (await tx.query(
    `WITH last AS (
       SELECT DISTINCT ON (currency) currency, close_date, rate FROM accounting.fx_closes WHERE currency = ANY($1::text[]) ORDER BY currency, close_date DESC)
     SELECT p.book, p.currency, to_char(last.close_date, 'YYYY-MM-DD') AS "closeDate", last.rate::text AS rate
     FROM (SELECT DISTINCT l.book, l.currency FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN last USING (currency)
           WHERE l.currency <> 'EUR' AND e.accounting_date <= last.close_date
           UNION SELECT book, currency FROM accounting.fx_positions WHERE currency = ANY($1::text[])) p
     JOIN last USING (currency)`,
    [[...new Set(revised.map((r) => r.currency))]],
  )) as FxTarget[];
  return bookFxResults(tx, targets, 'LATE_RATE', (t) => `${causeId}:FX:${t.book}:${t.currency}:${t.closeDate}`);
}

/**
 * Revalues each target's position to its close and books what the FX result to date differs by
 * from what was booked before; records the position revalued and the result.
 */
async function bookFxResults(tx: EntityManager, targets: FxTarget[], kind: FxResultKind, causeOf: (t: FxTarget) => string): Promise<JournalEntry[]> {
  if (targets.length === 0) return [];
  targets.sort((a, b) => (a.book === b.book ? (a.currency < b.currency ? -1 : 1) : a.book < b.book ? -1 : 1)); // rows locked in key order
  // A position new to FX gets its row first, so that two batches revaluing it wait for each other
  // (the second sees the first's lines and what it booked) as they do on a row that exists.
  const fresh = new Set(
    (
      (await tx.query(
        `INSERT INTO accounting.fx_positions (book, currency, balance, rate, as_of, booked_eur)
         SELECT b, c, 0, 1, '-infinity', 0 FROM unnest($1::text[], $2::text[]) AS t(b, c) ON CONFLICT (book, currency) DO NOTHING RETURNING book, currency`,
        [targets.map((t) => t.book), targets.map((t) => t.currency)],
      )) as Array<{ book: string; currency: string }>
    ).map((r) => pairKey(r.book, r.currency)),
  );
  const states = new Map(
    (
      (await tx.query(
        `SELECT f.book, f.currency, f.balance::text AS balance, f.rate::text AS rate, to_char(f.as_of, 'YYYY-MM-DD') AS "asOf", f.booked_eur::text AS "bookedEur"
         FROM accounting.fx_positions f JOIN unnest($1::text[], $2::text[]) AS t(book, currency) USING (book, currency)
         ORDER BY f.book, f.currency FOR UPDATE OF f`,
        [targets.map((t) => t.book), targets.map((t) => t.currency)],
      )) as Array<FxBooked & { book: string; currency: string }>
    )
      .filter((s) => !fresh.has(pairKey(s.book, s.currency)))
      .map((s) => [pairKey(s.book, s.currency), s]),
  );
  const due = targets.filter((t) => {
    const prev = states.get(pairKey(t.book, t.currency));
    // A close revalues once (a replayed close finds it done); a correction always, to its close.
    return !prev || (kind === 'CLOSE' ? prev.asOf < t.closeDate : prev.asOf <= t.closeDate);
  });
  if (due.length === 0) return [];
  const periods = await periodsOf(tx, due);
  const sets = await loadRuleSets(tx);
  const revalued = due.map((t) => {
    const prev = states.get(pairKey(t.book, t.currency)) ?? null;
    const own = periods.get(pairKey(t.book, t.currency)) ?? [];
    const toDate = fxResultToDate(own, new Dec(t.rate));
    const result = toDate.minus(prev?.bookedEur ?? '0');
    const entry = result.isZero()
      ? null
      : journalEntry({
          tradeRef: `FX:${t.book}:${t.currency}`,
          kind: 'FX_REVALUATION',
          accountingDate: t.closeDate,
          causeEventId: causeOf(t),
          book: t.book,
          currency: 'EUR',
          lines: applyRules(
            ruleSetOn(sets, t.closeDate),
            { event: 'FX_REVALUATION', recognition: 'SETTLEMENT_DATE', variant: result.isPositive() ? 'GAIN' : 'LOSS' },
            { amount: result.abs() },
            { securitiesAccount: '', aux: { CURRENCY: t.currency } },
          ),
        });
    return { t, prev, own, toDate, result, entry };
  });
  const posted = await appendJournal(
    tx,
    revalued.flatMap((r) => (r.entry ? [r.entry] : [])),
  );
  const postedIds = new Set(posted.map((e) => e.entryId));
  const next: Array<FxBooked & { book: string; currency: string }> = [];
  const results: Array<{
    book: string;
    currency: string;
    closeDate: string;
    position: string;
    before: string | null;
    rate: string;
    result: string;
    entryId: string | null;
    cause: string;
  }> = [];
  for (const { t, prev, own, toDate, result, entry } of revalued) {
    // An entry already posted for its cause (an event redelivered after the inbox forgot it) is not
    // booked now: the position keeps what it had booked, and its next revaluation books the difference.
    const booked = entry === null || postedIds.has(entry.entryId);
    next.push({
      book: t.book,
      currency: t.currency,
      balance: fxPosition(own).toFixed(),
      rate: t.rate,
      asOf: t.closeDate,
      bookedEur: booked ? toDate.toFixed() : (prev?.bookedEur ?? '0'),
    });
    if (kind === 'CLOSE' ? prev === null && entry === null : entry === null) continue;
    // A close reports the position carried since the previous close (as known now) and its rate then; a
    // correction for late lines, the lines it caught up with (what the position moved by since it was
    // last revalued), which entered at the rates of their own closes, not one; for a late rate, the
    // whole position, whose history of rates changed.
    const position =
      kind === 'CLOSE'
        ? fxPosition(own.filter((p) => p.closeDate < t.closeDate))
        : kind === 'LATE_LINES'
          ? fxPosition(own).minus(prev?.balance ?? '0')
          : fxPosition(own);
    results.push({
      book: t.book,
      currency: t.currency,
      closeDate: t.closeDate,
      position: position.toFixed(),
      before: kind === 'CLOSE' ? (prev?.rate ?? t.rate) : null,
      rate: t.rate,
      result: booked ? result.toFixed() : '0',
      entryId: booked ? (entry?.entryId ?? null) : null,
      cause: causeOf(t),
    });
  }
  await tx.query(
    `INSERT INTO accounting.fx_positions (book, currency, balance, rate, as_of, booked_eur)
     SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::date[], $6::numeric[])
     ON CONFLICT (book, currency) DO UPDATE SET balance = EXCLUDED.balance, rate = EXCLUDED.rate, as_of = EXCLUDED.as_of, booked_eur = EXCLUDED.booked_eur`,
    [
      next.map((n) => n.book),
      next.map((n) => n.currency),
      next.map((n) => n.balance),
      next.map((n) => n.rate),
      next.map((n) => n.asOf),
      next.map((n) => n.bookedEur),
    ],
  );
  if (results.length > 0) {
    await tx.query(
      `INSERT INTO accounting.fx_results (close_date, book, currency, position, rate_before, rate, result_eur, entry_id, kind, cause_event_id)
       SELECT d, b, c, p, rb, r, res, id, $1, cause FROM unnest($2::date[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::uuid[], $10::text[])
         AS x(d, b, c, p, rb, r, res, id, cause)
       ON CONFLICT DO NOTHING`,
      [
        kind,
        results.map((r) => r.closeDate),
        results.map((r) => r.book),
        results.map((r) => r.currency),
        results.map((r) => r.position),
        results.map((r) => r.before),
        results.map((r) => r.rate),
        results.map((r) => r.result),
        results.map((r) => r.entryId),
        results.map((r) => r.cause),
      ],
    );
  }
  return posted;
}
