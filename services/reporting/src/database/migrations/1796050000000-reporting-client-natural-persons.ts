import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client account's natural person (first name, name, birth date, national id), as the referential
 * publishes it: MiFIR transaction reports name a natural-person client by these (RTS 22 art. 6).
 * Null: a legal entity, or not known yet.
 */
export class ReportingClientNaturalPersons1796050000000 implements MigrationInterface {
  name = 'ReportingClientNaturalPersons1796050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reporting.ref_accounts ADD COLUMN natural_person jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reporting.ref_accounts DROP COLUMN natural_person`);
  }
}
