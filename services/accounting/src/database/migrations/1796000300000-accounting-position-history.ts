import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each position's operations in economic order (ledger/domain/cost-history.ts), so that its cost and
 * realized P&L do not depend on the order the events arrived in: what each operation was posted
 * with, the position after it (the lots only at checkpoints for FIFO), and what a re-costing entry
 * needs. A position held before this migration starts from an opening operation (key '', first of
 * all) holding its state as it stands.
 */
export class AccountingPositionHistory1796000300000 implements MigrationInterface {
  name = 'AccountingPositionHistory1796000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accounting.position_ops (
      account text NOT NULL,
      isin text NOT NULL,
      op_key text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('OPENING', 'TRADE', 'UNDO')),
      side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
      quantity numeric NOT NULL,
      gross numeric NOT NULL,
      securities numeric NOT NULL,
      realized numeric NOT NULL,
      revision integer NOT NULL DEFAULT 0,
      quantity_after numeric NOT NULL,
      cost_after numeric NOT NULL,
      lots_after jsonb,
      trade_ref text NOT NULL,
      posting_event text NOT NULL,
      recognition text NOT NULL,
      accounting_date date,
      securities_account text NOT NULL,
      book text NOT NULL,
      currency text NOT NULL,
      PRIMARY KEY (account, isin, op_key)
    )`);
    await q.query(`INSERT INTO accounting.position_ops (account, isin, op_key, kind, side, quantity, gross, securities, realized, quantity_after, cost_after,
                                                      lots_after, trade_ref, posting_event, recognition, securities_account, book, currency)
                   SELECT account, isin, '', 'OPENING', 'BUY', 0, 0, 0, 0, quantity, cost, lots, '', 'OPENING', 'OPENING', '', book, currency
                   FROM accounting.positions`);
    // The journal writer's role (migration 1796000000000): its default privileges cover a table created by the same role only.
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON accounting.position_ops TO accounting_service`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounting.position_ops`);
  }
}
