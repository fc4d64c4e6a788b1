import { Injectable } from '@nestjs/common';
import { Topics, type AccountRefEvent } from '@postera/contracts';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import { upsertAccounts } from '../../../ledger/persistence/ledger.repository.js';

/** refdata.accounts.v1 → each account's portfolio category (securities account) and cost method. */
@Injectable()
export class AccountsRefConsumer extends EnvelopeHandler<AccountRefEvent> {
  readonly consumerId = 'accounting.refdata-accounts';
  readonly topics = [Topics.refdataAccounts];
  override readonly types = ['AccountUpserted'];

  async handle(ctx: BatchContext, messages: InboundMessage<AccountRefEvent>[]): Promise<void> {
    await upsertAccounts(
      ctx.tx,
      messages
        .map((m) => m.body)
        .filter((e) => e.type === 'AccountUpserted')
        .map((e) => e.payload),
    );
  }
}
