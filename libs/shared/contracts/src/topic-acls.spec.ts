import { describe, expect, it } from '@jest/globals';
import { catalogueAcls, cataloguePrincipals, type KafkaAcl } from './topic-acls.js';
import { TOPIC_CATALOGUE, Topics, type TopicCatalogue } from './topics.js';

const catalogue: TopicCatalogue = {
  defaults: { replicationFactor: 1, retentionMs: 1, dlqPartitions: 1, dlqRetentionMs: 1 },
  topics: [
    { name: 'trade.events.v1', partitions: 6, keyedBy: 'trade', producers: ['capture'], consumers: ['settlement', 'accounting'] },
    { name: 'custodian.status.v1', partitions: 6, keyedBy: 'trade', producers: ['market-sim'], consumers: ['settlement'] },
  ],
};
const line = (a: KafkaAcl) => `${a.principal} ${a.operation} ${a.resourceType}:${a.patternType}:${a.resourceName}`;

describe('ACLs derived from the topic catalogue', () => {
  it('a producer writes its topic, a consumer reads it and writes its .dlq, each uses its own groups; the gateway replays, reporting counts', () => {
    expect(catalogueAcls(catalogue, { topicPrefix: 'prod', groupPrefix: 'postera' }).map(line).sort()).toEqual(
      [
        'User:capture WRITE TOPIC:LITERAL:prod.trade.events.v1',
        'User:settlement READ TOPIC:LITERAL:prod.trade.events.v1',
        'User:settlement WRITE TOPIC:LITERAL:prod.trade.events.v1.dlq',
        'User:accounting READ TOPIC:LITERAL:prod.trade.events.v1',
        'User:accounting WRITE TOPIC:LITERAL:prod.trade.events.v1.dlq',
        'User:gateway READ TOPIC:LITERAL:prod.trade.events.v1.dlq',
        'User:reporting READ TOPIC:LITERAL:prod.trade.events.v1.dlq',
        'User:gateway WRITE TOPIC:LITERAL:prod.trade.events.v1',
        'User:market-sim WRITE TOPIC:LITERAL:prod.custodian.status.v1',
        'User:settlement READ TOPIC:LITERAL:prod.custodian.status.v1',
        'User:settlement WRITE TOPIC:LITERAL:prod.custodian.status.v1.dlq',
        'User:gateway READ TOPIC:LITERAL:prod.custodian.status.v1.dlq',
        'User:reporting READ TOPIC:LITERAL:prod.custodian.status.v1.dlq',
        'User:gateway WRITE TOPIC:LITERAL:prod.custodian.status.v1',
        'User:settlement READ GROUP:PREFIXED:postera.settlement.',
        'User:accounting READ GROUP:PREFIXED:postera.accounting.',
        'User:gateway READ GROUP:PREFIXED:postera.gateway.',
        'User:reporting READ GROUP:PREFIXED:postera.reporting.',
      ].sort(),
    );
  });

  it('without a topic prefix the rules name the catalogue’s own topics', () => {
    const names = new Set(catalogueAcls(catalogue, { topicPrefix: '', groupPrefix: 'postera' }).map((a) => a.resourceName));
    expect(names).toContain('trade.events.v1');
    expect(names).toContain('trade.events.v1.dlq');
  });

  it('nothing beyond the catalogue: no wildcard, no prefixed topic, no cluster or delete right', () => {
    const acls = catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: '', groupPrefix: 'postera' });
    expect(acls.filter((a) => a.resourceName === '*' || (a.resourceType === 'TOPIC' && a.patternType !== 'LITERAL'))).toEqual([]);
    expect(new Set(acls.map((a) => a.operation))).toEqual(new Set(['READ', 'WRITE']));
  });

  it('on the real catalogue: only settlement writes custodian instructions, only the custodian (and the replayer) its status', () => {
    const acls = catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: '', groupPrefix: 'postera' });
    const writers = (topic: string) =>
      acls
        .filter((a) => a.resourceName === topic && a.operation === 'WRITE')
        .map((a) => a.principal)
        .sort();
    expect(writers(Topics.custodianInstructions)).toEqual(['User:gateway', 'User:settlement']);
    expect(writers(Topics.custodianStatus)).toEqual(['User:gateway', 'User:market-sim']);
    expect(writers(Topics.refdataAccounts)).toEqual(['User:capture', 'User:gateway']);
  });

  it('on the real catalogue: notification reads what it consumes and nothing of accounting', () => {
    const reads = catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: '', groupPrefix: 'postera' })
      .filter((a) => a.principal === 'User:notification' && a.resourceType === 'TOPIC' && a.operation === 'READ')
      .map((a) => a.resourceName)
      .sort();
    expect(reads).toEqual([Topics.businessDay, Topics.refdataAccounts, Topics.refdataCalendars, Topics.refdataInstruments, Topics.settlementEvents, Topics.tradeEvents].sort());
  });

  it('on the real catalogue: reporting reads capture’s intake and the notifications sent, besides the trade, settlement and accounting events, and every .dlq', () => {
    const acls = catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: '', groupPrefix: 'postera' }).filter((a) => a.principal === 'User:reporting');
    const names = (operation: string) =>
      acls
        .filter((a) => a.resourceType === 'TOPIC' && a.operation === operation && (operation === 'WRITE' || !a.resourceName.endsWith('.dlq')))
        .map((a) => a.resourceName)
        .sort();
    expect(names('READ')).toEqual(
      [
        Topics.accountingEvents,
        Topics.businessDay,
        Topics.captureIntake,
        Topics.notificationEvents,
        Topics.refdataAccounts,
        Topics.refdataCalendars,
        Topics.refdataInstruments,
        Topics.refdataParties,
        Topics.settlementEvents,
        Topics.tradeEvents,
      ].sort(),
    );
    // It counts the dead letters of every topic of the catalogue (the activity report).
    const dlqReads = acls.filter((a) => a.resourceType === 'TOPIC' && a.operation === 'READ' && a.resourceName.endsWith('.dlq')).map((a) => a.resourceName);
    expect(dlqReads.sort()).toEqual(TOPIC_CATALOGUE.topics.map((t) => `${t.name}.dlq`).sort());
    // A reader may park what it cannot handle on the topic's .dlq; it writes nothing else but its own reports.
    expect(names('WRITE')).toContain(`${Topics.notificationEvents}.dlq`);
    expect(names('WRITE').filter((t) => !t.endsWith('.dlq'))).toEqual([Topics.reportingEvents]);
  });

  it('every topic has a producer, and the principals are the services, the custodian stand-in and upstream', () => {
    expect(TOPIC_CATALOGUE.topics.filter((t) => t.producers.length === 0)).toEqual([]);
    expect(cataloguePrincipals(TOPIC_CATALOGUE)).toEqual([
      'accounting',
      'capture',
      'gateway',
      'market-sim',
      'notification',
      'reporting',
      'settlement',
      'upstream',
    ]);
  });
});
