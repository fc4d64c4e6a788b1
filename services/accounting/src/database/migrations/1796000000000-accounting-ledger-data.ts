import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CHART_ACCOUNTS, EXISTING_ACCOUNT_KINDS, RULE_SET_1 } from './1796000000000-accounting-ledger-data.rows.js';

/**
 * Accounting as data: the chart completed (securities by portfolio category, settlement
 * accounts, TTF, penalties, realized results, FX), posting rules as versioned rows, the recognition
 * chosen per book, the referential's accounts (portfolio category, cost method), positions and lots,
 * settlement steps (partial settlement), FX rates and results, reconciliation runs and breaks, the
 * desk's management P&L — and the database role the service writes through, which cannot update
 * or delete the journal.
 */
export class AccountingLedgerData1796000000000 implements MigrationInterface {
  name = 'AccountingLedgerData1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.ledger_accounts ADD COLUMN kind text NOT NULL DEFAULT 'BALANCE' CHECK (kind IN ('BALANCE', 'PNL', 'OFF_BALANCE'))`);
    for (const [code, kind] of Object.entries(EXISTING_ACCOUNT_KINDS)) await q.query(`UPDATE accounting.ledger_accounts SET kind = $2 WHERE code = $1`, [code, kind]);
    await q.query(`UPDATE accounting.ledger_accounts SET name = 'Nostro — banques et CSD (par devise et dépositaire)' WHERE code = '512000'`);
    for (const a of CHART_ACCOUNTS) {
      await q.query(`INSERT INTO accounting.ledger_accounts (code, name, on_balance_sheet, kind) VALUES ($1, $2, $3, $4)`, [a.code, a.name, a.kind !== 'OFF_BALANCE', a.kind]);
    }
    // The auxiliary account of a line (custodian, counterparty, client, currency): FEC CompAuxNum.
    await q.query(`ALTER TABLE accounting.journal_lines ADD COLUMN aux_account text`);
    await q.query(`CREATE INDEX journal_by_date ON accounting.journal_entries (accounting_date, posted_seq)`);

    await q.query(`CREATE TABLE accounting.posting_rule_sets (
      version integer PRIMARY KEY,
      effective_from date NOT NULL,
      description text NOT NULL
    )`);
    await q.query(`CREATE TABLE accounting.posting_rules (
      version integer NOT NULL REFERENCES accounting.posting_rule_sets,
      event text NOT NULL,
      recognition text NOT NULL CHECK (recognition IN ('SETTLEMENT_DATE', 'TRADE_DATE', 'ANY')),
      variant text NOT NULL,
      line_no smallint NOT NULL,
      account text NOT NULL,
      direction char(1) NOT NULL CHECK (direction IN ('D', 'C')),
      amount text NOT NULL,
      aux text,
      PRIMARY KEY (version, event, recognition, variant, line_no)
    )`);
    await q.query(`INSERT INTO accounting.posting_rule_sets (version, effective_from, description) VALUES ($1, $2, $3)`, [
      RULE_SET_1.version,
      RULE_SET_1.effectiveFrom,
      RULE_SET_1.description,
    ]);
    const rules = RULE_SET_1.rules;
    await q.query(
      `INSERT INTO accounting.posting_rules (version, event, recognition, variant, line_no, account, direction, amount, aux)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[], $8::text[], $9::text[])`,
      [
        RULE_SET_1.version,
        rules.map((r) => r.event),
        rules.map((r) => r.recognition),
        rules.map((r) => r.variant),
        rules.map((r) => r.lineNo),
        rules.map((r) => r.account),
        rules.map((r) => r.direction),
        rules.map((r) => r.amount),
        rules.map((r) => r.aux),
      ],
    );
    // Trade-date or settlement-date recognition per book, effective-dated (IFRS 9: chosen per
    // portfolio and applied consistently); a book with no row is recognized at settlement date.
    await q.query(`CREATE TABLE accounting.book_policies (
      book text NOT NULL,
      effective_from date NOT NULL,
      recognition text NOT NULL CHECK (recognition IN ('SETTLEMENT_DATE', 'TRADE_DATE')),
      PRIMARY KEY (book, effective_from)
    )`);
    await q.query(`CREATE TABLE accounting.accounts_ref (
      account text PRIMARY KEY,
      book text NOT NULL,
      account_type text NOT NULL,
      client_id text NOT NULL,
      accounting_category text NOT NULL,
      cost_method text NOT NULL CHECK (cost_method IN ('CMP', 'FIFO')),
      version integer NOT NULL
    )`);

