import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables every service keeps for the messaging guarantees, in its own schema: the outbox
 * (events written in the business transaction), the inbox (what was already consumed), the
 * business day it follows. A service's first migration calls this; its SQL is frozen — a change
 * goes into a new migration, never here.
 */
export function platformTablesUp(schema: string): string[] {
  return [
    `CREATE TABLE ${schema}.outbox (
      id bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      topic text NOT NULL,
      message_key text,
      value text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    // One notification per inserting statement wakes the relay without polling.
    `CREATE FUNCTION ${schema}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${schema}_outbox', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${schema}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.outbox_notify()`,
    `CREATE TABLE ${schema}.inbox (
      consumer_id text NOT NULL,
      message_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer_id, message_id)
    )`,
    `CREATE TABLE ${schema}.business_day (
      calendar text PRIMARY KEY,
      business_date date NOT NULL,
      status text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ];
}

export function platformTablesDown(schema: string): string[] {
  return [`DROP TABLE ${schema}.business_day`, `DROP TABLE ${schema}.inbox`, `DROP TABLE ${schema}.outbox`, `DROP FUNCTION ${schema}.outbox_notify()`];
}

/**
 * A second platform migration, the same for every service: the outbox's parking table. An event the
 * broker refuses for itself (larger than the topic's max.message.bytes, a record it cannot store) is
 * moved there by the relay, with the broker's answer, instead of blocking every event behind it
 * forever; the metric postera_outbox_parked_total counts them. An operator republishes a row once
 * the topic accepts it (docs/operations.md, the runbook of a parked outbox event).
 */
export function outboxParkedMigration(schema: string): new () => MigrationInterface {
  return class PlatformOutboxParked1796100000000 implements MigrationInterface {
    name = 'PlatformOutboxParked1796100000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE TABLE ${schema}.outbox_parked (
        id bigint PRIMARY KEY,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        message_key text,
        value text NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now(),
        refusal text NOT NULL
      )`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE ${schema}.outbox_parked`);
    }
  };
}
