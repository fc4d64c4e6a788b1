import { describe, expect, it } from '@jest/globals';
import { TOPIC_CATALOGUE, Topics } from './topics.js';

/** Postera's own services: the principals that read packed records apart. The simulated CSD stands in for an outside party. */
const SERVICES = new Set(['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway']);

describe('the topics whose records may carry several keys', () => {
  const across = TOPIC_CATALOGUE.topics.filter((t) => t.packsAcrossKeys);

  it('are the services’ own event topics', () => {
    expect(across.map((t) => t.name).sort()).toEqual(
      [Topics.tradeEvents, Topics.captureIntake, Topics.settlementEvents, Topics.accountingEvents, Topics.reportingEvents, Topics.notificationEvents].sort(),
    );
  });

  it('are never compacted (a compacted topic refuses a record without a key), and only services write and read them', () => {
    for (const t of across) {
      expect([t.name, t.compacted ?? false]).toEqual([t.name, false]);
      for (const principal of [...t.producers, ...t.consumers]) expect([t.name, principal, SERVICES.has(principal)]).toEqual([t.name, principal, true]);
    }
  });
});