    await q.query(`ALTER TABLE accounting.trades DROP CONSTRAINT trades_status_check`);
    await q.query(`ALTER TABLE accounting.trades ADD CONSTRAINT trades_status_check CHECK (status IN ('OPEN', 'PARTIALLY_SETTLED', 'SETTLED', 'CANCELLED'))`);
    await q.query(`ALTER TABLE accounting.trades
      ADD COLUMN quantity numeric,
      ADD COLUMN account text,
      ADD COLUMN counterparty text,
      ADD COLUMN client_id text,
      ADD COLUMN account_type text,
      ADD COLUMN place_of_settlement text,
      ADD COLUMN recognition text NOT NULL DEFAULT 'SETTLEMENT_DATE',
      ADD COLUMN securities_account text NOT NULL DEFAULT '311000',
      ADD COLUMN cost_method text NOT NULL DEFAULT 'CMP',
      ADD COLUMN td_securities numeric NOT NULL DEFAULT 0,
      ADD COLUMN td_realized numeric NOT NULL DEFAULT 0,
      ADD COLUMN settled_quantity numeric NOT NULL DEFAULT 0,
      ADD COLUMN settled_commitment numeric NOT NULL DEFAULT 0,
      ADD COLUMN settled_accrued numeric NOT NULL DEFAULT 0,
      ADD COLUMN settled_fees numeric NOT NULL DEFAULT 0,
      ADD COLUMN settled_net numeric NOT NULL DEFAULT 0`);

    // Cost per account and ISIN (CMP or FIFO lots), moved when the securities are recognized.
    await q.query(`CREATE TABLE accounting.positions (
      account text NOT NULL,
      isin text NOT NULL,
      book text NOT NULL,
      currency text NOT NULL,
      cost_method text NOT NULL,
      quantity numeric NOT NULL,
      cost numeric NOT NULL,
      lots jsonb NOT NULL DEFAULT '[]',
      realized numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (account, isin)
    )`);
    // Each settlement step (whole or partial): the settlement-date view of the holdings.
    await q.query(`CREATE TABLE accounting.settlement_steps (
      event_id text PRIMARY KEY,
      trade_ref text NOT NULL,
      account text NOT NULL,
      isin text NOT NULL,
      book text NOT NULL,
      quantity numeric NOT NULL,
      settlement_date date NOT NULL
    )`);
    await q.query(`CREATE INDEX steps_by_account ON accounting.settlement_steps (account, isin)`);

    await q.query(`CREATE TABLE accounting.fx_rates (
      rate_date date NOT NULL,
      currency text NOT NULL,
      units_per_eur numeric NOT NULL CHECK (units_per_eur > 0),
      source text NOT NULL,
      PRIMARY KEY (rate_date, currency)
    )`);
    // Per book and currency: the foreign-currency position last revalued and at which rate.
    await q.query(`CREATE TABLE accounting.fx_positions (
      book text NOT NULL,
      currency text NOT NULL,
      balance numeric NOT NULL,
      rate numeric NOT NULL,
      as_of date NOT NULL,
      PRIMARY KEY (book, currency)
    )`);
    await q.query(`CREATE TABLE accounting.fx_results (
      close_date date NOT NULL,
      book text NOT NULL,
      currency text NOT NULL,
      position numeric NOT NULL,
      rate_before numeric NOT NULL,
      rate numeric NOT NULL,
      result_eur numeric NOT NULL,
      entry_id uuid,
      PRIMARY KEY (close_date, book, currency)
    )`);

