import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the FEC needs beyond the journal:
 * - the names of the auxiliary accounts (CompAuxLib): counterparties by LEI and BIC from
 *   refdata.parties.v1 (`parties_ref`), clients from refdata.accounts.v1 (`account_names`, keyed by
 *   account like the topic, with its client id). Both are filled by a consumer of their own, so a
 *   new consumer group reads the compacted topics from the start and the names of parties and
 *   accounts imported before this migration arrive too;
 * - the result accounts the à-nouveaux carry the closed year's net income to (class 1, PCG
 *   account 12): 120000 when it is a profit, 129000 when it is a loss. The journal never posts to them
 *   (the à-nouveaux are derived at export, exports/domain/fec.ts); they are in the chart for their
 *   names and for GET /chart.
 */
export class AccountingFecNamesAndResult1796200000000 implements MigrationInterface {
  name = 'AccountingFecNamesAndResult1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accounting.parties_ref (
      lei text PRIMARY KEY,
      name text NOT NULL,
      bic text,
      version integer NOT NULL
    )`);
    await q.query(`CREATE INDEX parties_ref_bic ON accounting.parties_ref (bic) WHERE bic IS NOT NULL`);
    await q.query(`CREATE TABLE accounting.account_names (
      account text PRIMARY KEY,
      client_id text NOT NULL,
      client_name text NOT NULL,
      version integer NOT NULL
    )`);
    await q.query(`CREATE INDEX account_names_client ON accounting.account_names (client_id)`);
    await q.query(`INSERT INTO accounting.ledger_accounts (code, name, on_balance_sheet, kind) VALUES
      ('120000', 'Résultat de l''exercice (bénéfice)', true, 'BALANCE'),
      ('129000', 'Résultat de l''exercice (perte)', true, 'BALANCE')`);
    // The journal writer's role (migration 1796000000000): its default privileges cover a table created by the same role only.
    await q.query(`GRANT SELECT ON accounting.parties_ref, accounting.account_names TO accounting_service`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM accounting.ledger_accounts WHERE code IN ('120000', '129000')`);
    await q.query(`DROP TABLE accounting.account_names`);
    await q.query(`DROP TABLE accounting.parties_ref`);
  }
}
