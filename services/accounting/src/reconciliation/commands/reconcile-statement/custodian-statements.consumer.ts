import { Injectable } from '@nestjs/common';
import { Topics, type CustodianStatementEvent } from '@postera/contracts';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import { reconcileCash, reconcileHoldings } from './reconcile-statements.js';

/** custodian.statements.v1 → each statement reconciled from its XML (the payload's data is not trusted for it). */
@Injectable()
export class CustodianStatementsConsumer extends EnvelopeHandler<CustodianStatementEvent> {
  readonly consumerId = 'accounting.custodian-statements';
  readonly topics = [Topics.custodianStatements];

  async handle(ctx: BatchContext, messages: InboundMessage<CustodianStatementEvent>[]): Promise<void> {
    for (const { body } of messages) {
      const p = body.payload;
      const reports =
        body.type === 'HoldingsStatement'
          ? [await reconcileHoldings(ctx.tx, p.account, p.xml, `topic:${body.eventId}`, p.statementId)]
          : await reconcileCash(ctx.tx, p.account, p.xml, `topic:${body.eventId}`, p.statementId);
      for (const report of reports)
        ctx.log.info(
          { runId: report.runId, kind: report.kind, subject: report.subject, breaks: report.breaks.length, errors: report.errors.length },
          'reconciliation run',
        );
    }
  }
}
