import { Injectable } from '@nestjs/common';
import { Topics, type AccountRefV1, type EventEnvelope, type InstrumentRefV1, type PartyRefV1 } from '@postera/contracts';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';

/**
 * What reporting keeps of the referential (instruments with their TTF years, parties with their
 * country, accounts with their natural person), the highest `version` winning. A group of its own,
 * apart from the trade lifecycle's: the refdata topics are compacted and carry no trade's records, so
 * merging them would save no record per trade, while a group of their own can be reset to the start
 * of the compacted topics (to read the referential again) without taking the trade and settlement
 * events through the activity projection, whose counters are not upserts; and a referential import
 * lags this group, not the trade lifecycle's autoscaling trigger.
 */
@Injectable()
export class RefdataConsumer extends EnvelopeHandler {
  readonly consumerId = 'reporting.refdata';
  readonly topics = [Topics.refdataInstruments, Topics.refdataParties, Topics.refdataAccounts];
  override readonly types = ['InstrumentUpserted', 'PartyUpserted', 'AccountUpserted'];

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    for (const { body: e } of messages) {
      switch (e.type) {
        case 'InstrumentUpserted': {
          const i = e.payload as InstrumentRefV1;
          await ctx.tx.query(
            `INSERT INTO reporting.ref_instruments AS r (isin, name, instrument_type, currency, issuer_country, ttf_scope_years, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (isin) DO UPDATE SET name = EXCLUDED.name, instrument_type = EXCLUDED.instrument_type,
               currency = EXCLUDED.currency, issuer_country = EXCLUDED.issuer_country, ttf_scope_years = EXCLUDED.ttf_scope_years, version = EXCLUDED.version
             WHERE r.version < EXCLUDED.version`,
            [i.isin, i.name, i.instrumentType, i.currency, i.issuerCountry, i.ttfScopeYears, i.version],
          );
          break;
        }
        case 'PartyUpserted': {
          const p = e.payload as PartyRefV1;
          await ctx.tx.query(
            `INSERT INTO reporting.ref_parties AS r (lei, name, country, version) VALUES ($1, $2, $3, $4)
             ON CONFLICT (lei) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, version = EXCLUDED.version WHERE r.version < EXCLUDED.version`,
            [p.lei, p.name, p.country, p.version],
          );
          break;
        }
        case 'AccountUpserted': {
          const a = e.payload as AccountRefV1;
          await ctx.tx.query(
            `INSERT INTO reporting.ref_accounts AS r (account, client_id, account_type, book, natural_person, version) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account) DO UPDATE SET client_id = EXCLUDED.client_id, account_type = EXCLUDED.account_type, book = EXCLUDED.book,
               natural_person = EXCLUDED.natural_person, version = EXCLUDED.version WHERE r.version < EXCLUDED.version`,
            [a.account, a.clientId, a.accountType, a.book, a.naturalPerson ? JSON.stringify(a.naturalPerson) : null, a.version],
          );
          break;
        }
        default:
          break; // a record without a type header that decodes to another type: not the referential's
      }
    }
  }
}
