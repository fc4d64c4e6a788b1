import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';
import { secretsKeyProblem } from './contacts/domain/webhook-secret-box.js';
import { parseCidr } from './delivery/webhook-destination.js';
import { DEFAULT_CLAIM_DAYS, type FirmIdentity } from './notifications/domain/avis-d-opere.js';

/** A text setting that may be unset; empty is unset. */
const optionalText = (max: number) => z.preprocess((v) => (v === '' ? undefined : v), z.string().max(max).optional());

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The default WEBHOOK_SECRET, for development only: a production process refuses to start with it (productionProblems). */
export const DEVELOPMENT_WEBHOOK_SECRET = 'postera-development-webhook-secret';
/** The shortest WEBHOOK_SECRET a production process accepts. */
export const PRODUCTION_WEBHOOK_SECRET_MIN_CHARS = 32;

/** A comma-separated list of CIDRs (empty: none). */
const cidrList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const cidrs = v
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c.length > 0);
    const wrong = cidrs.filter((c) => parseCidr(c) === null);
    if (wrong.length > 0) {
      ctx.addIssue({ code: 'custom', message: `comma-separated CIDRs (10.0.0.0/8, fd00::/8); not CIDRs: ${wrong.join(', ')}` });
      return z.NEVER;
    }
    return cidrs;
  });

export const notificationConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('notification'),
  /** `production` (the image sets it) refuses the development defaults: see productionProblems. */
  NODE_ENV: z.string().default('development'),
  HTTP_PORT: z.coerce.number().int().default(3005),
  /**
   * The platform's setting (docs/configuration.md), 1 s here rather than 5 ms. The outbox carries
   * NotificationSent alone, read by reporting's activity, which nobody waits on; mails are accepted
   * one by one, so with 5 ms nearly each one cost a relay pass of its own and a reporting
   * transaction of its own (docs/benchmark.md).
   */
  OUTBOX_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(1000),
  /** Where mail goes: smtp://host:port, or smtps:// with credentials in the URL (never logged). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:2525'),
  /**
   * SMTP only over TLS (smtps://, or STARTTLS required on smtp://). Unset: required except with
   * NODE_ENV=development; a server on the loopback (127.0.0.1, ::1, localhost) may always be plain.
   */
  SMTP_REQUIRE_TLS: bool.optional(),
  MAIL_FROM: z.string().min(3).default('Postera Back Office <back-office@postera.local>'),
  /** The investment firm named on every notice (Delegated Regulation (EU) 2017/565 art. 59(4)(a)). */
  FIRM_NAME: z.string().min(1).default('Postera Securities'),
  /**
   * The firm's identity on the avis's letterhead, each left out while unset (empty is unset), never
   * made up: its address on one line, the authority that authorised it as an investment firm
   * (`ACPR` prints "Prestataire de services d'investissement agréé par l'ACPR"), its registration as
   * on its papers (`RCS Paris 000 000 000`), its LEI.
   */
  FIRM_ADDRESS: optionalText(300),
  FIRM_AUTHORISED_BY: optionalText(100),
  FIRM_REGISTRATION: optionalText(200),
  FIRM_LEI: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[A-Z0-9]{18}[0-9]{2}$/, 'a LEI (20 characters, ISO 17442)')
      .optional(),
  ),
  /** Business days the client has to object to an avis before it is deemed approved, as the account agreement says. */
  NOTICE_CLAIM_DAYS: z.coerce.number().int().min(1).max(30).default(DEFAULT_CLAIM_DAYS),
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
  /**
   * Notices one daily digest mail carries at most; a busier day goes in several parts, each its own
   * mail. A notice's PDF is a few kilobytes: the default keeps a part near 2 MB, base64 included,
   * well within what mail servers accept; lower it for a server with a smaller message size limit.
   */
  DIGEST_NOTICES_MAX: z.coerce.number().int().min(1).max(5000).default(250),
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
  /**
   * HMAC-SHA256 secret of the webhooks that have none of their own (a client's, while
   * WEBHOOK_SECRETS_KEY is unset). With NODE_ENV=production, the development default or fewer than
   * 32 characters stop the start.
   */
  WEBHOOK_SECRET: z.string().min(16).default(DEVELOPMENT_WEBHOOK_SECRET),
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
  /** How long a rotated client webhook secret stays valid beside the new one (both signatures are sent meanwhile). */
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(720).default(24),
  /** Webhooks over plain http (development and tests); otherwise https only. */
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  /** Ranges refused besides the built-in ones (loopback, link-local, private, CGNAT, unspecified, multicast): the cluster's pod and service ranges when they are not private addresses. */
  WEBHOOK_DENIED_CIDRS: cidrList,
  /** Ranges let through although refused (the tests' and the devstack's receivers, 127.0.0.1/32). Empty in production. */
  WEBHOOK_ALLOWED_CIDRS: cidrList,
  /** Bytes of a receiver's answer read at most, then the connection is closed: only its status is kept. */
  WEBHOOK_RESPONSE_READ_MAX_BYTES: z.coerce.number().int().min(0).max(65_536).default(4096),
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

/**
 * What a production process must not start with, named: the development webhook secret, or one
 * too short to be a random one. A configuration otherwise valid (loadConfig) can still be unfit
 * for production.
 */
export function productionProblems(c: Pick<NotificationConfig, 'NODE_ENV' | 'WEBHOOK_SECRET'>): string[] {
  if (c.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (c.WEBHOOK_SECRET === DEVELOPMENT_WEBHOOK_SECRET)
    problems.push('WEBHOOK_SECRET: the development default is refused with NODE_ENV=production; set a random one (openssl rand -base64 32)');
  else if (c.WEBHOOK_SECRET.length < PRODUCTION_WEBHOOK_SECRET_MIN_CHARS)
    problems.push(`WEBHOOK_SECRET: at least ${PRODUCTION_WEBHOOK_SECRET_MIN_CHARS} characters with NODE_ENV=production (openssl rand -base64 32)`);
  return problems;
}

/** Whether SMTP must use TLS: SMTP_REQUIRE_TLS when set, else everywhere but development; a loopback server may be plain. */
export function smtpTlsRequired(c: Pick<NotificationConfig, 'NODE_ENV' | 'SMTP_REQUIRE_TLS' | 'SMTP_URL'>): boolean {
  let host = '';
  try {
    host = new URL(c.SMTP_URL).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    /* the schema checked the scheme; an unparsable host is not the loopback */
  }
  if (['127.0.0.1', '::1', 'localhost'].includes(host)) return false;
  return c.SMTP_REQUIRE_TLS ?? c.NODE_ENV !== 'development';
}

/** The firm's details for the letterhead, as configured (unset ones absent). */
export function firmDetails(c: Pick<NotificationConfig, 'FIRM_ADDRESS' | 'FIRM_AUTHORISED_BY' | 'FIRM_REGISTRATION' | 'FIRM_LEI'>): Omit<FirmIdentity, 'name'> {
  return { address: c.FIRM_ADDRESS ?? null, authorisedBy: c.FIRM_AUTHORISED_BY ?? null, registration: c.FIRM_REGISTRATION ?? null, lei: c.FIRM_LEI ?? null };
}
