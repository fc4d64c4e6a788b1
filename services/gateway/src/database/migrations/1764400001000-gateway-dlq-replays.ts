import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each dead letter is put back on its topic once, whoever approves it. */
export class GatewayDlqReplays1764400001000 implements MigrationInterface {
  name = 'GatewayDlqReplays1764400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE gateway.dlq_replays (
      dlq_topic text NOT NULL,
      dlq_partition integer NOT NULL,
      dlq_offset text NOT NULL,
      replayed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.dlq_replays`);
  }
}
