import { describe, expect, it } from '@jest/globals';
import { isTransientInfrastructureError } from './batch-consumer.js';

describe('which failures wait out an outage instead of going to the DLQ', () => {
  it.each([
    [{ code: '08006' }, 'connection failure'],
    [{ code: '57P01' }, 'admin shutdown'],
    [{ code: '40001' }, 'serialization failure'],
    [{ code: '40P01' }, 'deadlock'],
    [{ driverError: { code: '08001' } }, 'TypeORM QueryFailedError wrapping a connection error'],
    [{ code: 'ECONNREFUSED' }, 'server down'],
    [new Error('Connection terminated unexpectedly'), 'socket closed'],
  ] as Array<[unknown, string]>)('%p (%s) is transient', (e) => {
    expect(isTransientInfrastructureError(e)).toBe(true);
  });
  it.each([
    [{ code: '23505' }, 'unique violation'],
    [{ code: '22P02' }, 'invalid text representation'],
    [new Error('assertion failed: entry does not balance'), 'a bug'],
    [new TypeError("Cannot read properties of undefined (reading 'payload')"), 'a malformed event'],
  ] as Array<[unknown, string]>)('%p (%s) is the message’s own problem', (e) => {
    expect(isTransientInfrastructureError(e)).toBe(false);
  });
});
