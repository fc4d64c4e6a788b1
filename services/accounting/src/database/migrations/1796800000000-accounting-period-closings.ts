import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closed periods (periods/domain):
 * - `period_closings`, one row per closing, never updated or deleted: the period (a month or a
 *   fiscal year), its first and last day, who proposed and who approved it (the gateway proposal),
 *   and the SHA-256 of the trial balance of the period (and of the FEC of a fiscal year) as the
 *   exports produced them at the closing; every later export of the same period is compared with
 *   them;
 * - on the journal, the piece date and the reason of an entry booked after the closed period its
 *   event falls in (both empty otherwise);
 * - the second path of the rule (the first is in code, journal.repository.ts): the database refuses
 *   any journal entry dated on or before the last closed day;
 * - on a break's history, the supervisor who approved a resolution (four eyes), beside the person
 *   who proposed it in by_user.
 */
export class AccountingPeriodClosings1796800000000 implements MigrationInterface {
  name = 'AccountingPeriodClosings1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accounting.period_closings (
      period text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('MONTH', 'FISCAL_YEAR')),
      first_day date NOT NULL,
      last_day date NOT NULL,
      closed_at timestamptz NOT NULL DEFAULT now(),
      proposal_id text NOT NULL,
      maker text NOT NULL,
      checker text NOT NULL CHECK (checker <> maker),
      trial_balance_sha256 text NOT NULL CHECK (trial_balance_sha256 ~ '^[0-9a-f]{64}$'),
      fec_sha256 text CHECK (fec_sha256 ~ '^[0-9a-f]{64}$'),
      CHECK (first_day <= last_day),
      CHECK ((kind = 'FISCAL_YEAR') = (fec_sha256 IS NOT NULL))
    )`);
    await q.query(`CREATE FUNCTION accounting.period_closings_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'a closing is final: % on period_closings refused', TG_OP; END $$`);
    await q.query(`CREATE TRIGGER period_closings_immutable BEFORE UPDATE OR DELETE ON accounting.period_closings
      FOR EACH ROW EXECUTE FUNCTION accounting.period_closings_immutable()`);

    await q.query(`ALTER TABLE accounting.journal_entries ADD COLUMN piece_date date, ADD COLUMN booking_note text,
      ADD CONSTRAINT journal_entries_late_booking CHECK ((piece_date IS NULL) = (booking_note IS NULL) AND (piece_date IS NULL OR piece_date < accounting_date))`);
    await q.query(`CREATE FUNCTION accounting.journal_dates_open() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE closed_to date; bad record;
      BEGIN
        SELECT max(last_day) INTO closed_to FROM accounting.period_closings;
        IF closed_to IS NULL THEN RETURN NULL; END IF;
        SELECT entry_id, accounting_date INTO bad FROM new_entries WHERE accounting_date <= closed_to LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'journal entry % dated % falls in a closed period (closed up to %)', bad.entry_id, bad.accounting_date, closed_to;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER journal_entries_dates_open AFTER INSERT ON accounting.journal_entries
      REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION accounting.journal_dates_open()`);

    await q.query(`ALTER TABLE accounting.break_actions ADD COLUMN checked_by text`);

    // The journal writer's role reads the closings (and the trigger reads them as that role); the service's login role writes them.
    await q.query(`REVOKE ALL ON accounting.period_closings FROM accounting_service`);
    await q.query(`GRANT SELECT ON accounting.period_closings TO accounting_service`);
    await q.query(`GRANT EXECUTE ON FUNCTION accounting.journal_dates_open() TO accounting_service`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.break_actions DROP COLUMN checked_by`);
    await q.query(`DROP TRIGGER journal_entries_dates_open ON accounting.journal_entries`);
    await q.query(`DROP FUNCTION accounting.journal_dates_open()`);
    await q.query(`ALTER TABLE accounting.journal_entries DROP CONSTRAINT journal_entries_late_booking, DROP COLUMN booking_note, DROP COLUMN piece_date`);
    await q.query(`DROP TABLE accounting.period_closings`);
    await q.query(`DROP FUNCTION accounting.period_closings_immutable()`);
  }
}
