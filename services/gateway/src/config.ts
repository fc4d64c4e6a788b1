import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';
import { auditConfigShape } from './audit/audit-config.js';

export const gatewayConfigSchema = baseConfigSchema.extend({
  ...auditConfigShape,
  SERVICE_NAME: z.string().default('gateway'),
  HTTP_PORT: z.coerce.number().int().default(3000),
  CAPTURE_URL: z.string().url().default('http://127.0.0.1:3001'),
  SETTLEMENT_URL: z.string().url().default('http://127.0.0.1:3002'),
  ACCOUNTING_URL: z.string().url().default('http://127.0.0.1:3003'),
  REPORTING_URL: z.string().url().default('http://127.0.0.1:3004'),
  NOTIFICATION_URL: z.string().url().default('http://127.0.0.1:3005'),
  /**
   * The simulated CSD (tools/market-sim), in test environments and the demo only: its scenario is
   * set through /api/simulator/scenario. Unset (production: there is no simulated CSD), those routes answer 404.
   */
  MARKET_SIM_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /**
   * Bearer JWTs are verified against the issuer's keys: AUTH_JWKS_URL (an OIDC issuer's jwks_uri, in
   * production) or AUTH_JWKS_JSON (a JWKS document, for a local issuer in development and tests).
   * One of them is required: without keys, nobody gets in (deny by default).
   */
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_JWKS_JSON: z.string().optional(),
  AUTH_ISSUER: z.string().min(1).default('postera-local'),
  AUTH_AUDIENCE: z.string().min(1).default('postera-gateway'),
  /** The claim holding the roles (an array of operator, supervisor, auditor, admin). */
  AUTH_ROLES_CLAIM: z.string().min(1).default('roles'),
  /**
   * The gateway's own key(s) for the tokens it signs on an operator's behalf when it calls a service
   * (docs/trust.md): a private EC P-256 JWK with a `kid`, or `{ "keys": [...] }` newest first (the
   * first signs; all are published at /.well-known/jwks.json, so a key can be rotated in). A secret:
   * from a Kubernetes Secret, never a manifest. Without it the gateway cannot call any service (503).
   */
  SERVICE_TOKEN_KEYS: z.string().min(1).optional(),
  /** The `iss` of those tokens; the services expect the same (SERVICE_AUTH_ISSUER). */
  SERVICE_TOKEN_ISSUER: z.string().min(1).default('postera-gateway'),
  /** Requests per operator and minute; 429 beyond. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /**
   * Failed authentications (no token, a bad one) per client address and minute; 429 beyond, for the
   * failures only — a valid token from the same address still passes, so a flood of junk from
   * behind a shared proxy does not lock the operators out.
   */
  AUTH_FAILURES_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /**
   * Which proxies in front of the gateway to believe about the client's address (X-Forwarded-For),
   * as Express's `trust proxy` takes it: a number of hops, or addresses and CIDRs (`10.0.0.0/8`,
   * `loopback`). Unset: none, and the client is the connection's peer (the ingress, if there is one).
   */
  TRUST_PROXY: z.string().min(1).optional(),
  /**
   * The operators' web console, served under /console on the gateway's origin: its built files
   * (apps/console/dist, found beside the gateway's own build unless set) and its sign-in — the
   * OpenID provider the browser goes to (CONSOLE_OIDC_ISSUER: the issuer's URL; unset, AUTH_ISSUER
   * when that is a URL), the console's public client there, and the resource indicator its access
   * tokens are asked for (the API's URL as the operators reach it; unset, this origin's /api).
   */
  CONSOLE_DIR: z.string().min(1).optional(),
  CONSOLE_OIDC_ISSUER: z.string().url().optional(),
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).default('postera-console'),
  CONSOLE_API_RESOURCE: z.string().url().optional(),
  /** How many bytes of dead-letter values one browse reads at most; past it the answer says it was cut (x-dlq-truncated). */
  DLQ_BROWSE_BYTES_MAX: z.coerce.number().int().min(65_536).default(4 * 1024 * 1024),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
