import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Declarations and filed reports: what reporting keeps of the referential, the trades'
 * economics, settlement steps and penalties, the MiFIR transaction reports, and the filed runs
 * with their files — immutable in the database (a trigger refuses UPDATE and DELETE).
 */
export class ReportingDeclarations1796000000000 implements MigrationInterface {
  name = 'ReportingDeclarations1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reporting.ref_instruments (
      isin text PRIMARY KEY, name text NOT NULL, instrument_type text NOT NULL, currency text NOT NULL, issuer_country text NOT NULL,
      ttf_scope_years integer[] NOT NULL, version integer NOT NULL)`);
    await q.query(`CREATE TABLE reporting.ref_parties (lei text PRIMARY KEY, name text NOT NULL, country text NOT NULL, version integer NOT NULL)`);
    await q.query(`CREATE TABLE reporting.ref_accounts (
      account text PRIMARY KEY, client_id text NOT NULL, account_type text NOT NULL, book text NOT NULL, version integer NOT NULL)`);
    // The economics of each trade's version in force, as capture published them.
    await q.query(`CREATE TABLE reporting.trades (
      trade_ref text PRIMARY KEY, version integer NOT NULL, economics jsonb NOT NULL, cancelled boolean NOT NULL DEFAULT false,
      validated_how text, updated_at timestamptz NOT NULL DEFAULT now())`);
    // One row per settlement step (a whole settlement or one part), keyed by the event that announced it.
    await q.query(`CREATE TABLE reporting.settlement_steps (
      event_id text PRIMARY KEY, trade_ref text NOT NULL, instruction_id text NOT NULL, side text NOT NULL, isin text NOT NULL,
      account text NOT NULL, counterparty text NOT NULL, currency text NOT NULL, quantity numeric NOT NULL, amount numeric NOT NULL,
      intended_settlement_date date NOT NULL, effective_settlement_date date NOT NULL)`);
    await q.query(`CREATE INDEX settlement_steps_date ON reporting.settlement_steps (effective_settlement_date)`);
    await q.query(`CREATE TABLE reporting.penalties (
      penalty_id text PRIMARY KEY, trade_ref text NOT NULL, kind text NOT NULL, direction text NOT NULL, penalty_date date NOT NULL,
      amount numeric NOT NULL, currency text NOT NULL)`);
    // MiFIR transaction reports: a reference is never reused (sequence + unique index).
    await q.query(`CREATE SEQUENCE reporting.mifir_reference_seq`);
    await q.query(`CREATE TABLE reporting.mifir_reports (
      report_id bigserial PRIMARY KEY,
      trade_ref text NOT NULL, trade_version integer NOT NULL, kind text NOT NULL CHECK (kind IN ('NEW', 'CANC')),
      transaction_reference text NOT NULL, trade_date date NOT NULL, trade jsonb,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'FILED', 'INVALID', 'NOT_NEEDED')),
      problems jsonb, filed_run_id uuid, created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (trade_ref, trade_version, kind))`);
    // A NEW reference appears once; a CANC repeats the reference it cancels, once.
    await q.query(`CREATE UNIQUE INDEX mifir_reference_once ON reporting.mifir_reports (transaction_reference, kind)`);
    await q.query(`CREATE TABLE reporting.report_runs (
      run_id uuid PRIMARY KEY, kind text NOT NULL, period_start date NOT NULL, period_end date NOT NULL, version integer NOT NULL,
      replaces uuid REFERENCES reporting.report_runs (run_id), inputs_from date NOT NULL, inputs_to date NOT NULL,
      checksum_sha256 text NOT NULL, summary jsonb NOT NULL, filed_by text NOT NULL, filed_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, period_start, version))`);
    await q.query(`CREATE TABLE reporting.report_files (
      run_id uuid NOT NULL REFERENCES reporting.report_runs (run_id), name text NOT NULL, media_type text NOT NULL,
      content bytea NOT NULL, sha256 text NOT NULL, PRIMARY KEY (run_id, name))`);
    // Filed means final: corrections are new versions, never edits (TigerBeetle: corrections add entries).
    await q.query(`CREATE FUNCTION reporting.refuse_change_of_filed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'filed reports are immutable: % on %.% refused (file a correction as a new version)', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation'; END $$`);
    for (const t of ['report_runs', 'report_files']) {
      await q.query(`CREATE TRIGGER ${t}_immutable BEFORE UPDATE OR DELETE ON reporting.${t} FOR EACH ROW EXECUTE FUNCTION reporting.refuse_change_of_filed()`);
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON reporting.${t} FOR EACH STATEMENT EXECUTE FUNCTION reporting.refuse_change_of_filed()`);
    }

    // A filed MiFIR report is part of a filed run: it never changes or goes either.
    await q.query(`CREATE FUNCTION reporting.refuse_change_of_filed_mifir() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF OLD.status = 'FILED' THEN
        RAISE EXCEPTION 'filed MiFIR report % is immutable: % refused', OLD.transaction_reference, TG_OP USING ERRCODE = 'integrity_constraint_violation';
      END IF; RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END; END $$`);
    await q.query(`CREATE TRIGGER mifir_reports_filed_immutable BEFORE UPDATE OR DELETE ON reporting.mifir_reports FOR EACH ROW EXECUTE FUNCTION reporting.refuse_change_of_filed_mifir()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.report_files, reporting.report_runs, reporting.mifir_reports, reporting.penalties, reporting.settlement_steps,
      reporting.trades, reporting.ref_accounts, reporting.ref_parties, reporting.ref_instruments`);
    await q.query(`DROP FUNCTION reporting.refuse_change_of_filed(), reporting.refuse_change_of_filed_mifir()`);
    await q.query(`DROP SEQUENCE reporting.mifir_reference_seq`);
  }
}
