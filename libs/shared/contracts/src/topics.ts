import { readFileSync } from 'node:fs';

/** The topic catalogue lives in topics.json so that the broker script (plain node) and the code read one list. */
export interface TopicSpec {
  name: string;
  partitions: number;
  keyedBy: string;
  compacted?: boolean;
  /**
   * The topic's max.message.bytes, when one event may exceed the broker's default (1 MiB): a
   * custodian's daily statement of a busy account (camt.053, one entry per movement) does.
   */
  maxMessageBytes?: number;
  /**
   * The relay may pack the events of several keys bound for one partition into one record
   * (packed-records.ts): only on a topic that services alone write and read, never compacted,
   * whose readers all cut packed records apart.
   */
  packsAcrossKeys?: boolean;
  /** The Kafka principals that write the topic (one per service; `upstream` for feeds from outside). */
  producers: string[];
  /** The principals whose consumer groups read it; each may also write its `.dlq`. */
  consumers: string[];
}
export interface TopicCatalogue {
  defaults: { replicationFactor: number; retentionMs: number; dlqPartitions: number; dlqRetentionMs: number };
  topics: TopicSpec[];
}

export const TOPIC_CATALOGUE: TopicCatalogue = JSON.parse(readFileSync(new URL('../topics.json', import.meta.url), 'utf8')) as TopicCatalogue;

export const Topics = {
  tradesExecuted: 'trades.executed.v1',
  confirmationsReceived: 'confirmations.received.v1',
  tradeEvents: 'trade.events.v1',
  captureIntake: 'capture.intake.v1',
  custodianInstructions: 'custodian.instructions.v1',
  custodianStatus: 'custodian.status.v1',
  custodianStatements: 'custodian.statements.v1',
  settlementEvents: 'settlement.events.v1',
  accountingEvents: 'accounting.events.v1',
  reportingEvents: 'reporting.events.v1',
  notificationEvents: 'notification.events.v1',
  fxRates: 'marketdata.fx-rates.v1',
  prices: 'marketdata.prices.v1',
  businessDay: 'ops.business-day.v1',
  refdataInstruments: 'refdata.instruments.v1',
  refdataParties: 'refdata.parties.v1',
  refdataAccounts: 'refdata.accounts.v1',
  refdataSsis: 'refdata.ssis.v1',
  refdataCalendars: 'refdata.calendars.v1',
} as const;
export type TopicName = (typeof Topics)[keyof typeof Topics];

export const dlqTopic = (topic: string): string => `${topic}.dlq`;

/**
 * Every topic name goes through here: an optional prefix (TOPIC_PREFIX) lets several
 * environments, or one test run, share a cluster without seeing each other's messages.
 */
export function physicalTopic(prefix: string, topic: string): string {
  return prefix ? `${prefix}.${topic}` : topic;
}
