import { Inject, Injectable } from '@nestjs/common';
import { Topics, type MarketDataEvent } from '@postera/contracts';
import { CONFIG, EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import type { AccountingConfig } from '../../../config.js';
import { asJournalWriter } from '../../../ledger/persistence/journal.repository.js';
import { storeRates } from './store-rates.js';

/** marketdata.fx-rates.v1 (ECB reference rates) → accounting.fx_rates. */
@Injectable()
export class FxRatesConsumer extends EnvelopeHandler<MarketDataEvent> {
  readonly consumerId = 'accounting.fx-rates';
  readonly topics = [Topics.fxRates];

  constructor(@Inject(CONFIG) private readonly config: AccountingConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<MarketDataEvent>[]): Promise<void> {
    const rates = messages
      .map((m) => m.body)
      .flatMap((e) =>
        e.type === 'FxRate'
          ? [{ rateDate: e.payload.rateDate, currency: e.payload.currency, unitsPerEur: e.payload.unitsPerEur, source: e.payload.source }]
          : [],
      );
    if (rates.length === 0) return;
    await asJournalWriter(ctx, this.config.JOURNAL_WRITER_ROLE);
    await storeRates(ctx.tx, rates, rates[0]!.source, messages[0]!.body.eventId);
  }
}
