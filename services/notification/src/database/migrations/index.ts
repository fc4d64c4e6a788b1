import { NotificationInitial1764190400000 } from './1764190400000-notification-initial.js';

export const notificationMigrations = [NotificationInitial1764190400000];
