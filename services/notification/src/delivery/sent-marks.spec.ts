import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@postera/platform';
import type { SentAttempt } from './delivery.repository.js';
import { SentMarks } from './sent-marks.js';

const log = createLogger('sent-marks-spec', 'silent');
const mark = (notificationId: string): SentAttempt => ({
  notificationId,
  attemptNo: 1,
  smtpResponse: '250 OK',
  event: {} as SentAttempt['event'],
  message: { language: 'en', subject: 'Trade confirmation', body: 'Trade confirmation' },
});
/** What node-postgres raises while Postgres restarts. */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('SentMarks: one SENT-mark policy for the email and webhook senders', () => {
  it('waits through a database that refuses connections, then commits the mark (the mail is not sent again)', async () => {
    const calls: string[][] = [];
    const marks = new SentMarks(
      async (sent) => {
        calls.push(sent.map((s) => s.notificationId));
        if (calls.length <= 2) throw refused();
        return new Set(sent.map((s) => s.notificationId));
      },
      { timeoutMs: 30_000, log, channel: 'EMAIL' },
    );
    await expect(marks.submit(mark('n-1'))).resolves.toBe(true);
    expect(calls).toEqual([['n-1'], ['n-1'], ['n-1']]);
  });

  it('raises at once an error that waiting cannot cure (here a constraint violation), and gives up a refusing database after timeoutMs', async () => {
    let writes = 0;
    const broken = new SentMarks(
      async () => {
        writes++;
        throw Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
      },
      { timeoutMs: 30_000, log, channel: 'WEBHOOK' },
    );
    await expect(broken.submit(mark('n-2'))).rejects.toThrow('duplicate key');
    expect(writes).toBe(1);

    const started = Date.now();
    const down = new SentMarks(
      async () => {
        throw refused();
      },
      { timeoutMs: 600, log, channel: 'EMAIL' },
    );
    await expect(down.record([mark('n-3')])).rejects.toThrow('ECONNREFUSED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('reports which of the marks it committed: one taken over by another sender (already SENT) is not ours', async () => {
    const marks = new SentMarks(async (sent) => new Set(sent.map((s) => s.notificationId).filter((id) => id !== 'taken')), {
      timeoutMs: 1_000,
      log,
      channel: 'EMAIL',
    });
    const [ours, taken] = await Promise.all([marks.submit(mark('ours')), marks.submit(mark('taken'))]);
    expect({ ours, taken }).toEqual({ ours: true, taken: false });
    expect([...(await marks.record([]))]).toEqual([]);
  });
});
