import { BadRequestException, Body, ConflictException, Controller, HttpCode, Inject, Post, UnprocessableEntityException } from '@nestjs/common';
import { CONFIG, CurrentOperator, MAKERS, RequiresFourEyes, Roles, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import type { AccountingConfig } from '../../../config.js';
import { fecCheck, TRIAL_BALANCE_FORMAT, trialBalanceRows, trialBalanceSha256 } from '../../persistence/books.repository.js';
import { fiscalYearClosingIn } from '../../../periods/domain/fiscal-year.js';
import { closingRefusal, parsePeriod } from '../../../periods/domain/period.js';
import { closingsForClosing, insertClosing, type Closing } from '../../../periods/persistence/closings.repository.js';

@Controller('periods')
export class ClosePeriodController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: AccountingConfig,
  ) {}

  /**
   * Close a period, `{ period: "2025-11" }` (a month) or `{ period: "FY2025" }` (a fiscal year,
   * with its months): a proposal one person makes and a supervisor approves at the gateway. From
   * then on nothing is booked inside it (journal.repository.ts), and its trial balance (and the FEC
   * of a fiscal year) are hashed as the exports produce them now, so any later export is proved the
   * same. Refused: before the period has ended by the business date, across an open gap, while
   * operations dated in it wait to be costed, when the FEC export would refuse the year (422); twice (409).
   */
  @Post('close')
  @HttpCode(201)
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async close(@CurrentOperator() who: Operator, @Body() body: { period?: unknown } | undefined): Promise<Closing> {
    const parsed = parsePeriod(body?.period, this.config.FISCAL_YEAR_END);
    if (!parsed.ok) throw new BadRequestException(parsed.error);
    const p = parsed.period;
    const fourEyes = who.fourEyes!; // the guard refused the call without a proof that holds
    return this.ds.transaction(async (tx) => {
      // Exclusive: the postings in flight commit first (and are in the hashes); the next ones wait and book past the closing.
      const closed = await closingsForClosing(tx);
      const refusal = closingRefusal(p, closed, await this.businessDate(tx));
      if (refusal?.kind === 'already-closed') throw new ConflictException(refusal.message);
      if (refusal?.kind === 'not-closable') throw new UnprocessableEntityException(refusal.message);
      // A period's books are those of costed days: an operation of it booked at its consideration and
      // not yet costed (its day not marked on every partition) would leave its result out of the hashes.
      const [waiting] = (await tx.query(`SELECT count(*)::int AS n FROM accounting.staged_ops WHERE accounting_date <= $1`, [p.lastDay])) as Array<{ n: number }>;
      if (waiting!.n > 0)
        throw new UnprocessableEntityException(
          `${p.period} is not closed: ${waiting!.n} operation(s) dated in it wait for their day to be costed (marked on every partition of the trade and settlement events). Close again once the day is marked.`,
        );
      let fecSha256: string | null = null;
      if (p.kind === 'FISCAL_YEAR') {
        const fy = fiscalYearClosingIn(Number(p.lastDay.slice(0, 4)), this.config.FISCAL_YEAR_END);
        const fec = await fecCheck(tx, { fy, from: fy.start, to: fy.end });
        if (!fec.ok)
          throw new UnprocessableEntityException({
            message: `${p.period} is not closed: its FEC is not produced (${fec.missingRates.length} ECB rate(s) and ${fec.missingNames.length} auxiliary account name(s) missing). Import them, then close again.`,
            missingRates: fec.missingRates,
            missingNames: fec.missingNames,
          });
        fecSha256 = fec.sha256;
      }
      return insertClosing(tx, {
        ...p,
        proposalId: fourEyes.proposal,
        maker: fourEyes.maker.id,
        checker: fourEyes.checker.id,
        // Hashed in the format the export serves now, and that format recorded: the period is verified in it from then on.
        trialBalanceSha256: trialBalanceSha256(await trialBalanceRows(tx, p.firstDay, p.lastDay), TRIAL_BALANCE_FORMAT),
        trialBalanceFormat: TRIAL_BALANCE_FORMAT,
        fecSha256,
      });
    });
  }

  /** The service's business date (the latest of the TARGET calendar it has seen), or the wall clock before the first. */
  private async businessDate(tx: Pick<DataSource, 'query'>): Promise<string> {
    const [d] = (await tx.query(`SELECT to_char(max(business_date), 'YYYY-MM-DD') AS d FROM accounting.business_day`)) as Array<{ d: string | null }>;
    return d?.d ?? new Date().toISOString().slice(0, 10);
  }
}
