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

/**
 * The messaging tables of exactly-once by position, the same for every service:
 *
 * - `consumer_positions`: per consumer, topic and partition, the next offset to apply and, per
 *   outbox publishing to that partition, the last publication sequence applied. A batch's
 *   transaction locks its partition's row first (a zombie member waits there, then sees the
 *   position moved and skips what the live member applied), and moves it before COMMIT: one row
 *   updated per batch instead of one inbox row inserted per message. `applied` counts the
 *   messages applied there, once each.
 * - The outbox becomes append-only. Ids are taken in commit order: a BEFORE INSERT statement
 *   trigger takes a transaction-level advisory lock, held until the writer's COMMIT, so no row can
 *   become visible behind one the relay has already read. The relay publishes after `outbox_cursor`
 *   and moves it (one row updated per pass instead of a DELETE per event); each record carries its
 *   id as the publication sequence (`seq`) with the outbox's `epoch`, and a consumer drops a
 *   record whose sequence it has already applied: what a relay sends again after a crash.
 * - `outbox_rotate()` empties the published outbox with TRUNCATE (no per-row delete, no vacuum)
 *   when nothing is left to publish and no writer is between its insert and its COMMIT. It runs
 *   with its owner's rights: the service's runtime role may call it, not TRUNCATE anything itself.
 * - `outbox_pending`: what is still to publish.
 * - An event id may now appear twice in the outbox (an operator republishing a parked event).
 * - `inbox_regime.ended_at`: when positions replaced the inbox. A record older than that may have
 *   been applied while the inbox recorded every message; consumers look it up there.
 *
 * The cursor starts before the oldest row left in the outbox: the rows there were not published
 * yet (the relay deleted what it published).
 */
export function publicationOrderMigration(schema: string): new () => MigrationInterface {
  return class PlatformPublicationOrder1797300000000 implements MigrationInterface {
    name = 'PlatformPublicationOrder1797300000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE TABLE ${schema}.consumer_positions (
        consumer_id text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        next_offset bigint NOT NULL,
        publications jsonb NOT NULL DEFAULT '{}'::jsonb,
        applied bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_id, topic, partition)
      )`);
      await q.query(`CREATE TABLE ${schema}.inbox_regime (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        ended_at timestamptz NOT NULL DEFAULT now()
      )`);
      await q.query(`INSERT INTO ${schema}.inbox_regime DEFAULT VALUES`);
      await q.query(`CREATE TABLE ${schema}.outbox_cursor (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        epoch uuid NOT NULL DEFAULT gen_random_uuid(),
        published_id bigint NOT NULL,
        rotated_at timestamptz
      )`);
      await q.query(
        `INSERT INTO ${schema}.outbox_cursor (published_id)
         SELECT coalesce((SELECT min(id) - 1 FROM ${schema}.outbox),
                         (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM ${schema}.outbox_id_seq))`,
      );
      await q.query(`ALTER TABLE ${schema}.outbox DROP CONSTRAINT outbox_event_id_key`);
      await q.query(`CREATE FUNCTION ${schema}.outbox_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_advisory_xact_lock(hashtext('${schema}.outbox-order')); RETURN NULL; END $$`);
      await q.query(`CREATE TRIGGER outbox_order BEFORE INSERT ON ${schema}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.outbox_order()`);
      await q.query(`CREATE VIEW ${schema}.outbox_pending AS
        SELECT o.* FROM ${schema}.outbox o WHERE o.id > (SELECT published_id FROM ${schema}.outbox_cursor)`);
      await q.query(`CREATE FUNCTION ${schema}.outbox_rotate() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
          BEGIN
            LOCK TABLE ${schema}.outbox IN ACCESS EXCLUSIVE MODE NOWAIT;
          EXCEPTION WHEN lock_not_available THEN
            RETURN false;
          END;
          IF EXISTS (SELECT 1 FROM ${schema}.outbox WHERE id > (SELECT published_id FROM ${schema}.outbox_cursor)) THEN
            RETURN false;
          END IF;
          TRUNCATE ${schema}.outbox;
          UPDATE ${schema}.outbox_cursor SET rotated_at = now();
          RETURN true;
        END $$`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP FUNCTION ${schema}.outbox_rotate()`);
      await q.query(`DROP VIEW ${schema}.outbox_pending`);
      await q.query(`DELETE FROM ${schema}.outbox WHERE id <= (SELECT published_id FROM ${schema}.outbox_cursor)`);
      await q.query(`DROP TRIGGER outbox_order ON ${schema}.outbox`);
      await q.query(`DROP FUNCTION ${schema}.outbox_order()`);
      await q.query(`ALTER TABLE ${schema}.outbox ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id)`);
      await q.query(`DROP TABLE ${schema}.outbox_cursor`);
      await q.query(`DROP TABLE ${schema}.consumer_positions`);
      await q.query(`DROP TABLE ${schema}.inbox_regime`);
    }
  };
}
