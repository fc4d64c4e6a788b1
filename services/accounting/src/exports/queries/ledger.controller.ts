import { BadRequestException, ConflictException, Controller, Get, Inject, Param, Query, Res, UnprocessableEntityException } from '@nestjs/common';
import { CONFIG, ISO_DATE_CURSOR, pageRequest, PRINTABLE_KEY, READERS, Roles } from '@postera/platform';
import { amountText, isIsoDate } from '@postera/kernel';
import { DataSource } from 'typeorm';
import type { AccountingConfig } from '../../config.js';
import { fxReport } from '../../fx/queries/fx-report.query.js';
import { closingOf, type Closing } from '../../periods/persistence/closings.repository.js';
import { holdingsView } from '../../reconciliation/persistence/our-side.repository.js';
import { fecHeader, fecLines, toLatin9 } from '../domain/fec.js';
import { streamOut, type StreamedResponse } from '../../http/stream-out.js';
import { fecFileName, fecPeriod } from '../../periods/domain/fiscal-year.js';
import { cursorBatches, fecCheck, fecStream, GENERAL_LEDGER_LINES, TRIAL_BALANCE_FORMAT, trialBalanceIn, trialBalanceRows, trialBalanceSha256 } from '../persistence/books.repository.js';

/**
 * A closed period's export is served only when it is what was closed: a different hash means the
 * books of a closed period changed, and they are refused rather than served altered.
 */
function assertUnchanged(closing: Closing | null, what: 'trial balance' | 'FEC', stored: string | null | undefined, now: string): void {
  if (!closing || !stored || stored === now) return;
  throw new ConflictException(
    `the ${what} of the closed period ${closing.period} (${closing.firstDay} to ${closing.lastDay}) is no longer what was closed: sha256 ${stored} at the closing, ${now} now. It is not served; the books of a closed period must not change.`,
  );
}

/**
 * The longest range an export reads: a fiscal year (up to 366 days, or a first one a little longer)
 * fits; the books of several years are exported year by year, never in one request that reads them all.
 */
export const EXPORT_RANGE_DAYS_MAX = 400;

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

const range = (from: string | undefined, to: string | undefined) => {
  if (!isIsoDate(from) || !isIsoDate(to) || from > to) throw new BadRequestException('?from=YYYY-MM-DD&to=YYYY-MM-DD, from ≤ to');
  const days = daysBetween(from, to);
  if (days > EXPORT_RANGE_DAYS_MAX)
    throw new BadRequestException(`${from} to ${to} is ${days} days: at most ${EXPORT_RANGE_DAYS_MAX} (a fiscal year) per request; export a longer span year by year`);
  return [from, to] as const;
};

