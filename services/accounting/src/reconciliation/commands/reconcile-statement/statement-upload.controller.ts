import { BadRequestException, Controller, HttpCode, Post, Query, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { MAKERS, Roles } from '@postera/platform';
import { DataSource } from 'typeorm';
import { readBody } from '../../../http/read-body.js';
import { reconcileCash, reconcileHoldings } from './reconcile-statements.js';
import { readStatementTree, STATEMENT_RETRY_AFTER_SECONDS, STATEMENT_UPLOAD_BYTES_MAX, statementParses } from './statement-uploads.js';

@Controller('reconciliations')
export class StatementUploadController {
  constructor(private readonly ds: DataSource) {}

  /**
   * Upload a semt.002 (holdings) or camt.053 (cash) statement, as XML (text/xml) with ?account=
   * (our account); it is reconciled at once. A camt.053 file may hold several statements (one per
   * cash account or currency of that account): each is reconciled as its own run. The answer is the
   * run for a file of one statement (the usual case), `{ runs }` for a file of several. Bounded
   * (statement-uploads.ts): 413 beyond 4 MiB, 503 with Retry-After while two uploads are
   * being read, and the XML is read in chunks that yield to the event loop.
   */
  @Post('statements')
  @HttpCode(200)
  @Roles(...MAKERS)
  async uploadStatement(
    @Req() req: Parameters<typeof readBody>[0],
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void },
    @Query('account') account: string | undefined,
  ) {
    if (!account) throw new BadRequestException('?account= is required');
    const release = statementParses.tryTake();
    if (!release) {
      res.setHeader('retry-after', String(STATEMENT_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException(
        `${statementParses.max} statement uploads are being read; send it again in ${STATEMENT_RETRY_AFTER_SECONDS} seconds`,
      );
    }
    try {
      const xml = await readBody(req, STATEMENT_UPLOAD_BYTES_MAX);
      const kind = xml.includes('semt.002') ? 'HOLDINGS' : xml.includes('camt.053') ? 'CASH' : null;
      if (!kind) throw new BadRequestException('neither a semt.002 nor a camt.053 document');
      const statement = { xml, tree: await readStatementTree(xml) };
      if (kind === 'HOLDINGS') return await this.ds.transaction((tx) => reconcileHoldings(tx, account, statement, 'upload'));
      const runs = await this.ds.transaction((tx) => reconcileCash(tx, account, statement, 'upload'));
      return runs.length === 1 ? runs[0] : { runs };
    } finally {
      release();
    }
  }
}
