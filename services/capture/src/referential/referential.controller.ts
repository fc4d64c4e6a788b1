import { Body, Controller, Get, HttpCode, Post, BadRequestException } from '@nestjs/common';
import { envelope, Topics, type AccountRefEvent, type AccountRefV1 } from '@postera/contracts';
import { isKnownCurrency, isValidIsin, isValidLei } from '@postera/kernel';
import { appendToOutbox, type OutgoingEvent } from '@postera/platform';
import { DataSource } from 'typeorm';

/** An account as imported: the refdata.accounts.v1 payload, with the email optional. */
type AccountIn = Omit<AccountRefV1, 'email'> & { email?: string | null };
interface InstrumentIn {
  isin: string;
  name: string;
  instrumentType: string;
  currency: string;
}
interface PartyIn {
  lei: string;
  name: string;
  country: string;
}
export interface ReferentialImport {
  accounts?: AccountIn[];
  instruments?: InstrumentIn[];
  parties?: PartyIn[];
}

/** Reachable within the 256 KiB request limit (about 150 bytes a row). */
const ROWS_MAX = 1_000;

/**
 * Referential import: upserts accounts, instruments and parties, and publishes each account on
 * the compacted refdata.accounts.v1 (through the outbox) for the services that need it.
 */
@Controller('referential')
export class ReferentialController {
  constructor(private readonly ds: DataSource) {}

  @Post('import')
  @HttpCode(200)
  async import(@Body() body: ReferentialImport) {
    const accounts = body.accounts ?? [];
    const instruments = body.instruments ?? [];
    const parties = body.parties ?? [];
    const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
    const dupes = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);
    const problems = [
      ...(accounts.length + instruments.length + parties.length > ROWS_MAX ? [`at most ${ROWS_MAX} rows per import`] : []),
      ...accounts
        .filter((a) => !(text(a.account) && text(a.clientId) && text(a.clientName) && text(a.book)))
        .map((a) => `account ${String(a.account)}: account, clientId, clientName and book are required`),
      ...instruments.filter((i) => !(text(i.name) && text(i.instrumentType))).map((i) => `instrument ${String(i.isin)}: name and instrumentType are required`),
      ...parties.filter((p) => !(text(p.name) && text(p.country))).map((p) => `party ${String(p.lei)}: name and country are required`),
      ...dupes(accounts.map((a) => a.account)).map((k) => `account ${k}: listed twice`),
      ...dupes(instruments.map((i) => i.isin)).map((k) => `instrument ${k}: listed twice`),
      ...dupes(parties.map((p) => p.lei)).map((k) => `party ${k}: listed twice`),
      ...instruments.filter((i) => !isValidIsin(i.isin)).map((i) => `instrument ${i.isin}: invalid ISIN`),
      ...instruments.filter((i) => !isKnownCurrency(i.currency)).map((i) => `instrument ${i.isin}: unknown currency ${i.currency}`),
      ...parties.filter((p) => !isValidLei(p.lei)).map((p) => `party ${p.lei}: invalid LEI`),
      ...accounts
        .filter((a) => !['CLIENT', 'PROPRIETARY'].includes(a.accountType))
        .map((a) => `account ${a.account}: accountType must be CLIENT or PROPRIETARY`),
      ...accounts.filter((a) => !['fr', 'en'].includes(a.language)).map((a) => `account ${a.account}: language must be fr or en`),
      ...accounts.filter((a) => !isKnownCurrency(a.baseCurrency)).map((a) => `account ${a.account}: unknown base currency ${a.baseCurrency}`),
    ];
    if (problems.length > 0) throw new BadRequestException({ message: 'referential refused; nothing was imported', problems });

    await this.ds.transaction(async (tx) => {
      if (instruments.length)
        await tx.query(
          `INSERT INTO capture.instruments (isin, name, instrument_type, currency) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT (isin) DO UPDATE SET name = EXCLUDED.name, instrument_type = EXCLUDED.instrument_type, currency = EXCLUDED.currency, updated_at = now()`,
          [instruments.map((i) => i.isin), instruments.map((i) => i.name), instruments.map((i) => i.instrumentType), instruments.map((i) => i.currency)],
        );
      if (parties.length)
        await tx.query(
          `INSERT INTO capture.parties (lei, name, country) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
           ON CONFLICT (lei) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, updated_at = now()`,
          [parties.map((p) => p.lei), parties.map((p) => p.name), parties.map((p) => p.country)],
        );
      if (accounts.length) {
        await tx.query(
          `INSERT INTO capture.accounts (account, client_id, client_name, account_type, book, language, email, base_currency)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           ON CONFLICT (account) DO UPDATE SET client_id = EXCLUDED.client_id, client_name = EXCLUDED.client_name, account_type = EXCLUDED.account_type,
             book = EXCLUDED.book, language = EXCLUDED.language, email = EXCLUDED.email, base_currency = EXCLUDED.base_currency, updated_at = now()`,
          [
            accounts.map((a) => a.account),
            accounts.map((a) => a.clientId),
            accounts.map((a) => a.clientName),
            accounts.map((a) => a.accountType),
            accounts.map((a) => a.book),
            accounts.map((a) => a.language),
            accounts.map((a) => a.email ?? null),
            accounts.map((a) => a.baseCurrency),
          ],
        );
        const events: OutgoingEvent[] = accounts.map((a) => {
          const payload = {
            account: a.account,
            clientId: a.clientId,
            clientName: a.clientName,
            accountType: a.accountType,
            book: a.book,
            language: a.language,
            email: a.email ?? null,
            baseCurrency: a.baseCurrency,
          };
          // A new event per import: an account changed A → B → A must reach consumers the third time too
          // (a content-derived id would be dropped by their inboxes). Re-importing is an idempotent upsert downstream.
          const event: AccountRefEvent = envelope({ type: 'AccountUpserted', producer: 'capture', correlationId: a.account, causationId: null, payload });
          return { topic: Topics.refdataAccounts, key: a.account, event };
        });
        await appendToOutbox(tx, 'capture', events);
      }
    });
    return { imported: { accounts: accounts.length, instruments: instruments.length, parties: parties.length } };
  }

  @Get('accounts')
  async accounts() {
    return this.ds.query(
      `SELECT account, client_id AS "clientId", client_name AS "clientName", account_type AS "accountType", book, language, email, base_currency AS "baseCurrency" FROM capture.accounts ORDER BY account LIMIT 1000`,
    );
  }
}
