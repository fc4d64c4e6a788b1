import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';
import { secretsKeyProblem } from './contacts/domain/webhook-secret-box.js';

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
  /**
   * Notifications claimed by one pass of the sender. A pass ends with its slowest lane, so bigger
   * passes keep the lanes busy longer between claims: on a 4,000-trade burst, 400 rather than 100
   * took the avis from 63 to 76 trades/s end to end (more lanes added little and would raise the
   * duplicate bound below).
   */
  SEND_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(400),
  /**
   * Pause of the router and the senders when they found nothing to do, cut short at commit by the
   * wake-ups (WakeUps); the poll finds what no commit announces (a retry coming due, a lease run out).
   * Also the base of their backoff after a failure.
   */
  SEND_POLL_MS: z.coerce.number().int().min(10).max(60000).default(1000),
  /** SMTP attempts of one notification before it is FAILED for an operator. */
  SEND_ATTEMPTS_MAX: z.coerce.number().int().min(1).max(20).default(5),
  /**
   * Sends in flight at once (emails, and webhooks apart). Each accepted send is marked SENT at once,
   * so this is also the most mails a crash can leave accepted but unrecorded (sent again after the lease).
   */
  SEND_CONCURRENCY_MAX: z.coerce.number().int().min(1).max(32).default(8),
  /**
   * Email sender passes side by side in the process, sharing its SEND_CONCURRENCY_MAX lanes: while
   * one claims, renders and records its batch's attempts, or waits for its slowest send, another
   * sends; and a notice routed while a pass is sending does not wait for that pass to end.
   */
  SEND_PASSES: z.coerce.number().int().min(1).max(8).default(2),
  /** Notices routed (given their deliveries) per pass. */
  ROUTE_BATCH_MAX: z.coerce.number().int().min(1).max(5000).default(500),
  /** Default HMAC-SHA256 secret of the webhooks; set it in production (the default is for development). */
  WEBHOOK_SECRET: z.string().min(16).default('postera-development-webhook-secret'),
  /** Secrets per webhook URL, a JSON object {"https://…": "secret"}; they win over WEBHOOK_SECRET. */
  WEBHOOK_SECRETS: z
    .string()
    .default('{}')
    .transform((v, ctx) => {
      try {
        const o = JSON.parse(v) as unknown;
        if (o && typeof o === 'object' && !Array.isArray(o) && Object.values(o).every((x) => typeof x === 'string' && x.length >= 16))
          return o as Record<string, string>;
      } catch {
        /* reported below */
      }
      ctx.addIssue({ code: 'custom', message: 'a JSON object of URL → secret (16 characters at least)' });
      return z.NEVER;
    }),
  /**
   * The key that seals the counterparties' webhook secrets in the database (AES-256-GCM): 32 bytes,
   * base64 (`openssl rand -base64 32`). Without it, no webhook secret can be set through the API and
   * the service refuses to start while secrets are stored. Empty is unset.
   */
  WEBHOOK_SECRETS_KEY: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .optional()
      .superRefine((v, ctx) => {
        const problem = v === undefined ? null : secretsKeyProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  ),
  /** Webhook attempts (no answer, or an answer other than 2xx) before the delivery is FAILED for an operator. */
  WEBHOOK_ATTEMPTS_MAX: z.coerce.number().int().min(1).max(20).default(6),
  /** Wait before the 2nd attempt; doubled at each further one (exponential backoff), capped by WEBHOOK_BACKOFF_MAX_MS. */
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  /** One webhook POST, connection to the end of the answer. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** A failing settlement gets a reminder at each business-day close once it has failed this many business days. */
  FAIL_REMINDER_AFTER_BUSINESS_DAYS: z.coerce.number().int().min(0).max(60).default(1),
});
export type NotificationConfig = z.infer<typeof notificationConfigSchema>;
