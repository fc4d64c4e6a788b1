import { dayMarksTableSql } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cost of a day fixed where the logs mark its end (ledger/commands/cost-marked-days.ts):
 * - `day_marks`: the PartitionDayClosed markers read on trade.events.v1 and settlement.events.v1;
 * - `staged_ops`: the operations on positions (a trade-date operation, its taking out by an
 *   amendment or a cancellation, a settlement step) booked at their consideration and waiting for
 *   the first day marked on every partition after them, with the last day marked before them;
 * - `costed_days`: the days whose operations were costed, each once;
 * - on a trade and on a parked settlement, the last day marked before the event that booked it;
 *   on a parked settlement, the order it was parked in (two steps of a trade parked together are
 *   released in their log order: the last step takes the rounding remainder).
 */
export class AccountingDayCosting1797100000000 implements MigrationInterface {
  name = 'AccountingDayCosting1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(dayMarksTableSql('accounting'));
    await q.query(`CREATE TABLE accounting.staged_ops (
      seq bigserial PRIMARY KEY,
      action text NOT NULL CHECK (action IN ('INSERT', 'TAKE_OUT')),
      marked_through text NOT NULL,
      account text NOT NULL,
      isin text NOT NULL,
      cost_method text NOT NULL,
      op_key text NOT NULL,
      side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
      quantity numeric NOT NULL,
      gross numeric NOT NULL,
      securities numeric NOT NULL,
      realized numeric NOT NULL,
      trade_ref text NOT NULL,
      posting_event text NOT NULL,
      recognition text NOT NULL,
      accounting_date date NOT NULL,
      securities_account text NOT NULL,
      book text NOT NULL,
      currency text NOT NULL
    )`);
    await q.query(`CREATE INDEX staged_ops_marked_through ON accounting.staged_ops (marked_through, seq)`);
    await q.query(`CREATE TABLE accounting.costed_days (
      business_date date PRIMARY KEY,
      operations integer NOT NULL,
      costed_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`ALTER TABLE accounting.trades ADD COLUMN marked_through text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE accounting.parked_settlements ADD COLUMN marked_through text NOT NULL DEFAULT '', ADD COLUMN parked_seq bigserial`);
    // The journal writer's role (migration 1796000000000): its default privileges cover a table created by the same role only.
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON accounting.day_marks, accounting.staged_ops, accounting.costed_days TO accounting_service`);
    await q.query(`GRANT USAGE, SELECT ON SEQUENCE accounting.staged_ops_seq_seq, accounting.parked_settlements_parked_seq_seq TO accounting_service`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.parked_settlements DROP COLUMN parked_seq, DROP COLUMN marked_through`);
    await q.query(`ALTER TABLE accounting.trades DROP COLUMN marked_through`);
    await q.query(`DROP TABLE accounting.costed_days`);
    await q.query(`DROP TABLE accounting.staged_ops`);
    await q.query(`DROP TABLE accounting.day_marks`);
  }
}