    await q.query(`CREATE TABLE accounting.statements (
      statement_id text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('HOLDINGS', 'CASH')),
      account text NOT NULL,
      statement_date date NOT NULL,
      xml text NOT NULL,
      source text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE accounting.desk_pnl (
      book text NOT NULL,
      pnl_date date NOT NULL,
      currency text NOT NULL,
      amount numeric NOT NULL,
      source text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (book, pnl_date, currency)
    )`);
    await q.query(`CREATE TABLE accounting.recon_runs (
      run_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('HOLDINGS', 'CASH', 'PNL')),
      subject text NOT NULL,
      as_of date NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      rows_checked integer NOT NULL,
      matched integer NOT NULL,
      breaks integer NOT NULL,
      errors jsonb NOT NULL DEFAULT '[]',
      report jsonb NOT NULL
    )`);
    await q.query(`CREATE TABLE accounting.recon_breaks (
      break_id uuid PRIMARY KEY,
      run_id uuid NOT NULL REFERENCES accounting.recon_runs,
      kind text NOT NULL,
      subject text NOT NULL,
      item text NOT NULL,
      field text NOT NULL,
      ours text,
      theirs text,
      difference text,
      as_of date NOT NULL,
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'INVESTIGATING', 'RESOLVED')),
      opened_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX breaks_by_status ON accounting.recon_breaks (status, as_of)`);
    await q.query(`CREATE TABLE accounting.break_actions (
      break_id uuid NOT NULL REFERENCES accounting.recon_breaks,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      at timestamptz NOT NULL DEFAULT now(),
      by_user text NOT NULL,
      from_status text NOT NULL,
      to_status text NOT NULL,
      comment text NOT NULL,
      PRIMARY KEY (break_id, seq)
    )`);

    // The role the service writes through (SET LOCAL ROLE in each posting transaction; in
    // production the service logs in as it). It may insert and read the journal, never update,
    // delete or truncate it: immutability rests on grants, and the triggers stay as a second path.
    await q.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'accounting_service') THEN CREATE ROLE accounting_service NOLOGIN; END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await q.query(`GRANT USAGE ON SCHEMA accounting TO accounting_service`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA accounting TO accounting_service`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA accounting TO accounting_service`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA accounting GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO accounting_service`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA accounting GRANT USAGE, SELECT ON SEQUENCES TO accounting_service`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON accounting.journal_entries, accounting.journal_lines FROM accounting_service`);
    // Rules, rule sets and the chart are migrations' data: the service reads them only.
    await q.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON accounting.posting_rules, accounting.posting_rule_sets, accounting.ledger_accounts FROM accounting_service`);
    await q.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA accounting TO accounting_service`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA accounting FROM accounting_service`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA accounting FROM accounting_service`);
    await q.query(`REVOKE USAGE ON SCHEMA accounting FROM accounting_service`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA accounting REVOKE ALL ON TABLES FROM accounting_service`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA accounting REVOKE ALL ON SEQUENCES FROM accounting_service`);
    for (const t of ['break_actions', 'recon_breaks', 'recon_runs', 'desk_pnl', 'statements', 'fx_results', 'fx_positions', 'fx_rates', 'settlement_steps', 'positions', 'accounts_ref', 'book_policies', 'posting_rules', 'posting_rule_sets'])
      await q.query(`DROP TABLE accounting.${t}`);
    await q.query(`ALTER TABLE accounting.trades DROP COLUMN quantity, DROP COLUMN account, DROP COLUMN counterparty, DROP COLUMN client_id, DROP COLUMN account_type,
      DROP COLUMN place_of_settlement, DROP COLUMN recognition, DROP COLUMN securities_account, DROP COLUMN cost_method, DROP COLUMN td_securities,
      DROP COLUMN td_realized, DROP COLUMN settled_quantity, DROP COLUMN settled_commitment, DROP COLUMN settled_accrued, DROP COLUMN settled_fees, DROP COLUMN settled_net`);
    await q.query(`DROP INDEX accounting.journal_by_date`);
    await q.query(`ALTER TABLE accounting.journal_lines DROP COLUMN aux_account`);
    // Refused (foreign key) once a journal line uses an account: the journal is never rewritten.
    await q.query(`DELETE FROM accounting.ledger_accounts WHERE code = ANY($1::text[])`, [CHART_ACCOUNTS.map((a) => a.code)]);
    await q.query(`ALTER TABLE accounting.ledger_accounts DROP COLUMN kind`);
  }
}
