import { fourEyesApprovalsMigration, inboxReceivedIndexMigration, outboxParkedMigration, publicationOrderMigration } from '@postera/platform';
import type { MigrationInterface } from 'typeorm';
import { NotificationInitial1764190400000 } from './1764190400000-notification-initial.js';
import { NotificationChannels1764600000000 } from './1764600000000-notification-channels.js';
import { NotificationWakeUps1796200000000 } from './1796200000000-notification-wake-ups.js';
import { NotificationDueIndex1796300000000 } from './1796300000000-notification-due-index.js';
import { NotificationRouterUnwoken1796400000000 } from './1796400000000-notification-router-unwoken.js';
import { NotificationUnroutedParties1796600000000 } from './1796600000000-notification-unrouted-parties.js';
import { NotificationClientWebhookSecrets1796800000000 } from './1796800000000-notification-client-webhook-secrets.js';
import { NotificationWebhookAnswersStatusOnly1796810000000 } from './1796810000000-notification-webhook-answers-status-only.js';
import { NotificationInstrumentNames1796900000000 } from './1796900000000-notification-instrument-names.js';
import { NotificationCalendars1797000000000 } from './1797000000000-notification-calendars.js';
import { NotificationDailyDigests1797400000000 } from './1797400000000-notification-daily-digests.js';
import { NotificationDigestParts1797500000000 } from './1797500000000-notification-digest-parts.js';
import { NotificationNoticeIndexDropped1797600000000 } from './1797600000000-notification-notice-index-dropped.js';
import { NotificationInstructionStatesFailing1797700000000 } from './1797700000000-notification-instruction-states-failing.js';
import { notificationWebhookSecretsSealed } from './1796720000000-notification-webhook-secrets-sealed.js';

/**
 * Notification's migrations. Sealing the stored webhook secrets needs WEBHOOK_SECRETS_KEY, so the
 * list is built with it (decoded from the configuration); without it, that migration refuses to run
 * while plaintext secrets are stored.
 */
export function notificationMigrations(o: { webhookSecretsKey?: Buffer } = {}): Array<new () => MigrationInterface> {
  return [
    NotificationInitial1764190400000,
    NotificationChannels1764600000000,
    outboxParkedMigration('notification'),
    NotificationWakeUps1796200000000,
    NotificationDueIndex1796300000000,
    NotificationRouterUnwoken1796400000000,
    inboxReceivedIndexMigration('notification'),
    NotificationUnroutedParties1796600000000,
    fourEyesApprovalsMigration('notification'),
    notificationWebhookSecretsSealed(o.webhookSecretsKey),
    NotificationClientWebhookSecrets1796800000000,
    NotificationWebhookAnswersStatusOnly1796810000000,
    NotificationInstrumentNames1796900000000,
    NotificationCalendars1797000000000,
    publicationOrderMigration('notification'),
    NotificationDailyDigests1797400000000,
    NotificationDigestParts1797500000000,
    NotificationNoticeIndexDropped1797600000000,
    NotificationInstructionStatesFailing1797700000000,
  ];
}
