import { baseConfigSchema } from '@postera/platform';
import { z } from 'zod';

export const gatewayConfigSchema = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default('gateway'),
  HTTP_PORT: z.coerce.number().int().default(3000),
  CAPTURE_URL: z.string().url().default('http://127.0.0.1:3001'),
  SETTLEMENT_URL: z.string().url().default('http://127.0.0.1:3002'),
  ACCOUNTING_URL: z.string().url().default('http://127.0.0.1:3003'),
  REPORTING_URL: z.string().url().default('http://127.0.0.1:3004'),
  NOTIFICATION_URL: z.string().url().default('http://127.0.0.1:3005'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
