import type { MigrationInterface, QueryRunner } from 'typeorm';

const BIC = `'^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$'`;

/**
 * The referential in full: instruments with what settlement, penalties, the TTF and accrued
 * interest need; parties with their BIC; accounts with their accounting category, cost method and
 * contacts; standing settlement instructions; calendars as data; and the history of every change.
 * Every row carries a version (1 when first imported, + 1 at each change). The rules of the import
 * are enforced again here as constraints, so no other path can store what the import refuses.
 */
export class CaptureReferential1764300000000 implements MigrationInterface {
  name = 'CaptureReferential1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // Rows stored before this migration could hold any instrument type: stop with a clear message
    // rather than guess what they were.
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM capture.instruments WHERE instrument_type NOT IN ('SHARE', 'BOND', 'ETF')) THEN
        RAISE EXCEPTION 'capture.instruments holds instrument types other than SHARE, BOND, ETF: fix them before this migration';
      END IF;
    END $$`);
    // Existing rows (shares and ETFs, as bonds could not be described before) get: the issuer
    // country of the ISIN prefix, the market of their currency and its CSD, and the residual class.
    await q.query(`ALTER TABLE capture.instruments
      ADD COLUMN issuer_country text,
      ADD COLUMN settlement_market text NOT NULL DEFAULT 'EU' CHECK (settlement_market IN ('EU', 'US')),
      ADD COLUMN place_of_settlement text,
      ADD COLUMN liquidity_class text NOT NULL DEFAULT 'OTHER'
        CHECK (liquidity_class IN ('LIQUID_SHARE', 'ILLIQUID_SHARE', 'SME_SHARE', 'SOVEREIGN_DEBT', 'OTHER_DEBT', 'SME_DEBT', 'OTHER')),
      ADD COLUMN ttf_scope_years integer[] NOT NULL DEFAULT '{}',
      ADD COLUMN coupon_rate numeric CHECK (coupon_rate > 0),
      ADD COLUMN coupon_frequency integer CHECK (coupon_frequency IN (1, 2, 4, 12)),
      ADD COLUMN day_count text CHECK (day_count IN ('ACT/ACT-ICMA', 'ACT/360', 'ACT/365F', '30E/360', '30/360')),
      ADD COLUMN maturity_date date,
      ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1)`);
    await q.query(`UPDATE capture.instruments SET issuer_country = left(isin, 2),
      settlement_market = CASE WHEN currency = 'USD' THEN 'US' ELSE 'EU' END,
      place_of_settlement = CASE WHEN currency = 'USD' THEN 'DTCYUS33XXX' ELSE 'SICVFRPPXXX' END`);
    await q.query(`ALTER TABLE capture.instruments
      ALTER COLUMN issuer_country SET NOT NULL,
      ALTER COLUMN place_of_settlement SET NOT NULL,
      ADD CONSTRAINT instruments_type CHECK (instrument_type IN ('SHARE', 'BOND', 'ETF')),
      ADD CONSTRAINT instruments_issuer_country CHECK (issuer_country ~ '^[A-Z]{2}$'),
      ADD CONSTRAINT instruments_place_of_settlement CHECK (place_of_settlement ~ ${BIC}),
      ADD CONSTRAINT instruments_bond_terms CHECK (
        CASE WHEN instrument_type = 'BOND'
          THEN coupon_rate IS NOT NULL AND coupon_frequency IS NOT NULL AND day_count IS NOT NULL AND maturity_date IS NOT NULL
          ELSE coupon_rate IS NULL AND coupon_frequency IS NULL AND day_count IS NULL AND maturity_date IS NULL END)`);

    await q.query(`ALTER TABLE capture.parties
      ADD COLUMN bic text CONSTRAINT parties_bic CHECK (bic ~ ${BIC}),
      ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1)`);

    // Existing accounts: a house book is a trading portfolio, a client account a placement one;
    // weighted average cost (CMP) is the French default; `email` becomes their first contact.
    await q.query(`ALTER TABLE capture.accounts
      ADD COLUMN accounting_category text NOT NULL DEFAULT 'PLACEMENT'
        CHECK (accounting_category IN ('TRADING', 'PLACEMENT', 'INVESTMENT', 'PORTFOLIO_ACTIVITY', 'OTHER_LONG_TERM', 'PARTICIPATIONS')),
      ADD COLUMN cost_method text NOT NULL DEFAULT 'CMP' CHECK (cost_method IN ('CMP', 'FIFO')),
      ADD COLUMN contacts jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(contacts) = 'array'),
      ADD COLUMN netting boolean NOT NULL DEFAULT false,
      ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1)`);
    await q.query(`UPDATE capture.accounts SET accounting_category = 'TRADING' WHERE account_type = 'PROPRIETARY'`);
    await q.query(`UPDATE capture.accounts SET contacts = jsonb_build_array(jsonb_build_object('channel', 'EMAIL', 'address', email)) WHERE email IS NOT NULL`);

    // Standing settlement instructions of our accounts and of counterparties (by LEI).
    await q.query(`CREATE TABLE capture.ssis (
      owner text NOT NULL,
      market text NOT NULL CHECK (market IN ('EU', 'US')),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      place_of_settlement text NOT NULL CHECK (place_of_settlement ~ ${BIC}),
      safekeeping_account text NOT NULL,
      cash_account text,
      agent_bic text CHECK (agent_bic ~ ${BIC}),
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (owner, market, currency)
    )`);

    // Calendars as data (DESIGN.md §5): the closed weekdays and the holidays of each calendar.
    await q.query(`CREATE TABLE capture.calendars (
      code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_-]{1,16}$'),
      description text NOT NULL DEFAULT '',
      weekend integer[] NOT NULL DEFAULT '{0,6}' CHECK (weekend <@ '{0,1,2,3,4,5,6}'::integer[]),
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE capture.calendar_holidays (
      code text NOT NULL REFERENCES capture.calendars (code) ON DELETE CASCADE,
      date date NOT NULL,
      name text NOT NULL,
      PRIMARY KEY (code, date)
    )`);

    // One row per change of any referential row: what it became, from which source, by whom.
    await q.query(`CREATE TABLE capture.referential_history (
      entity text NOT NULL CHECK (entity IN ('instruments', 'parties', 'accounts', 'ssis', 'calendars')),
      key text NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      data jsonb NOT NULL,
      source text NOT NULL CHECK (source IN ('FILE', 'API')),
      changed_by text,
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (entity, key, version)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['referential_history', 'calendar_holidays', 'calendars', 'ssis']) await q.query(`DROP TABLE capture.${t}`);
    await q.query(`ALTER TABLE capture.accounts DROP COLUMN accounting_category, DROP COLUMN cost_method, DROP COLUMN contacts, DROP COLUMN netting,
      DROP COLUMN version`);
    await q.query(`ALTER TABLE capture.parties DROP COLUMN bic, DROP COLUMN version`);
    await q.query(`ALTER TABLE capture.instruments DROP CONSTRAINT instruments_type, DROP COLUMN issuer_country, DROP COLUMN settlement_market,
      DROP COLUMN place_of_settlement, DROP COLUMN liquidity_class, DROP COLUMN ttf_scope_years, DROP COLUMN coupon_rate, DROP COLUMN coupon_frequency,
      DROP COLUMN day_count, DROP COLUMN maturity_date, DROP COLUMN version`);
  }
}
