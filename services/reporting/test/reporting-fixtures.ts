import { dlqTopic, envelope, physicalTopic, Topics, type EventEnvelope, type InstructionStatusChangedV1, type TradeEconomics } from '@postera/contracts';
import { leiWithCheckDigits } from '@postera/kernel';
import { PEOPLE } from '@postera/devstack';
import { eventHeaders, type Person } from '@postera/platform';
import { businessDay, instructionStatusChanged, produceRaw, tradeCaptured, tradeConfirmed, tradeEconomics, tradeValidated, waitFor } from '@postera/testing';
import { count, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// Hand-built events for reporting's integration tests, in the shapes of @postera/contracts.
export const FIRM_LEI = '969500POSTERAFR00003';
export const LEI_DE = leiWithCheckDigits('5299000DEUTSCHECP0');
export const LEI_FR = leiWithCheckDigits('969500FRANCECPTY00');
export const LEI_US = leiWithCheckDigits('5493000USBROKERCP0');

/** Reporting's trade unless said: buy 100 TotalEnergies at 58.50 EUR without fees (gross = net 5850.00), from client CL-0001 with Deutsche as counterparty. */
export const trade = (ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics =>
  tradeEconomics(ref, {
    quantity: '100',
    price: '58.50',
    grossAmount: '5850.00',
    feesAmount: '0.00',
    netAmount: '5850.00',
    fees: [],
    account: 'CLI-0001',
    counterparty: LEI_DE,
    clientId: 'CL-0001',
    ...o,
  });

export const ev = (type: string, correlationId: string, payload: unknown, producer = 'capture') => envelope({ type, producer, correlationId, causationId: null, payload });
export { tradeCaptured as captured, tradeConfirmed as confirmed, tradeValidated as validated };

/** The trade's instruction under reporting's own id (`ins-` and the trade id): settled statuses carry the whole trade unless said. */
export const instruction = (
  t: TradeEconomics,
  status: InstructionStatusChangedV1['status'],
  o: Partial<InstructionStatusChangedV1> = {},
): EventEnvelope<InstructionStatusChangedV1> => instructionStatusChanged(t, status, { instructionId: `ins-${t.tradeId}`, ...o });

/** Publishes with the headers the outbox writes, and waits until reporting's consumer of the topic has committed everything. */
export async function publishTo(env: E2eEnv, topic: string, ...events: EventEnvelope[]): Promise<void> {
  await produceRaw(
    env.prefix,
    topic,
    events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e), headers: eventHeaders(e) })),
  );
  // One group per topic: the referential's, or the trade lifecycle's (both projections in one transaction).
  const group = topic.startsWith('refdata.') ? 'reporting.refdata' : 'reporting.trade-lifecycle';
  await waitFor(() => groupCaughtUp(`${env.prefix}.${group}`, physicalTopic(env.prefix, topic)), { timeoutMs: 30_000, what: `${group} to consume ${topic}` });
}

/** Opens and closes a business day, and waits for the activity report that the close files. */
export async function closeDay(env: E2eEnv, businessDate: string): Promise<void> {
  await produceRaw(env.prefix, Topics.businessDay, [
    { key: 'TARGET', value: JSON.stringify(businessDay('BusinessDayOpened', businessDate)) },
    { key: 'TARGET', value: JSON.stringify(businessDay('BusinessDayClosed', businessDate)) },
  ]);
  await waitFor(
    async () => (await count(env.db, `SELECT count(*) AS n FROM reporting.report_runs WHERE kind = 'ACTIVITY' AND period_start = $1`, [businessDate])) >= 1,
    { timeoutMs: 30_000, what: `the close of ${businessDate}` },
  );
}

export async function fileOf(env: E2eEnv, kind: string, period: string, suffix: string, version = 1): Promise<Buffer> {
  const { rows } = await env.db.query(
    `SELECT f.content FROM reporting.report_files f JOIN reporting.report_runs r USING (run_id)
     WHERE r.kind = $1 AND r.period_start = $2 AND r.version = $3 AND f.name LIKE '%' || $4`,
    [kind, period, version, suffix],
  );
  if (rows.length !== 1) throw new Error(`expected one ${suffix} file of ${kind} ${period} v${version}, found ${rows.length}`);
  return (rows[0] as { content: Buffer }).content;
}

/** A call to reporting as the gateway would make it for `who` (a token bound to this method and path). */
export async function callReporting(env: E2eEnv, who: Person, method: string, path: string, body?: unknown): Promise<Response> {
  const url = `${env.stack.url('reporting')}${path}`;
  const auth = await env.stack.as(who, method, url);
  return fetch(url, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A read of reporting's JSON by a reader (an auditor unless told), expecting 200. */
export async function readReporting(env: E2eEnv, path: string, who: Person = PEOPLE.auditor): Promise<unknown> {
  const res = await callReporting(env, who, 'GET', path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A record parked on `<topic>.dlq` with the platform's dlq-* headers, and waits until reporting has counted it. */
export async function parkOnDlq(env: E2eEnv, topic: string, offset: string, at: string): Promise<void> {
  await produceRaw(env.prefix, dlqTopic(topic), [
    {
      key: 'FO-EQ:POISON',
      value: '{"not":"an envelope"}',
      headers: {
        'dlq-error': 'envelope: eventId: not a uuid',
        'dlq-attempts': '4',
        'dlq-consumer': 'settlement.trade-events',
        'dlq-original-topic': physicalTopic(env.prefix, topic),
        'dlq-original-partition': '0',
        'dlq-original-offset': offset,
        'dlq-at': at,
      },
    },
  ]);
  await waitFor(() => groupCaughtUp(`${env.prefix}.reporting.dead-letters`, physicalTopic(env.prefix, dlqTopic(topic))), {
    timeoutMs: 30_000,
    what: `reporting.dead-letters to count ${dlqTopic(topic)}`,
  });
}
