import { platformTablesDown, platformTablesUp } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class GatewayInitial1764190600000 implements MigrationInterface {
  name = 'GatewayInitial1764190600000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp('gateway')) await q.query(sql);
    // The business day as the operators moved it: one row per open and per close, never updated.
    await q.query(`CREATE TABLE gateway.business_day_commands (
      calendar text NOT NULL,
      business_date date NOT NULL,
      action text NOT NULL CHECK (action IN ('OPEN', 'CLOSE')),
      event_id uuid NOT NULL,
      requested_by text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (calendar, business_date, action)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.business_day_commands`);
    for (const sql of platformTablesDown('gateway')) await q.query(sql);
  }
}
