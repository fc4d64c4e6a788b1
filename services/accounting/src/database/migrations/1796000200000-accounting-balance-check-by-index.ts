import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statement-level balance check (migration 1796000100000), same rule, found by the index.
 * `entry_id IN (SELECT DISTINCT entry_id FROM new_lines)` was planned as a merge join that walks
 * the whole primary-key index of journal_lines (the transition table has no statistics): its cost
 * grew with the journal — 85 ms a statement at 160k lines, 8k of them new — so a long-lived journal
 * would have slowed every batch without bound. `entry_id = ANY (ARRAY(...))` is an index scan over
 * the entries the statement touched only (11 ms for the same statement, whatever the journal's size).
 */
export class AccountingBalanceCheckByIndex1796000200000 implements MigrationInterface {
  name = 'AccountingBalanceCheckByIndex1796000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(BALANCED('l.entry_id = ANY (ARRAY(SELECT DISTINCT entry_id FROM new_lines))'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(BALANCED('l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)'));
  }
}

const BALANCED = (touched: string) => `CREATE OR REPLACE FUNCTION accounting.journal_statement_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE bad record;
      BEGIN
        SELECT l.entry_id, l.currency, sum(l.debit) AS d, sum(l.credit) AS c INTO bad
          FROM accounting.journal_lines l WHERE ${touched}
          GROUP BY l.entry_id, l.currency HAVING sum(l.debit) <> sum(l.credit) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'journal entry % does not balance in %: debit % credit %', bad.entry_id, bad.currency, bad.d, bad.c;
        END IF;
        RETURN NULL;
      END $$`;
