import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { CONFIG } from '@postera/platform';
import { isIsoDate } from '@postera/kernel';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AccountingConfig } from '../../config.js';
import { parseEcbCsv } from '../../fx/domain/ecb-csv.js';
import { storeRates } from '../../fx/commands/fx.service.js';
import { asJournalWriter } from '../../journal/persistence/journal.repository.js';
import { readBody } from '../../http/read-body.js';
import { holdingsView } from '../../reconciliation/commands/reconciliation.service.js';
import { fecRows, fecText, toLatin9, type FecLine } from '../domain/fec.js';

const range = (from: string | undefined, to: string | undefined) => {
  if (!isIsoDate(from) || !isIsoDate(to) || from > to) throw new BadRequestException('?from=YYYY-MM-DD&to=YYYY-MM-DD, from ≤ to');
  return [from, to] as const;
};

@Controller()
export class LedgerController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: AccountingConfig,
  ) {}

  /** The chart with each account's kind. */
  @Get('chart')
  chart() {
    return this.ds.query(`SELECT code, name, kind FROM accounting.ledger_accounts ORDER BY code`);
  }

  /** The posting rule sets and their rules (data, versioned). */
  @Get('posting-rules')
  rules() {
    return this.ds.query(
      `SELECT s.version, to_char(s.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", r.event, r.recognition, r.variant, r.line_no AS "lineNo", r.account, r.direction, r.amount, r.aux
       FROM accounting.posting_rule_sets s JOIN accounting.posting_rules r USING (version) ORDER BY s.version, r.event, r.recognition, r.variant, r.line_no`,
    );
  }

  /** Trade-date or settlement-date recognition for a book, from a date (trades booked from then on). */
  @Put('books/:book/recognition')
  async setRecognition(@Param('book') book: string, @Body() body: { recognition?: string; effectiveFrom?: string }) {
    if (body?.recognition !== 'TRADE_DATE' && body?.recognition !== 'SETTLEMENT_DATE') throw new BadRequestException('recognition: TRADE_DATE or SETTLEMENT_DATE');
    if (!isIsoDate(body.effectiveFrom)) throw new BadRequestException('effectiveFrom: an ISO date');
    await this.ds.query(
      `INSERT INTO accounting.book_policies (book, effective_from, recognition) VALUES ($1, $2, $3) ON CONFLICT (book, effective_from) DO UPDATE SET recognition = EXCLUDED.recognition`,
      [book, body.effectiveFrom, body.recognition],
    );
    return { book, recognition: body.recognition, effectiveFrom: body.effectiveFrom };
  }

  /**
   * Positions of an account: quantity in the trade-date view and the settlement-date view on a date,
   * with the cost (CMP or FIFO lots) and the realized P&L as they stand now.
   */
  @Get('positions/:account')
  async positions(@Param('account') account: string, @Query('asOf') asOf: string | undefined) {
    const date = asOf ?? '9999-12-31';
    if (!isIsoDate(date)) throw new BadRequestException('asOf: an ISO date');
    const [trade, settled] = await this.ds.transaction(async (tx) => [await holdingsView(tx, account, date, 'TRAD'), await holdingsView(tx, account, date, 'SETT')]);
    const costs = (await this.ds.query(
      `SELECT isin, book, currency, cost_method AS "costMethod", quantity::text AS quantity, cost::text AS cost, lots, realized::text AS realized
       FROM accounting.positions WHERE account = $1 ORDER BY isin`,
      [account],
    )) as Array<{ isin: string }>;
    const isins = [...new Set([...trade.keys(), ...settled.keys(), ...costs.map((c) => c.isin)])].sort();
    return isins.map((isin) => ({ isin, tradeDateQuantity: trade.get(isin) ?? '0', settlementDateQuantity: settled.get(isin) ?? '0', cost: costs.find((c) => c.isin === isin) ?? null }));
  }

  /** Cash per currency and nostro (custodian) on a date: the 512000 lines. */
  @Get('cash')
  cash(@Query('asOf') asOf: string | undefined) {
    const date = asOf ?? '9999-12-31';
    if (!isIsoDate(date)) throw new BadRequestException('asOf: an ISO date');
    return this.ds.query(
      `SELECT l.currency, coalesce(l.aux_account, '') AS custodian, sum(l.debit - l.credit)::text AS balance
       FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) WHERE l.account_code = '512000' AND e.accounting_date <= $1
       GROUP BY l.currency, l.aux_account ORDER BY 1, 2`,
      [date],
    );
  }

  /**
   * Import ECB reference rates in the ECB's own CSV (daily or history file), as text/csv (or JSON
   * { csv }). A rate late for a close already processed revalues its currency's positions again
   * (fx.service.ts), posted through the journal writer's role.
   */
  @Post('fx-rates/ecb')
  @HttpCode(200)
  async importEcb(@Req() req: Parameters<typeof readBody>[0]) {
    const parsed = parseEcbCsv(await readBody(req));
    const stored = await this.ds.transaction(async (tx) => {
      await asJournalWriter({ tx }, this.config.JOURNAL_WRITER_ROLE);
      return storeRates(tx, parsed.rates, 'ECB upload', `ecb-upload:${randomUUID()}`);
    });
    return { stored, problems: parsed.problems };
  }

  /**
   * FX results per close, book and currency (kind CLOSE), with the corrections for lines that came
   * after their close (kind LATE_LINES, dated that close); totals per currency and book over the range.
   */
  @Get('fx/results')
  async fxResults(@Query('from') from: string | undefined, @Query('to') to: string | undefined) {
    const [f, t] = range(from, to);
    const rows = await this.ds.query(
      `SELECT to_char(close_date, 'YYYY-MM-DD') AS "closeDate", book, currency, position::text AS position, rate_before::text AS "rateBefore", rate::text AS rate,
              result_eur::text AS "resultEur", kind FROM accounting.fx_results WHERE close_date BETWEEN $1 AND $2 ORDER BY close_date, book, currency, kind, cause_event_id`,
      [f, t],
    );
    const totals = await this.ds.query(
      `SELECT book, currency, sum(result_eur)::text AS "resultEur" FROM accounting.fx_results WHERE close_date BETWEEN $1 AND $2 GROUP BY book, currency ORDER BY book, currency`,
      [f, t],
    );
    return { from: f, to: t, results: rows, totals };
  }

  /** Trial balance over a date range: per account, book and currency, the opening balance, the movements and the closing balance. */
  @Get('exports/trial-balance')
  trialBalance(@Query('from') from: string | undefined, @Query('to') to: string | undefined) {
    const [f, t] = range(from, to);
    return this.ds.query(
      `SELECT l.account_code AS account, a.name, l.book, l.currency,
              coalesce(sum(l.debit - l.credit) FILTER (WHERE e.accounting_date < $1), 0)::text AS opening,
              coalesce(sum(l.debit) FILTER (WHERE e.accounting_date BETWEEN $1 AND $2), 0)::text AS debit,
              coalesce(sum(l.credit) FILTER (WHERE e.accounting_date BETWEEN $1 AND $2), 0)::text AS credit,
              sum(l.debit - l.credit)::text AS closing
       FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
       WHERE e.accounting_date <= $2 GROUP BY l.account_code, a.name, l.book, l.currency ORDER BY 1, 3, 4`,
      [f, t],
    );
  }

  /** General ledger over a date range: every line, by account then date and posting order. */
  @Get('exports/general-ledger')
  generalLedger(@Query('from') from: string | undefined, @Query('to') to: string | undefined) {
    const [f, t] = range(from, to);
    return this.ds.query(
      `SELECT l.account_code AS account, a.name, to_char(e.accounting_date, 'YYYY-MM-DD') AS date, e.posted_seq::text AS "entryNum", e.kind, e.trade_ref AS "tradeRef",
              e.cause_event_id AS "causeEventId", l.book, l.currency, l.aux_account AS aux, l.debit::text AS debit, l.credit::text AS credit
       FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
       WHERE e.accounting_date BETWEEN $1 AND $2 ORDER BY l.account_code, e.accounting_date, e.posted_seq, l.line_no LIMIT 1000000`,
      [f, t],
    );
  }

  /** The FEC (LPF art. A47 A-1) of a date range; choices in exports/domain/fec.ts. ?separator=tab, ?encoding=utf8. */
  @Get('exports/fec')
  async fec(
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('separator') separator: string | undefined,
    @Query('encoding') encoding: string | undefined,
    @Res() res: { setHeader(k: string, v: string): void; status(n: number): { send(b: Buffer | string): void } },
  ) {
    const [f, t] = range(from, to);
    const lines = (await this.ds.query(
      `SELECT e.posted_seq::text AS "entrySeq", e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS "accountingDate", e.trade_ref AS "tradeRef",
              to_char(e.posted_at, 'YYYY-MM-DD') AS "validDate", l.account_code AS "accountCode", a.name AS "accountName", l.aux_account AS aux, l.currency,
              l.debit::text AS debit, l.credit::text AS credit
       FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
       WHERE e.accounting_date BETWEEN $1 AND $2 ORDER BY e.posted_seq, l.line_no`,
      [f, t],
    )) as FecLine[];
    const rates = (await this.ds.query(`SELECT currency, to_char(rate_date, 'YYYY-MM-DD') AS d, units_per_eur::text AS r FROM accounting.fx_rates WHERE rate_date <= $1 ORDER BY rate_date`, [t])) as Array<{
      currency: string;
      d: string;
      r: string;
    }>;
    const rateOn = (currency: string, date: string) => {
      let found: string | null = null;
      for (const x of rates) if (x.currency === currency && x.d <= date) found = x.r;
      return found;
    };
    const { rows, problems } = fecRows(lines, rateOn);
    const text = fecText(rows, separator === 'tab' ? '\t' : '|');
    res.setHeader('content-type', `text/plain; charset=${encoding === 'utf8' ? 'utf-8' : 'iso-8859-15'}`);
    res.setHeader('content-disposition', `attachment; filename="${this.config.FEC_SIREN}FEC${t.replaceAll('-', '')}.txt"`);
    if (problems.length > 0) res.setHeader('x-postera-fec-problems', String(problems.length));
    res.status(200).send(encoding === 'utf8' ? text : toLatin9(text));
  }
}
