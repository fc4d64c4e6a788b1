import { createRequire } from 'node:module';

/** What the mend reads of kafkajs's per-connection request queue (not in its published types). */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: RequestQueueInternals & { [MENDED]?: true };
}

const MENDED = Symbol.for('postera.kafkajs.requestQueue.idleCheckMended');

/**
 * kafkajs 2.2.4 keeps every broker connection busy while it is idle (tulios/kafkajs#1556, #1604,
 * #1704, unfixed upstream). After each response the connection's request queue schedules a check
 * of its pending requests at `throttledUntil - now`; with no throttle that is negative, a 1 ms
 * timer, whose check schedules the next one — about a thousand wake-ups a second per connection,
 * for a check that finds nothing. Measured here: 1,600 event-loop turns a second in an idle
 * gateway, and 3.3–4.4 % of a core for each idle service (a third of a core for the stack).
 *
 * The mend skips only that case: nothing pending and no throttle running. Every other case goes to
 * kafkajs's own schedule unchanged: a request queued later schedules its own check (`push`), a
 * throttle still running gets its check at the throttle's end, and a pending request under a
 * marginal throttle keeps kafkajs's 10 ms retry (their fix for #1532). Applied once per process;
 * returns whether the queue is mended (false if kafkajs no longer has this method, in which case
 * kafkajs runs as shipped).
 */
export function mendIdleRequestQueueChecks(): boolean {
  let RequestQueue: RequestQueueClass;
  try {
    RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
  } catch {
    return false;
  }
  const proto = RequestQueue.prototype;
  if (proto[MENDED]) return true;
  const schedule = proto.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function') return false;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueInternals): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  proto[MENDED] = true;
  return true;
}
