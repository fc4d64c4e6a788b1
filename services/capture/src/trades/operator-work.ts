import { appendToOutbox, type BatchContext, type Log, type OutgoingEvent } from '@postera/platform';
import type { DataSource } from 'typeorm';

/**
 * An operator's action in one transaction, with the events it emits written to the outbox in that
 * same transaction — the HTTP twin of a consumer's batch context.
 */
export async function operatorWork<T>(ds: DataSource, log: Log, fn: (ctx: Pick<BatchContext, 'tx' | 'emit' | 'log'>) => Promise<T>): Promise<T> {
  return ds.transaction(async (tx) => {
    const events: OutgoingEvent[] = [];
    const result = await fn({ tx, emit: (e) => events.push(e), log });
    await appendToOutbox(tx, 'capture', events);
    return result;
  });
}
