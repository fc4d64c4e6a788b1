import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client account's natural person, as MiFIR transaction reports identify one (RTS 22 art. 6):
 * first name(s), surname(s), birth date, national id and its scheme, kept in the account's row so
 * that they are versioned, historised and published with it. Personal data: nothing else in capture
 * reads them. The import's rules are enforced again as constraints, so no other path stores what
 * the import refuses; except "born before today", which a constraint cannot say (it would turn
 * false as time passes, never true), so only the import checks it.
 */
export class CaptureAccountNaturalPersons1796510000000 implements MigrationInterface {
  name = 'CaptureAccountNaturalPersons1796510000000';

  async up(q: QueryRunner): Promise<void> {
    // Existing accounts have none: legal entities, or persons not described yet (their reports wait).
    await q.query(`ALTER TABLE capture.accounts
      ADD COLUMN natural_person_first_name text CHECK (btrim(natural_person_first_name) <> '' AND char_length(natural_person_first_name) <= 140),
      ADD COLUMN natural_person_name text CHECK (btrim(natural_person_name) <> '' AND char_length(natural_person_name) <= 140),
      ADD COLUMN natural_person_birth_date date CHECK (natural_person_birth_date >= DATE '1900-01-01'),
      ADD COLUMN natural_person_national_id text,
      ADD COLUMN natural_person_id_scheme text CHECK (natural_person_id_scheme IN ('NIDN', 'CCPT', 'CONCAT')),
      ADD CONSTRAINT accounts_natural_person_whole CHECK (num_nulls(natural_person_first_name, natural_person_name, natural_person_birth_date,
        natural_person_national_id, natural_person_id_scheme) IN (0, 5)),
      ADD CONSTRAINT accounts_natural_person_client CHECK (natural_person_first_name IS NULL OR account_type = 'CLIENT'),
      ADD CONSTRAINT accounts_natural_person_national_id CHECK (CASE natural_person_id_scheme
        WHEN 'CONCAT' THEN natural_person_national_id ~ '^[A-Z]{2}[0-9]{8}[A-Z#]{10}$'
          AND substr(natural_person_national_id, 11, 5) ~ '^[A-Z]+#*$' AND substr(natural_person_national_id, 16, 5) ~ '^[A-Z]+#*$'
          AND substr(natural_person_national_id, 3, 8) = to_char(natural_person_birth_date, 'YYYYMMDD')
        ELSE natural_person_national_id ~ '^[A-Z]{2}[A-Z0-9]{1,33}$' END)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.accounts DROP COLUMN natural_person_first_name, DROP COLUMN natural_person_name,
      DROP COLUMN natural_person_birth_date, DROP COLUMN natural_person_national_id, DROP COLUMN natural_person_id_scheme`);
  }
}
