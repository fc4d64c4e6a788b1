import { describe, expect, it } from '@jest/globals';
import { baseConfigSchema } from './config.js';

describe('inbox retention settings', () => {
  const parse = (env: Record<string, string>) => baseConfigSchema.safeParse({ SERVICE_NAME: 'capture', HTTP_PORT: '3001', ...env });

  it('keeps 30 days and prunes every 15 minutes by default', () => {
    const c = parse({});
    expect(c.success && [c.data.INBOX_RETENTION_DAYS, c.data.INBOX_PRUNE_INTERVAL_MS]).toEqual([30, 900_000]);
  });

  it('refuses a retention under 15 days: Kafka can still deliver a message that old again (7 days of retention, up to 7 of open segment)', () => {
    const c = parse({ INBOX_RETENTION_DAYS: '14' });
    expect(c.success).toBe(false);
    expect(c.error?.issues.map((i) => i.path.join('.'))).toEqual(['INBOX_RETENTION_DAYS']);
    expect(parse({ INBOX_RETENTION_DAYS: '15' }).success).toBe(true);
  });

  it('0 never prunes', () => {
    const c = parse({ INBOX_PRUNE_INTERVAL_MS: '0' });
    expect(c.success && c.data.INBOX_PRUNE_INTERVAL_MS).toBe(0);
  });
});