@Controller()
export class LedgerController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: AccountingConfig,
  ) {}

  /** The chart with each account's kind, by code a page at a time (`after` the last code of the page before). */
  @Get('chart')
  @Roles(...READERS, 'admin')
  chart(@Query('limit') limit: string | undefined, @Query('after') after: string | undefined) {
    const page = pageRequest({ limit, after }, { max: 5000, dflt: 1000, cursor: PRINTABLE_KEY, cursorName: 'code' });
    return this.ds.query(`SELECT code, name, kind FROM accounting.ledger_accounts WHERE $1::text IS NULL OR code > $1 ORDER BY code LIMIT $2`, [
      page.after,
      page.limit,
    ]);
  }

  /**
   * The posting rule sets and their rules (data, versioned), whole rule sets a page at a time: `limit`
   * counts rule sets, `after` the last version of the page before (a set's rules are read together).
   */
  @Get('posting-rules')
  @Roles(...READERS, 'admin')
  rules(@Query('limit') limit: string | undefined, @Query('after') after: string | undefined) {
    const page = pageRequest({ limit, after }, { max: 100, dflt: 20, cursor: /^[0-9]{1,9}$/, cursorName: 'version' });
    return this.ds.query(
      `SELECT s.version, to_char(s.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", r.event, r.recognition, r.variant, r.line_no AS "lineNo", r.account, r.direction, r.amount, r.aux
       FROM (SELECT version, effective_from FROM accounting.posting_rule_sets WHERE $1::int IS NULL OR version > $1 ORDER BY version LIMIT $2) s
       JOIN accounting.posting_rules r USING (version) ORDER BY s.version, r.event, r.recognition, r.variant, r.line_no`,
      [page.after, page.limit],
    );
  }

  /**
   * Positions of an account: quantity in the trade-date view and the settlement-date view on a date,
   * with the cost (CMP or FIFO lots) and the realized P&L as they stand now, amounts at the
   * currency's minor units (quantities as they are). By ISIN, a page at a time (`after` the last ISIN
   * of the page before): an omnibus account may hold thousands of lines.
   */
  @Get('positions/:account')
  @Roles(...READERS, 'admin')
  async positions(
    @Param('account') account: string,
    @Query('asOf') asOf: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('after') after: string | undefined,
  ) {
    const date = asOf ?? '9999-12-31';
    if (!isIsoDate(date)) throw new BadRequestException('asOf: an ISO date');
    const page = pageRequest({ limit, after }, { max: 5000, dflt: 500, cursor: /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, cursorName: 'isin' });
    // Each of the three views gives its first `limit` ISINs after the cursor: the page's ISINs are among them.
    const [trade, settled, costRows] = await this.ds.transaction('REPEATABLE READ', async (tx) => [
      await holdingsView(tx, account, date, 'TRAD', page),
      await holdingsView(tx, account, date, 'SETT', page),
      (await tx.query(
        `SELECT isin, book, currency, cost_method AS "costMethod", quantity::text AS quantity, cost::text AS cost, lots, realized::text AS realized
         FROM accounting.positions WHERE account = $1 AND ($2::text IS NULL OR isin > $2) ORDER BY isin LIMIT $3`,
        [account, page.after, page.limit],
      )) as Array<{ isin: string; currency: string; cost: string; realized: string; lots: Array<{ cost: string }> | null }>,
    ]);
    const costs = costRows.map((c) => ({
      ...c,
      cost: amountText(c.cost, c.currency),
      realized: amountText(c.realized, c.currency),
      lots: c.lots?.map((l) => ({ ...l, cost: amountText(l.cost, c.currency) })) ?? c.lots,
    }));
    const isins = [...new Set([...trade.keys(), ...settled.keys(), ...costs.map((c) => c.isin)])].sort().slice(0, page.limit);
    return isins.map((isin) => ({ isin, tradeDateQuantity: trade.get(isin) ?? '0', settlementDateQuantity: settled.get(isin) ?? '0', cost: costs.find((c) => c.isin === isin) ?? null }));
  }

  /**
   * Cash per currency and nostro (custodian) on a date: the 512000 lines, the balance at the currency's
   * minor units. Whole currencies a page at a time: `limit` counts currencies, `after` the last
   * currency of the page before (a currency's nostros are read together).
   */
  @Get('cash')
  @Roles(...READERS, 'admin')
  async cash(@Query('asOf') asOf: string | undefined, @Query('limit') limit: string | undefined, @Query('after') after: string | undefined) {
    const date = asOf ?? '9999-12-31';
    if (!isIsoDate(date)) throw new BadRequestException('asOf: an ISO date');
    const page = pageRequest({ limit, after }, { max: 500, dflt: 100, cursor: /^[A-Z]{3}$/, cursorName: 'currency' });
    const rows = (await this.ds.query(
      `WITH lines AS (
         SELECT l.currency, coalesce(l.aux_account, '') AS custodian, l.debit - l.credit AS amount
         FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
         WHERE l.account_code = '512000' AND e.accounting_date <= $1 AND ($2::text IS NULL OR l.currency > $2))
       SELECT currency, custodian, sum(amount)::text AS balance FROM lines
       WHERE currency IN (SELECT DISTINCT currency FROM lines ORDER BY currency LIMIT $3)
       GROUP BY currency, custodian ORDER BY 1, 2`,
      [date, page.after, page.limit],
    )) as Array<{ currency: string; balance: string }>;
    return rows.map((r) => ({ ...r, balance: amountText(r.balance, r.currency) }));
  }

  /**
   * FX results per close, book and currency (kind CLOSE), with the corrections for lines that came
   * after their close (kind LATE_LINES, dated that close); totals per currency and book over the range.
   * Whole closes a page at a time: `limit` counts close days, `after` the last close of the page
   * before; the totals are the range's, on every page.
   */
  @Get('fx/results')
  @Roles(...READERS, 'admin')
  async fxResults(
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('after') after: string | undefined,
  ) {
    const [f, t] = range(from, to);
    const page = pageRequest({ limit, after }, { max: EXPORT_RANGE_DAYS_MAX, dflt: 31, cursor: ISO_DATE_CURSOR, cursorName: 'closeDate' });
    const rows = (await this.ds.query(
      `SELECT to_char(close_date, 'YYYY-MM-DD') AS "closeDate", book, currency, position::text AS position, rate_before::text AS "rateBefore", rate::text AS rate,
              result_eur::text AS "resultEur", kind FROM accounting.fx_results
       WHERE close_date IN (SELECT DISTINCT close_date FROM accounting.fx_results
                            WHERE close_date BETWEEN $1 AND $2 AND ($3::date IS NULL OR close_date > $3) ORDER BY close_date LIMIT $4)
       ORDER BY close_date, book, currency, kind, cause_event_id`,
      [f, t, page.after, page.limit],
    )) as Array<{ currency: string; position: string; resultEur: string }>;
    const totals = (await this.ds.query(
      `SELECT book, currency, sum(result_eur)::text AS "resultEur" FROM accounting.fx_results WHERE close_date BETWEEN $1 AND $2 GROUP BY book, currency ORDER BY book, currency`,
      [f, t],
    )) as Array<{ resultEur: string }>;
    // The position in its currency, the result in EUR: each at its own currency's minor units (rates as they are).
    return {
      from: f,
      to: t,
      results: rows.map((r) => ({ ...r, position: amountText(r.position, r.currency), resultEur: amountText(r.resultEur, 'EUR') })),
      totals: totals.map((r) => ({ ...r, resultEur: amountText(r.resultEur, 'EUR') })),
    };
  }

  /**
   * The FX-result report as of a date (src/fx/queries/fx-report.query.ts): per book and currency the
   * position, the rate it is valued at (its date and source) and the carrying rate, the unrealised and
   * realised FX result and what the journal booked; the rates used; the missing rates with what each blocks.
   */
  @Get('fx/report')
  @Roles(...READERS, 'admin')
  async fxReport(@Query('asOf') asOf: string | undefined) {
    if (!isIsoDate(asOf)) throw new BadRequestException('?asOf=YYYY-MM-DD');
    return fxReport(this.ds.manager, asOf, this.config.FISCAL_YEAR_END);
  }

  /**
   * Trial balance over a date range: per account, book and currency, the opening balance, the
   * movements and the closing balance, amounts at the currency's minor units (format 2). The range of
   * a closed period is served only when its hash, recomputed in the format the closing recorded, is
   * the one stored at the closing (409 otherwise).
   */
  @Get('exports/trial-balance')
  @Roles(...READERS, 'admin')
  async trialBalance(@Query('from') from: string | undefined, @Query('to') to: string | undefined) {
    const [f, t] = range(from, to);
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const rows = await trialBalanceRows(tx, f, t);
      const closing = await closingOf(tx, null, f, t);
      // Verified in the format the closing hashed, served in today's: a closing made in an older form still holds.
      if (closing) assertUnchanged(closing, 'trial balance', closing.trialBalanceSha256, trialBalanceSha256(rows, closing.trialBalanceFormat));
      return trialBalanceIn(rows, TRIAL_BALANCE_FORMAT);
    });
  }

  /**
   * General ledger over a date range: every line (debit and credit at the currency's minor units),
   * by account then date and posting order, as one JSON array written batch by batch (a cursor of
   * one REPEATABLE READ, read-only snapshot): the service holds one batch of lines at a time,
   * whatever the range.
   */
  @Get('exports/general-ledger')
  @Roles(...READERS, 'admin')
  async generalLedger(@Query('from') from: string | undefined, @Query('to') to: string | undefined, @Res() res: StreamedResponse) {
    const [f, t] = range(from, to);
    await this.ds.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      await streamOut(res, 200, { 'content-type': 'application/json; charset=utf-8' }, async (write) => {
        let first = true;
        await write('[');
        for await (const rows of cursorBatches<{ currency: string; debit: string; credit: string }>(tx, GENERAL_LEDGER_LINES, [f, t])) {
          let chunk = '';
          for (const r of rows) {
            chunk += (first ? '' : ',') + JSON.stringify({ ...r, debit: amountText(r.debit, r.currency), credit: amountText(r.credit, r.currency) });
            first = false;
          }
          await write(chunk);
        }
        await write(']');
      });
    });
  }

  /**
   * The FEC (LPF art. A47 A-1) of a fiscal year, or of a period inside one: ?fiscalYear=YYYY (the
   * year its closing day falls in) and/or ?from=&to=; ?separator=tab, ?encoding=utf8. Choices in
   * exports/domain/fec.ts. Refused (422) with every missing ECB rate and auxiliary name rather than
   * written wrong; the file is named after the fiscal year's closing date. The FEC of a closed fiscal
   * year is served only when its hash (of the default form) is the one stored at the closing (409
   * otherwise). Streamed, in one REPEATABLE READ, read-only snapshot: a first pass reads the file
   * through (holding none of it) for what is missing and its hash, both answered before any byte;
   * the second writes it batch by batch.
   */
  @Get('exports/fec')
  @Roles(...READERS, 'admin')
  async fec(
    @Query('fiscalYear') fiscalYear: string | undefined,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('separator') separator: string | undefined,
    @Query('encoding') encoding: string | undefined,
    @Res() res: StreamedResponse,
  ) {
    const period = fecPeriod({ fiscalYear, from, to }, this.config.FISCAL_YEAR_END);
    if (!period.ok) throw new BadRequestException(period.error);
    const { fy } = period;
    const sep = separator === 'tab' ? '\t' : '|';
    const encode = (text: string) => (encoding === 'utf8' ? Buffer.from(text, 'utf8') : toLatin9(text));
    await this.ds.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      // First pass: the refusals, from the same snapshot as the bytes written below.
      const check = await fecCheck(tx, period);
      if (!check.ok)
        throw new UnprocessableEntityException({
          message:
            `the FEC of the fiscal year ${fy.start} to ${fy.end} is not produced: ${check.missingRates.length} ECB rate(s) and ${check.missingNames.length} auxiliary account name(s) missing. ` +
            'Import the rates (POST /fx-rates/ecb, or marketdata.fx-rates.v1) and the parties and accounts of the referential, then export again.',
          missingRates: check.missingRates,
          missingNames: check.missingNames,
        });
      const closing = period.from === fy.start && period.to === fy.end ? await closingOf(tx, 'FISCAL_YEAR', fy.start, fy.end) : null;
      if (closing) assertUnchanged(closing, 'FEC', closing.fecSha256, check.sha256);
      // Second pass: the same rows, written as they are produced.
      const fec = await fecStream(tx, period);
      const headers = {
        'content-type': `text/plain; charset=${encoding === 'utf8' ? 'utf-8' : 'iso-8859-15'}`,
        'content-disposition': `attachment; filename="${fecFileName(this.config.FEC_SIREN, fy)}"`,
      };
      await streamOut(res, 200, headers, async (write) => {
        await write(encode(fecHeader(sep)));
        for await (const rows of fec.batches()) await write(encode(fecLines(rows, sep)));
      });
    });
  }
}
