import { platformTablesDown, platformTablesUp } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountingInitial1764190200000 implements MigrationInterface {
  name = 'AccountingInitial1764190200000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp('accounting')) await q.query(sql);
    await q.query(`CREATE TABLE accounting.ledger_accounts (
      code text PRIMARY KEY,
      name text NOT NULL,
      on_balance_sheet boolean NOT NULL
    )`);
    // A bank-style chart (ANC 2014-07 classes): off-balance commitments in class 9.
    await q.query(`INSERT INTO accounting.ledger_accounts (code, name, on_balance_sheet) VALUES
      ('311000', 'Titres de transaction', true),
      ('512000', 'Nostro — banques et CSD', true),
      ('622000', 'Commissions et frais sur titres', true),
      ('903100', 'Titres à recevoir', false),
      ('903900', 'Contrepartie des titres à recevoir', false),
      ('904100', 'Titres à livrer', false),
      ('904900', 'Contrepartie des titres à livrer', false)`);
    await q.query(`CREATE TABLE accounting.trades (
      trade_ref text PRIMARY KEY,
      side text NOT NULL,
      isin text NOT NULL,
      currency text NOT NULL,
      gross_amount numeric NOT NULL,
      fees_amount numeric NOT NULL,
      net_amount numeric NOT NULL,
      book text NOT NULL,
      trade_date date NOT NULL,
      settlement_date date NOT NULL
    )`);
    // A settlement that arrives before its trade (two topics, no order between them) waits here.
    await q.query(`CREATE TABLE accounting.parked_settlements (
      event_id text PRIMARY KEY,
      trade_ref text NOT NULL,
      event jsonb NOT NULL,
      parked_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX parked_by_trade ON accounting.parked_settlements (trade_ref)`);
    await q.query(`CREATE TABLE accounting.journal_entries (
      entry_id uuid PRIMARY KEY,
      trade_ref text NOT NULL,
      kind text NOT NULL,
      accounting_date date NOT NULL,
      cause_event_id text NOT NULL,
      posted_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (cause_event_id, kind)
    )`);
    await q.query(`CREATE INDEX journal_by_trade ON accounting.journal_entries (trade_ref)`);
    await q.query(`CREATE TABLE accounting.journal_lines (
      entry_id uuid NOT NULL REFERENCES accounting.journal_entries,
      line_no smallint NOT NULL,
      account_code text NOT NULL REFERENCES accounting.ledger_accounts,
      book text NOT NULL,
      currency text NOT NULL,
      debit numeric NOT NULL CHECK (debit >= 0),
      credit numeric NOT NULL CHECK (credit >= 0),
      CHECK ((debit > 0) <> (credit > 0)),
      PRIMARY KEY (entry_id, line_no)
    )`);
    // The journal is immutable: corrections are reversals plus new entries, never updates.
    await q.query(`CREATE FUNCTION accounting.journal_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME; END $$`);
    await q.query(`CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON accounting.journal_entries
      FOR EACH ROW EXECUTE FUNCTION accounting.journal_immutable()`);
    await q.query(`CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON accounting.journal_lines
      FOR EACH ROW EXECUTE FUNCTION accounting.journal_immutable()`);
    await q.query(`CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON accounting.journal_entries
      FOR EACH STATEMENT EXECUTE FUNCTION accounting.journal_immutable()`);
    await q.query(`CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON accounting.journal_lines
      FOR EACH STATEMENT EXECUTE FUNCTION accounting.journal_immutable()`);
    // Second path of the balance invariant (the first is in code): at commit, every entry touched
    // balances per currency, or the whole transaction is refused.
    await q.query(`CREATE FUNCTION accounting.journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE bad record;
      BEGIN
        SELECT currency, sum(debit) AS d, sum(credit) AS c INTO bad FROM accounting.journal_lines
          WHERE entry_id = NEW.entry_id GROUP BY currency HAVING sum(debit) <> sum(credit) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'journal entry % does not balance in %: debit % credit %', NEW.entry_id, bad.currency, bad.d, bad.c;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON accounting.journal_lines
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION accounting.journal_entry_balanced()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounting.journal_lines`);
    await q.query(`DROP TABLE accounting.journal_entries`);
    await q.query(`DROP FUNCTION accounting.journal_entry_balanced()`);
    await q.query(`DROP FUNCTION accounting.journal_immutable()`);
    for (const t of ['parked_settlements', 'trades', 'ledger_accounts']) await q.query(`DROP TABLE accounting.${t}`);
    for (const sql of platformTablesDown('accounting')) await q.query(sql);
  }
}
