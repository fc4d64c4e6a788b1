import { Injectable } from '@nestjs/common';
import { Topics, type MarketDataEvent } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import { applyRules, ruleSetOn } from '../../ledger/domain/rules-engine.js';
import { loadRuleSets } from '../../ledger/persistence/ledger.repository.js';
import { appendJournal, journalEntry, type JournalEntry } from '../../journal/persistence/journal.repository.js';
import type { EcbRate } from '../domain/ecb-csv.js';
import { revalue, type FxState } from '../domain/revaluation.js';

export async function upsertRates(tx: EntityManager, rates: EcbRate[], source: string): Promise<number> {
  if (rates.length === 0) return 0;
  const last = new Map<string, EcbRate>();
  for (const r of rates) last.set(`${r.rateDate}|${r.currency}`, r);
  const v = [...last.values()];
  await tx.query(
    `INSERT INTO accounting.fx_rates (rate_date, currency, units_per_eur, source) SELECT d, c, u, $4 FROM unnest($1::date[], $2::text[], $3::numeric[]) AS x(d, c, u)
     ON CONFLICT (rate_date, currency) DO UPDATE SET units_per_eur = EXCLUDED.units_per_eur, source = EXCLUDED.source`,
    [v.map((r) => r.rateDate), v.map((r) => r.currency), v.map((r) => r.unitsPerEur), source],
  );
  return v.length;
}

/** marketdata.fx-rates.v1 (ECB reference rates) → accounting.fx_rates. */
@Injectable()
export class FxRatesConsumer extends EnvelopeHandler<MarketDataEvent> {
  readonly consumerId = 'accounting.fx-rates';
  readonly topics = [Topics.fxRates];

  async handle(ctx: BatchContext, messages: InboundMessage<MarketDataEvent>[]): Promise<void> {
    const rates = messages
      .map((m) => m.body)
      .flatMap((e) => (e.type === 'FxRate' ? [{ rateDate: e.payload.rateDate, currency: e.payload.currency, unitsPerEur: e.payload.unitsPerEur, source: e.payload.source }] : []));
    await upsertRates(ctx.tx, rates, rates[0]?.source ?? 'ECB');
  }
}

/**
 * At the close of `closeDate`: each book's net balance-sheet position in each foreign currency
 * (every line dated on or before the close, cash included, commitments and P&L accounts not) is
 * revalued at the ECB rate of the day (ledger/domain/... fx/domain/revaluation.ts), and the FX
 * result booked in EUR: gain Dr 479000 / Cr 766000, loss Dr 666000 / Cr 479000. A currency without
 * a rate that day is not revalued (logged) and keeps its last state for the next close.
 */
export async function revalueAtClose(ctx: BatchContext, closeDate: string, causeEventId: string): Promise<JournalEntry[]> {
  const positions = (await ctx.tx.query(
    `SELECT l.book, l.currency, sum(l.debit - l.credit)::text AS balance
     FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
     WHERE l.currency <> 'EUR' AND a.kind = 'BALANCE' AND e.accounting_date <= $1 GROUP BY l.book, l.currency
     UNION SELECT book, currency, '0' FROM accounting.fx_positions f
       WHERE NOT EXISTS (SELECT 1 FROM accounting.journal_lines l WHERE l.book = f.book AND l.currency = f.currency)`,
    [closeDate],
  )) as Array<{ book: string; currency: string; balance: string }>;
  if (positions.length === 0) return [];
  const rates = new Map(
    ((await ctx.tx.query(`SELECT currency, units_per_eur::text AS rate FROM accounting.fx_rates WHERE rate_date = $1`, [closeDate])) as Array<{ currency: string; rate: string }>).map(
      (r) => [r.currency, r.rate],
    ),
  );
  const states = new Map(
    (
      (await ctx.tx.query(
        `SELECT book, currency, balance::text AS balance, rate::text AS rate, to_char(as_of, 'YYYY-MM-DD') AS "asOf" FROM accounting.fx_positions FOR UPDATE`,
      )) as Array<FxState & { book: string; currency: string }>
    ).map((s) => [`${s.book}|${s.currency}`, s]),
  );
  const sets = await loadRuleSets(ctx.tx);
  const entries: JournalEntry[] = [];
  const results: Array<{ book: string; currency: string; position: string; before: string; rate: string; result: string; entryId: string | null }> = [];
  const next: Array<FxState & { book: string; currency: string }> = [];
  for (const p of positions) {
    const rate = rates.get(p.currency);
    if (!rate) {
      ctx.log.warn({ closeDate, currency: p.currency, book: p.book }, 'no ECB rate for the close; position not revalued');
      continue;
    }
    const prev = states.get(`${p.book}|${p.currency}`) ?? null;
    if (prev && prev.asOf >= closeDate) continue; // this close was revalued already (a replayed close)
    const r = revalue(prev, new Dec(p.balance), new Dec(rate), closeDate);
    next.push({ book: p.book, currency: p.currency, ...r.next });
    let entryId: string | null = null;
    if (!r.resultEur.isZero()) {
      const entry = journalEntry({
        tradeRef: `FX:${p.book}:${p.currency}`,
        kind: 'FX_REVALUATION',
        accountingDate: closeDate,
        causeEventId: `${causeEventId}:${p.book}:${p.currency}`,
        book: p.book,
        currency: 'EUR',
        lines: applyRules(
          ruleSetOn(sets, closeDate),
          { event: 'FX_REVALUATION', recognition: 'SETTLEMENT_DATE', variant: r.resultEur.isPositive() ? 'GAIN' : 'LOSS' },
          { amount: r.resultEur.abs() },
          { securitiesAccount: '', aux: { CURRENCY: p.currency } },
        ),
      });
      entries.push(entry);
      entryId = entry.entryId;
    }
    if (prev) results.push({ book: p.book, currency: p.currency, position: prev.balance, before: prev.rate, rate, result: r.resultEur.toFixed(), entryId });
  }
  if (next.length > 0) {
    await ctx.tx.query(
      `INSERT INTO accounting.fx_positions (book, currency, balance, rate, as_of) SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::date[])
       ON CONFLICT (book, currency) DO UPDATE SET balance = EXCLUDED.balance, rate = EXCLUDED.rate, as_of = EXCLUDED.as_of`,
      [next.map((n) => n.book), next.map((n) => n.currency), next.map((n) => n.balance), next.map((n) => n.rate), next.map((n) => n.asOf)],
    );
  }
  if (results.length > 0) {
    await ctx.tx.query(
      `INSERT INTO accounting.fx_results (close_date, book, currency, position, rate_before, rate, result_eur, entry_id)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::uuid[]) ON CONFLICT DO NOTHING`,
      [closeDate, results.map((r) => r.book), results.map((r) => r.currency), results.map((r) => r.position), results.map((r) => r.before), results.map((r) => r.rate), results.map((r) => r.result), results.map((r) => r.entryId)],
    );
  }
  return appendJournal(ctx.tx, entries);
}
