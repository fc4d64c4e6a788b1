import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook attempts kept `<status> <the first 500 characters of the answer>`: a receiver's words
 * stored and served back, a read-back channel into whatever the URL reached. Only the status is kept
 * now; the attempts recorded before keep theirs and lose the text. Not reversible: the text is gone.
 */
export class NotificationWebhookAnswersStatusOnly1796810000000 implements MigrationInterface {
  name = 'NotificationWebhookAnswersStatusOnly1796810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE notification.delivery_attempts a SET smtp_response = substring(a.smtp_response FROM '^[0-9]{3}')
      FROM notification.notifications n
      WHERE n.notification_id = a.notification_id AND n.channel = 'WEBHOOK' AND a.smtp_response !~ '^[0-9]{3}$'`);
  }

  async down(): Promise<void> {
    // Nothing to restore: the answers' text was dropped on purpose.
  }
}
