import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const notificationConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('notification'),
  HTTP_PORT: z.coerce.number().int().default(3005),
  /** Where mail goes: smtp://host:port, or smtps:// with credentials in the URL (never logged). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:2525'),
  MAIL_FROM: z.string().min(3).default('Postera Back Office <back-office@postera.local>'),
  /** The investment firm named on every notice (Delegated Regulation (EU) 2017/565 art. 59(4)(a)). */
  FIRM_NAME: z.string().min(1).default('Postera Securities'),
  /** Notifications claimed by one pass of the sender. */
  SEND_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(100),
  /** Pause of the sender when it found nothing to send. */
  SEND_POLL_MS: z.coerce.number().int().min(10).max(60000).default(200),
  /** SMTP attempts of one notification before it is FAILED for an operator. */
  SEND_ATTEMPTS_MAX: z.coerce.number().int().min(1).max(20).default(5),
});
export type NotificationConfig = z.infer<typeof notificationConfigSchema>;
