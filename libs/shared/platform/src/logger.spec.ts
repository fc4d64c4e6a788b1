import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { createLogger } from './logger.js';

/** The lines a logger writes, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('test', 'debug', stream), lines, text: () => JSON.stringify(lines) };
}

describe('log lines carry no secret and no personal data', () => {
  it("a database error keeps its statement and constraint, never its parameters nor the driver's detail", () => {
    const { log, lines, text } = capture();
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "counterparty_contacts_pkey"'), {
      code: '23505',
      constraint: 'counterparty_contacts_pkey',
      table: 'counterparty_contacts',
      detail: 'Key (email)=(jeanne.martin@example.fr) already exists.',
    });
    const e = new QueryFailedError(
      'INSERT INTO notification.counterparty_contacts (lei, email, secret) VALUES ($1, $2, $3)',
      ['969500ABC', 'jeanne.martin@example.fr', 'whsec_live_9f8e7d'],
      driverError,
    );
    log.error({ err: e }, 'contact not saved');
    expect(lines[0]!.err).toMatchObject({
      type: 'QueryFailedError',
      query: 'INSERT INTO notification.counterparty_contacts (lei, email, secret) VALUES ($1, $2, $3)',
      sqlState: '23505',
      constraint: 'counterparty_contacts_pkey',
      table: 'counterparty_contacts',
    });
    expect(text()).not.toMatch(/jeanne|whsec_live|969500ABC|already exists/);
  });

  it('secrets and personal data are masked wherever they sit in a logged object', () => {
    const { log, lines, text } = capture();
    log.info(
      {
        correlationId: 'FO-EQ:T-1',
        authorization: 'Bearer eyJhbGciOi',
        contact: { email: 'jeanne.martin@example.fr', webhookSecret: 'whsec_1', channel: 'EMAIL' },
        client: { holder: { lastName: 'Martin', birthDate: '1970-01-01' } },
        SMTP_URL: 'smtp://user:pw@mail.example',
      },
      'notice queued',
    );
    expect(lines[0]).toMatchObject({
      correlationId: 'FO-EQ:T-1',
      authorization: '[redacted]',
      contact: { email: '[redacted]', webhookSecret: '[redacted]', channel: 'EMAIL' },
    });
    expect(text()).not.toMatch(/eyJhbGciOi|jeanne|whsec_1|Martin|1970-01-01|user:pw/);
  });

  it('an error caused by another keeps the chain, serialised the same way', () => {
    const { log, lines } = capture();
    const inner = new QueryFailedError('SELECT 1 WHERE $1', ['private'], new Error('boom'));
    log.warn({ err: new Error('batch failed', { cause: inner }) }, 'retrying');
    expect(lines[0]!.err).toMatchObject({ type: 'Error', message: 'batch failed', cause: { type: 'QueryFailedError', query: 'SELECT 1 WHERE $1' } });
    expect(JSON.stringify(lines[0])).not.toContain('private');
  });
});
