import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics } from '@postera/contracts';
import { loadSampleReferential, openDay, publish, sampleDay, waitUntil } from '@postera/devstack';
import { consumeAll } from '@postera/testing';
import { count, e2eEnv, groupCaughtUp, type E2eEnv } from './harness.js';

jest.setTimeout(300_000);

/**
 * Nothing lost, nothing doubled when a consumer dies: killed inside its database transaction,
 * killed after the database commit but before the offset commit (the redelivery its position
 * drops), killed from outside at an arbitrary moment, and its outbox relay killed after the broker
 * took a batch and before the cursor moved (the copies the publication sequence drops).
 */
describe('a consumer killed in the middle of a batch recovers to the same result', () => {
  let env: E2eEnv;
  const day = '2026-11-26';

  beforeAll(async () => {
    env = await e2eEnv('kill', {
      basePort: 4200,
      smtpUrl: 'smtp://127.0.0.1:9', // notification is not started here
      services: ['gateway', 'capture', 'accounting'],
      env: { BATCH_SIZE_MAX: '50', PARTITIONS_CONCURRENT_MAX: '2' },
    });
    await env.stack.startAll();
    await loadSampleReferential(env.stack);
    await openDay(env.stack, day);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  const trades = (runId: string, n: number) => sampleDay({ tradeDate: day, count: n, runId, seed: runId.length * 7919 });
  const captured = (runId: string) => count(env.db, `SELECT count(*) AS n FROM capture.trades WHERE trade_id LIKE $1`, [`${runId}-%`]);
  const entries = (runId: string) => count(env.db, `SELECT count(*) AS n FROM accounting.journal_entries WHERE trade_ref LIKE $1`, [`FO-EQ:${runId}-%`]);

  it('accounting killed after its database commit and before the offset commit: the redelivered batch has no second effect', async () => {
    // The fault counts every database commit of the process: accounting's reference-data consumers
    // first read the referential to its end, so that the commits counted are the trade events'.
    for (const topic of [Topics.refdataParties, Topics.refdataAccounts])
      await waitUntil(() => groupCaughtUp(`${env.prefix}.accounting.refdata-names`, physicalTopic(env.prefix, topic)), `accounting to read ${topic}`, 60_000);
    await waitUntil(
      () => groupCaughtUp(`${env.prefix}.accounting.refdata-accounts`, physicalTopic(env.prefix, Topics.refdataAccounts)),
      'accounting to read the accounts',
      60_000,
    );
    await env.stack.stop('accounting');
    const dying = env.stack.start('accounting', { POSTERA_FAULT: 'after-db-commit:3' });
    const msgs = trades('A', 600);
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, msgs);
    expect(await dying.exited).toBe(-1); // killed by the fault (SIGKILL)
    const beforeRestart = await entries('A');
    expect(beforeRestart).toBeGreaterThan(0); // batches committed before the kill stay committed

    env.stack.start('accounting');
    await env.stack.waitHealthy('accounting');
    await waitUntil(async () => (await entries('A')) === 600, '600 trade-date entries', 120_000);
    await waitUntil(
      () => groupCaughtUp(`${env.prefix}.accounting.trade-events`, physicalTopic(env.prefix, Topics.tradeEvents)),
      'accounting to catch up',
      60_000,
    );
    expect(await entries('A')).toBe(600);
    expect(await count(env.db, `SELECT count(DISTINCT trade_ref) AS n FROM accounting.journal_entries WHERE trade_ref LIKE 'FO-EQ:A-%'`)).toBe(600);
    expect(
      await count(env.db, `SELECT sum(applied) AS n FROM accounting.consumer_positions WHERE consumer_id = 'accounting.trade-events'`),
    ).toBeGreaterThanOrEqual(600);
    // The journal still balances line by line after the crash.
    expect(
      await count(
        env.db,
        `SELECT count(*) AS n FROM (SELECT entry_id FROM accounting.journal_lines GROUP BY entry_id, currency HAVING sum(debit) <> sum(credit)) x`,
      ),
    ).toBe(0);
  });

  it('capture killed inside its transaction: the uncommitted batch is redone, no trade lost', async () => {
    await env.stack.stop('capture');
    const dying = env.stack.start('capture', { POSTERA_FAULT: 'before-db-commit:4' });
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, trades('B', 500));
    expect(await dying.exited).toBe(-1);
    expect(await captured('B')).toBeLessThan(500);

    env.stack.start('capture');
    await env.stack.waitHealthy('capture');
    await waitUntil(async () => (await captured('B')) === 500, '500 captured trades', 120_000);
    await waitUntil(async () => (await entries('B')) === 500, '500 trade-date entries', 120_000);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.receipts r JOIN capture.trades t USING (trade_ref) WHERE t.trade_id LIKE 'B-%'`)).toBe(500);
  });

  it("capture's relay killed between the send and the cursor: the batch sent again has no second effect downstream", async () => {
    await env.stack.stop('capture');
    const dying = env.stack.start('capture', { POSTERA_FAULT: 'relay-after-send:3' });
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, trades('D', 400));
    expect(await dying.exited).toBe(-1);

    env.stack.start('capture');
    await env.stack.waitHealthy('capture');
    await waitUntil(async () => (await entries('D')) === 400, '400 trade-date entries', 120_000);
    await waitUntil(async () => (await count(env.db, `SELECT count(*) AS n FROM capture.outbox_pending`)) === 0, "capture's outbox published", 60_000);
    await waitUntil(
      () => groupCaughtUp(`${env.prefix}.accounting.trade-events`, physicalTopic(env.prefix, Topics.tradeEvents)),
      'accounting to catch up',
      60_000,
    );
    // The relay did send copies: some events of D are on the topic twice, under the same sequence.
    const records = await consumeAll(physicalTopic(env.prefix, Topics.tradeEvents), { expected: 'to-the-end', timeoutMs: 60_000 });
    const ofD = records.filter((r) => r.key?.includes(':D-'));
    const sequences = ofD.map((r) => r.headers['outbox-seq']);
    expect(sequences.length - new Set(sequences).size).toBeGreaterThan(0);
    expect(await entries('D')).toBe(400);
    expect(
      await count(
        env.db,
        `SELECT count(*) AS n FROM (SELECT trade_ref FROM accounting.journal_entries WHERE trade_ref LIKE 'FO-EQ:D-%' GROUP BY trade_ref HAVING count(*) > 1) x`,
      ),
    ).toBe(0);
  });

  it('capture killed from outside at an arbitrary moment: totals are exact after restart', async () => {
    const msgs = trades('C', 2000);
    const publishing = publish(env.brokers, env.prefix, Topics.tradesExecuted, msgs, 200);
    await waitUntil(async () => (await captured('C')) > 100, 'capture to be under way', 60_000, 20);
    await env.stack.kill('capture');
    await publishing;
    const atKill = await captured('C');
    expect(atKill).toBeLessThan(2000);

    env.stack.start('capture');
    await env.stack.waitHealthy('capture');
    await waitUntil(async () => (await captured('C')) === 2000, '2000 captured trades', 120_000);
    await waitUntil(async () => (await entries('C')) === 2000, '2000 trade-date entries', 120_000);
    await waitUntil(
      () => groupCaughtUp(`${env.prefix}.capture.trades-executed`, physicalTopic(env.prefix, Topics.tradesExecuted)),
      'capture to catch up',
      60_000,
    );
    expect(await captured('C')).toBe(2000);
    expect(await entries('C')).toBe(2000);
  });
});
