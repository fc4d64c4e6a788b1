import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `instruction_states` keeps an instruction only while it fails: the settlement notices and the
 * reminders ask nothing else of it, and a missing row reads as "not failing". The rows of
 * instructions that are not failing are removed.
 */
export class NotificationInstructionStatesFailing1797700000000 implements MigrationInterface {
  name = 'NotificationInstructionStatesFailing1797700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notification.instruction_states WHERE status <> 'FAILING'`);
  }

  async down(): Promise<void> {
    // Nothing to restore: without its row, an instruction that is not failing reads as it did with one.
  }
}
