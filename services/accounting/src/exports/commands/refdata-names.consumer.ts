import { Injectable } from '@nestjs/common';
import { Topics, type AccountRefEvent, type PartyRefEvent } from '@postera/contracts';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import { upsertAccountNames, upsertParties } from '../persistence/aux-names.repository.js';

/**
 * The names of the auxiliary accounts, for the FEC's CompAuxLib: counterparties from
 * refdata.parties.v1, clients from refdata.accounts.v1. A consumer of its own (not the
 * accounts_ref one) so that its group starts at the beginning of the compacted topics: the parties
 * and accounts imported before it existed are named too.
 */
@Injectable()
export class RefdataNamesConsumer extends EnvelopeHandler<PartyRefEvent | AccountRefEvent> {
  readonly consumerId = 'accounting.refdata-names';
  readonly topics = [Topics.refdataParties, Topics.refdataAccounts];
  override readonly types = ['PartyUpserted', 'AccountUpserted'];

  async handle(ctx: BatchContext, messages: InboundMessage<PartyRefEvent | AccountRefEvent>[]): Promise<void> {
    const events = messages.map((m) => m.body);
    await upsertParties(
      ctx.tx,
      events.filter((e): e is PartyRefEvent => e.type === 'PartyUpserted').map((e) => e.payload),
    );
    await upsertAccountNames(
      ctx.tx,
      events.filter((e): e is AccountRefEvent => e.type === 'AccountUpserted').map((e) => e.payload),
    );
  }
}
