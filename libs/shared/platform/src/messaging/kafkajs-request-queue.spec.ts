import { createRequire } from 'node:module';
import { mendIdleRequestQueueChecks } from './kafkajs-request-queue.js';

/** kafkajs's own per-connection request queue, the class the mend changes (the one its connections use). */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  checkPendingRequests(): void;
  maybeThrottle(ms: number): void;
  push(request: { entry: object; expectResponse: boolean; sendRequest: () => void }): void;
  destroy(): void;
}
type RequestQueueClass = new (o: object) => RequestQueue;
const RequestQueueClass = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const newQueue = () =>
  new RequestQueueClass({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'b:9092',
    logger: silent,
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many times the queue checks its pending requests over `ms`, starting with the check a response triggers. */
async function checksOver(queue: RequestQueue, ms: number): Promise<number> {
  let checks = 0;
  const check = queue.checkPendingRequests.bind(queue);
  queue.checkPendingRequests = () => {
    checks++;
    check();
  };
  queue.checkPendingRequests();
  await sleep(ms);
  return checks;
}

describe('kafkajs request queue: an idle broker connection stays idle (tulios/kafkajs#1556)', () => {
  const queues: RequestQueue[] = [];
  const queue = () => {
    const q = newQueue();
    queues.push(q);
    return q;
  };
  beforeAll(() => expect(mendIdleRequestQueueChecks()).toBe(true));
  afterEach(() => queues.splice(0).forEach((q) => q.destroy()));

  it('is mended once: a second call leaves the same schedule in place', () => {
    const proto = RequestQueueClass.prototype as unknown as { scheduleCheckPendingRequests: unknown };
    const mended = proto.scheduleCheckPendingRequests;
    expect(mendIdleRequestQueueChecks()).toBe(true);
    expect(proto.scheduleCheckPendingRequests).toBe(mended);
  });

  it('after a response with nothing pending and no throttle, schedules no further check (kafkajs alone re-checks every millisecond)', async () => {
    const q = queue();
    // The check every response triggers (fulfillRequest), then 100 ms of idle connection.
    expect(await checksOver(q, 100)).toBe(1);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('a throttle still running gets its check at its end, then none', async () => {
    const q = queue();
    q.maybeThrottle(40);
    // The response's check, then the one at the throttle's end. A timer may wake a millisecond
    // before Date.now() reaches that end, and kafkajs then looks once more: a few, never a stream.
    const checks = await checksOver(q, 120);
    expect(checks).toBeGreaterThanOrEqual(2);
    expect(checks).toBeLessThanOrEqual(4);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('a request queued under a throttle is sent once the throttle ends, not before', async () => {
    const q = queue();
    q.maybeThrottle(40);
    const sent: number[] = [];
    const throttledUntil = q.throttledUntil;
    q.push({
      entry: { correlationId: 7, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => undefined, reject: () => undefined },
      expectResponse: false,
      sendRequest: () => sent.push(Date.now()),
    });
    expect(sent).toHaveLength(0);
    expect(q.pending).toHaveLength(1);
    await sleep(100);
    expect(sent).toHaveLength(1);
    expect(sent[0]!).toBeGreaterThanOrEqual(throttledUntil);
    expect(q.pending).toHaveLength(0);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });
});
