import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UnprocessableEntityException } from '@nestjs/common';
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
import { fecRows, fecText, rateBook, toLatin9, type EurBalance, type FecLine, type OpeningInput } from '../domain/fec.js';
import { fecFileName, fecPeriod } from '../domain/fiscal-year.js';
import { auxNames } from '../persistence/aux-names.repository.js';

/** The journal lines as the FEC reads them; callers add the WHERE and ORDER BY. */
const FEC_LINES = `SELECT e.posted_seq::text AS "entrySeq", e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS "accountingDate", e.trade_ref AS "tradeRef",
       to_char(e.posted_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "validDate", l.account_code AS "accountCode", a.name AS "accountName", l.aux_account AS aux, l.currency,
       l.debit::text AS debit, l.credit::text AS credit
FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code`;

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

  /**
   * The FEC (LPF art. A47 A-1) of a fiscal year, or of a period inside one: ?fiscalYear=YYYY (the
   * year its closing day falls in) and/or ?from=&to=; ?separator=tab, ?encoding=utf8. Choices in
   * exports/domain/fec.ts. Refused (422) with every missing ECB rate and auxiliary name rather than
   * written wrong; the file is named after the fiscal year's closing date.
   */
  @Get('exports/fec')
  async fec(
    @Query('fiscalYear') fiscalYear: string | undefined,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('separator') separator: string | undefined,
    @Query('encoding') encoding: string | undefined,
    @Res() res: { setHeader(k: string, v: string): void; status(n: number): { send(b: Buffer | string): void } },
  ) {
    const period = fecPeriod({ fiscalYear, from, to }, this.config.FISCAL_YEAR_END);
    if (!period.ok) throw new BadRequestException(period.error);
    const { fy } = period;
    // One snapshot: the à-nouveaux and the period's entries are read from the same journal state.
    const result = await this.ds.transaction('REPEATABLE READ', async (tx) => {
      const lines = (await tx.query(`${FEC_LINES} WHERE e.accounting_date BETWEEN $1 AND $2 ORDER BY e.posted_seq, l.line_no`, [period.from, period.to])) as FecLine[];
      // The à-nouveaux are dated the fiscal year's first day: in the file when the period starts then.
      const opening: OpeningInput | null =
        period.from === fy.start
          ? {
              eurBalances: (await tx.query(
                `SELECT l.account_code AS "accountCode", a.name AS "accountName", l.aux_account AS aux, sum(l.debit - l.credit)::text AS balance,
                        to_char(max(e.posted_at) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "validDate"
                 FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
                 WHERE e.accounting_date < $1 AND l.currency = 'EUR' GROUP BY l.account_code, a.name, l.aux_account`,
                [fy.start],
              )) as EurBalance[],
              foreignLines: (await tx.query(`${FEC_LINES} WHERE e.accounting_date < $1 AND l.currency <> 'EUR' ORDER BY e.posted_seq, l.line_no`, [fy.start])) as FecLine[],
            }
          : null;
      const rates = (await tx.query(
        `SELECT currency, to_char(rate_date, 'YYYY-MM-DD') AS date, units_per_eur::text AS "unitsPerEur" FROM accounting.fx_rates WHERE rate_date <= $1`,
        [period.to],
      )) as Array<{ currency: string; date: string; unitsPerEur: string }>;
      const auxCodes = [...lines, ...(opening?.foreignLines ?? []), ...(opening?.eurBalances ?? [])].flatMap((l) => (l.aux ? [l.aux] : []));
      return fecRows({ fy, lines, opening, rateOn: rateBook(rates), names: await auxNames(tx, auxCodes) });
    });
    if (!result.ok)
      throw new UnprocessableEntityException({
        message:
          `the FEC of the fiscal year ${fy.start} to ${fy.end} is not produced: ${result.missingRates.length} ECB rate(s) and ${result.missingNames.length} auxiliary account name(s) missing. ` +
          'Import the rates (POST /fx-rates/ecb, or marketdata.fx-rates.v1) and the parties and accounts of the referential, then export again.',
        missingRates: result.missingRates,
        missingNames: result.missingNames,
      });
    const text = fecText(result.rows, separator === 'tab' ? '\t' : '|');
    res.setHeader('content-type', `text/plain; charset=${encoding === 'utf8' ? 'utf-8' : 'iso-8859-15'}`);
    res.setHeader('content-disposition', `attachment; filename="${fecFileName(this.config.FEC_SIREN, fy)}"`);
    res.status(200).send(encoding === 'utf8' ? text : toLatin9(text));
  }
}
