import { inboxReceivedIndexMigration, outboxParkedMigration } from '@postera/platform';
import { NotificationInitial1764190400000 } from './1764190400000-notification-initial.js';
import { NotificationChannels1764600000000 } from './1764600000000-notification-channels.js';
import { NotificationWakeUps1796200000000 } from './1796200000000-notification-wake-ups.js';
import { NotificationDueIndex1796300000000 } from './1796300000000-notification-due-index.js';
import { NotificationRouterUnwoken1796400000000 } from './1796400000000-notification-router-unwoken.js';
import { NotificationUnroutedParties1796600000000 } from './1796600000000-notification-unrouted-parties.js';

export const notificationMigrations = [
  NotificationInitial1764190400000,
  NotificationChannels1764600000000,
  outboxParkedMigration('notification'),
  NotificationWakeUps1796200000000,
  NotificationDueIndex1796300000000,
  NotificationRouterUnwoken1796400000000,
  inboxReceivedIndexMigration('notification'),
  NotificationUnroutedParties1796600000000,
];
