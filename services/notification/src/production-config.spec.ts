import { describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_WEBHOOK_SECRET, productionProblems, smtpTlsRequired } from './config.js';

describe('a production process refuses the development defaults', () => {
  it('refuses the development webhook secret in production', () => {
    expect(productionProblems({ NODE_ENV: 'production', WEBHOOK_SECRET: DEVELOPMENT_WEBHOOK_SECRET })).toEqual([
      'WEBHOOK_SECRET: the development default is refused with NODE_ENV=production; set a random one (openssl rand -base64 32)',
    ]);
  });

  it('refuses a short one in production', () => {
    expect(productionProblems({ NODE_ENV: 'production', WEBHOOK_SECRET: 'sixteen-chars-ok' })[0]).toMatch(/^WEBHOOK_SECRET: at least 32 characters/);
  });

  it('accepts a long random one in production, and the default in development', () => {
    expect(productionProblems({ NODE_ENV: 'production', WEBHOOK_SECRET: 'kq3Vd0sX9m1YpE7rT2uW8zA4bC6nF5hJ' })).toEqual([]);
    expect(productionProblems({ NODE_ENV: 'development', WEBHOOK_SECRET: DEVELOPMENT_WEBHOOK_SECRET })).toEqual([]);
  });
});

describe('SMTP over TLS', () => {
  it('is required outside development unless the server is on the loopback or told otherwise', () => {
    expect(smtpTlsRequired({ NODE_ENV: 'production', SMTP_URL: 'smtp://relay.bank.example:587', SMTP_REQUIRE_TLS: undefined })).toBe(true);
    expect(smtpTlsRequired({ NODE_ENV: 'development', SMTP_URL: 'smtp://relay.bank.example:587', SMTP_REQUIRE_TLS: undefined })).toBe(false);
    expect(smtpTlsRequired({ NODE_ENV: 'production', SMTP_URL: 'smtp://relay.bank.example:587', SMTP_REQUIRE_TLS: false })).toBe(false);
    expect(smtpTlsRequired({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_REQUIRE_TLS: true })).toBe(false);
    expect(smtpTlsRequired({ NODE_ENV: 'production', SMTP_URL: 'smtp://localhost:2525', SMTP_REQUIRE_TLS: undefined })).toBe(false);
  });
});
