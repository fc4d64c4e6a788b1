import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The topics both former consumers read (physical names: with or without a topic prefix). */
const SHARED = `'(^|\\.)(trade|settlement)\\.events\\.v1$'`;
const FORMER = `('reporting.activity', 'reporting.records')`;

/**
 * reporting.activity and reporting.records both read trade.events.v1 and settlement.events.v1; they
 * become one consumer, reporting.trade-lifecycle (the activity consumer's topics, both projections
 * in one transaction), and reporting.refdata (the records consumer's referential topics). The new
 * groups start from the beginning of the logs; their positions, copied here, decide what is applied:
 *
 * - on the shared topics, the lower of the two former positions (where both consumers had one), so
 *   that neither projection misses what its former consumer had not applied yet; each former
 *   position is kept in trade_lifecycle_handover, and the merged consumer gives a projection only
 *   the records past its own (src/lifecycle/handover.ts): nothing is applied twice, which matters to
 *   the activity's counters (amendments, journal entries), not upserts;
 * - on the activity's other topics and on the referential, the former consumer's position as it is;
 * - the inbox (what positions cannot judge: a partition with no position yet, a dead letter put
 *   back) is copied from the activity consumer, whose counters a second application would change,
 *   and from the records consumer for the referential.
 * The former rows are left as they were, for down().
 */
export class ReportingOneTradeLifecycleConsumer1797400000000 implements MigrationInterface {
  name = 'ReportingOneTradeLifecycleConsumer1797400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reporting.trade_lifecycle_handover (
      slice text NOT NULL CHECK (slice IN ('activity', 'records')),
      topic text NOT NULL,
      partition int NOT NULL,
      next_offset bigint NOT NULL,
      publications jsonb NOT NULL,
      PRIMARY KEY (slice, topic, partition)
    )`);
    await q.query(
      `INSERT INTO reporting.trade_lifecycle_handover (slice, topic, partition, next_offset, publications)
       SELECT CASE consumer_id WHEN 'reporting.activity' THEN 'activity' ELSE 'records' END, topic, partition, next_offset, publications
       FROM reporting.consumer_positions WHERE consumer_id IN ${FORMER} AND topic ~ ${SHARED} AND next_offset >= 0`,
    );
    // The lower position with its own publication marks: the marks of the consumer that applied less.
    await q.query(
      `INSERT INTO reporting.consumer_positions (consumer_id, topic, partition, next_offset, publications)
       SELECT DISTINCT ON (p.topic, p.partition) 'reporting.trade-lifecycle', p.topic, p.partition, p.next_offset, p.publications
       FROM reporting.consumer_positions p
       WHERE p.consumer_id IN ${FORMER} AND p.topic ~ ${SHARED}
         AND (SELECT count(*) FROM reporting.consumer_positions o WHERE o.consumer_id IN ${FORMER} AND o.topic = p.topic AND o.partition = p.partition) = 2
       ORDER BY p.topic, p.partition, p.next_offset`,
    );
    await q.query(
      `INSERT INTO reporting.consumer_positions (consumer_id, topic, partition, next_offset, publications)
       SELECT CASE consumer_id WHEN 'reporting.activity' THEN 'reporting.trade-lifecycle' ELSE 'reporting.refdata' END, topic, partition, next_offset, publications
       FROM reporting.consumer_positions WHERE consumer_id IN ${FORMER} AND topic !~ ${SHARED}`,
    );
    await q.query(
      `INSERT INTO reporting.inbox (consumer_id, message_id, received_at)
       SELECT CASE consumer_id WHEN 'reporting.activity' THEN 'reporting.trade-lifecycle' ELSE 'reporting.refdata' END, message_id, received_at
       FROM reporting.inbox WHERE consumer_id IN ${FORMER}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM reporting.inbox WHERE consumer_id IN ('reporting.trade-lifecycle', 'reporting.refdata')`);
    await q.query(`DELETE FROM reporting.consumer_positions WHERE consumer_id IN ('reporting.trade-lifecycle', 'reporting.refdata')`);
    await q.query(`DROP TABLE reporting.trade_lifecycle_handover`);
  }
}
