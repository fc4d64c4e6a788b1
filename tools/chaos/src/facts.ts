/**
 * What the checker judges, fetched once the run is quiet: figures from each service's schema (SQL),
 * the dead letters from Kafka, and the mails the SMTP sink received. No verdict here (checker.ts).
 */
import { dlqTopic, physicalTopic } from '@postera/contracts';
import { kafkaClient } from '@postera/devstack';
import type pg from 'pg';
import type { ReceivedMail } from './mail-sink.js';

export interface InjectedRecord {
  topic: string; // logical name
  partition: number;
  offset: string;
  key: string;
  value: string;
  at: string;
  variant: string;
  n: number;
}

export interface DlqRecord {
  dlqTopic: string;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  consumer: string;
  key: string;
  value: string;
}

export interface CaptureFacts {
  trades: number;
  distinctTrades: number;
  capturedTwice: string[];
  validated: number;
  receiptsCaptured: number;
  receiptsDuplicate: number;
  receiptsException: number;
  inputExceptions: number;
  inputExceptionOffsets: string[]; // "partition/offset" on trades.executed
  clientTrades: number;
}

export interface SettlementFacts {
  instructions: number;
  instructedTrades: number;
  liveTwice: string[];
  byStatus: Record<string, number>;
  settledTwice: string[];
  /** Instructions whose status or settled quantity differs from what the simulated CSD decided. */
  disagreeWithCsd: Array<{ instructionId: string; ours: string; csd: string }>;
  csdStepsNotAddingUp: string[];
  settledSteps: number;
}

export interface AccountingFacts {
  entries: number;
  byKind: Record<string, number>;
  causeDoubles: number;
  tradeDateTwice: string[];
  tradesWithoutTradeDateEntry: string[];
  /** Per trade: settlement steps settlement reported vs SETTLEMENT entries posted, where they differ. */
  settlementEntryMismatch: Array<{ tradeRef: string; steps: number; entries: number }>;
  settledTradesWithoutEntry: string[];
  unbalancedEntries: Array<{ entryId: string; currency: string; debit: string; credit: string }>;
  perCurrency: Array<{ currency: string; debit: string; credit: string }>;
  /** Position tables against the journal: cost against the securities accounts, realized P&L against 767/667. */
  positionsVsJournal: Array<{ book: string; currency: string; what: 'cost' | 'realized'; table: string; journal: string }>;
  positionsChecked: number;
  parked: number;
  /** FX: the foreign-currency balance-sheet movements per book, currency and accounting date, and the FX result booked per book and currency (766000 − 666000). */
  fx: { movements: FxMovement[]; booked: Array<{ book: string; currency: string; result: string }> };
}

export interface FxMovement {
  book: string;
  currency: string;
  date: string;
  amount: string;
}

export interface NotificationFacts {
  avisNotices: number;
  avisTwice: string[];
  clientTradesWithoutAvis: string[];
  emailDeliveries: number;
  byStatus: Record<string, number>;
  /** Daily digest mails by status (a digest carries a DAILY client's deliveries of a business day). */
  digestsByStatus: Record<string, number>;
  /** Deliveries of DAILY clients held for a close that has not come yet (owed at the next close). */
  heldForNextClose: number;
  /** Of those, avis d'opéré (routed after the last close: notification was down or behind at the closes). */
  avisHeldForNextClose: number;
  mails: number;
  /** Deliveries for which two different Message-IDs arrived: a real double. */
  distinctMessageIdsTwice: Array<{ notificationId: string; messageIds: string[] }>;
  /** Mails that arrived again with the same Message-ID (a kill between the send and its commit). */
  sameMessageIdRepeats: number;
  sentWithoutMail: string[];
  mailsWithoutDelivery: number;
  webhookDeliveries: number;
  webhooksReceived: number;
  webhookSentWithoutReceipt: string[];
  webhookReceiptsOfNoDelivery: number;
  /** The same delivery POSTed again (a kill between the POST and its commit): same body, the client dedups on notificationId. */
  webhookRepeats: number;
}

export interface Facts {
  capture: CaptureFacts;
  settlement: SettlementFacts;
  accounting: AccountingFacts;
  notification: NotificationFacts;
  dlq: DlqRecord[];
  consumersByTopic: Record<string, string[]>;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);

async function rows<T = Row>(db: pg.Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}
async function one(db: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const r = await rows<{ n: unknown }>(db, sql, params);
  return num(r[0]?.n);
}
const list = async (db: pg.Pool, sql: string, params: unknown[] = []) => (await rows<{ id: string }>(db, sql, params)).map((r) => String(r.id));

export async function captureFacts(db: pg.Pool, prefix: string): Promise<CaptureFacts> {
  const executed = physicalTopic(prefix, 'trades.executed.v1');
  const receipts = await rows<{ outcome: string; n: string }>(
    db,
    `SELECT outcome, count(*) AS n FROM capture.receipts WHERE topic = 'trades.executed.v1' GROUP BY outcome`,
  );
  const receipt = (o: string) => num(receipts.find((r) => r.outcome === o)?.n);
  return {
    trades: await one(db, `SELECT count(*) AS n FROM capture.trades`),
    distinctTrades: await one(db, `SELECT count(DISTINCT trade_ref) AS n FROM capture.trades`),
    capturedTwice: await list(
      db,
      `SELECT trade_ref AS id FROM capture.trade_history WHERE event_type = 'TradeCaptured' GROUP BY trade_ref HAVING count(*) > 1 LIMIT 50`,
    ),
    validated: await one(db, `SELECT count(*) AS n FROM capture.trades WHERE validated_how IS NOT NULL`),
    receiptsCaptured: receipt('CAPTURED'),
    receiptsDuplicate: receipt('DUPLICATE'),
    receiptsException: receipt('EXCEPTION'),
    inputExceptions: await one(db, `SELECT count(*) AS n FROM capture.exceptions WHERE kind = 'INPUT'`),
    inputExceptionOffsets: await list(
      db,
      `SELECT kafka_partition || '/' || kafka_offset AS id FROM capture.exceptions WHERE kind = 'INPUT' AND topic IN ($1, 'trades.executed.v1') ORDER BY 1`,
      [executed],
    ),
    clientTrades: await one(
      db,
      `SELECT count(*) AS n FROM capture.trades t JOIN capture.accounts a ON a.account = t.account WHERE a.account_type = 'CLIENT'`,
    ),
  };
}

export async function settlementFacts(db: pg.Pool): Promise<SettlementFacts> {
  const byStatus = Object.fromEntries(
    (await rows<{ status: string; n: string }>(db, `SELECT status, count(*) AS n FROM settlement.instructions GROUP BY status`)).map((r) => [r.status, num(r.n)]),
  );
  const disagree = await rows<{ id: string; ours: string; csd: string }>(
    db,
    `SELECT coalesce(s.instruction_id, m.instruction_id)::text AS id,
            coalesce(s.status || ' ' || coalesce(s.settled_quantity, 0), 'absent') AS ours,
            coalesce(m.status || ' ' || coalesce(m.settled_quantity, 0), 'absent') AS csd
       FROM (SELECT * FROM settlement.instructions WHERE NOT is_net) s
       FULL JOIN market_sim.instructions m ON m.instruction_id = s.instruction_id
      WHERE s.instruction_id IS NULL OR m.instruction_id IS NULL
         OR NOT (s.status = m.status OR (s.status = 'PARTIALLY_SETTLED' AND m.status IN ('MATCHED', 'FAILING')))
         OR coalesce(s.settled_quantity, 0) <> coalesce(m.settled_quantity, 0)
      LIMIT 50`,
  );
  return {
    instructions: await one(db, `SELECT count(*) AS n FROM settlement.instructions`),
    instructedTrades: await one(db, `SELECT count(DISTINCT trade_ref) AS n FROM settlement.instructions`),
    liveTwice: await list(db, `SELECT trade_ref AS id FROM settlement.instructions WHERE status <> 'CANCELLED' GROUP BY trade_ref HAVING count(*) > 1 LIMIT 50`),
    byStatus,
    settledTwice: await list(
      db,
      `SELECT instruction_id::text AS id FROM settlement.instruction_history WHERE status = 'SETTLED' GROUP BY instruction_id HAVING count(*) > 1 LIMIT 50`,
    ),
    disagreeWithCsd: disagree.map((r) => ({ instructionId: r.id, ours: r.ours, csd: r.csd })),
    csdStepsNotAddingUp: await list(
      db,
      `SELECT m.instruction_id::text AS id FROM market_sim.instructions m
         LEFT JOIN (SELECT instruction_id, sum(quantity) AS q FROM market_sim.settlement_steps GROUP BY instruction_id) st ON st.instruction_id = m.instruction_id
        WHERE coalesce(st.q, 0) <> coalesce(m.settled_quantity, 0) LIMIT 50`,
    ),
    settledSteps: await one(db, `SELECT count(*) AS n FROM settlement.instruction_history WHERE status IN ('SETTLED', 'PARTIALLY_SETTLED')`),
  };
}

const SECURITIES = `('311000','312000','313000','314000','315000','316000')`;

export async function accountingFacts(db: pg.Pool): Promise<AccountingFacts> {
  const byKind = Object.fromEntries(
    (await rows<{ kind: string; n: string }>(db, `SELECT kind, count(*) AS n FROM accounting.journal_entries GROUP BY kind`)).map((r) => [r.kind, num(r.n)]),
  );
  const settlementEntryMismatch = await rows<{ trade_ref: string; steps: string; entries: string }>(
    db,
    `WITH steps AS (
       SELECT i.trade_ref, count(*) AS n FROM settlement.instruction_history h JOIN settlement.instructions i USING (instruction_id)
        WHERE h.status IN ('SETTLED', 'PARTIALLY_SETTLED') AND NOT i.is_net GROUP BY i.trade_ref),
     entries AS (SELECT trade_ref, count(*) AS n FROM accounting.journal_entries WHERE kind = 'SETTLEMENT' GROUP BY trade_ref)
     SELECT coalesce(s.trade_ref, e.trade_ref) AS trade_ref, coalesce(s.n, 0) AS steps, coalesce(e.n, 0) AS entries
       FROM steps s FULL JOIN entries e ON e.trade_ref = s.trade_ref
      WHERE coalesce(s.n, 0) <> coalesce(e.n, 0) LIMIT 50`,
  );
  const unbalanced = await rows<{ entry_id: string; currency: string; debit: string; credit: string }>(
    db,
    `SELECT entry_id::text, currency, sum(debit)::text AS debit, sum(credit)::text AS credit
       FROM accounting.journal_lines GROUP BY entry_id, currency HAVING sum(debit) <> sum(credit) LIMIT 50`,
  );
  const perCurrency = await rows<{ currency: string; debit: string; credit: string }>(
    db,
    `SELECT currency, sum(debit)::text AS debit, sum(credit)::text AS credit FROM accounting.journal_lines GROUP BY currency ORDER BY currency`,
  );
  const vs = await rows<{ book: string; currency: string; what: 'cost' | 'realized'; tbl: string; journal: string }>(
    db,
    `WITH pos AS (SELECT book, currency, sum(cost) AS cost, sum(realized) AS realized FROM accounting.positions GROUP BY book, currency),
          jr AS (SELECT book, currency,
                        sum(CASE WHEN account_code IN ${SECURITIES} THEN debit - credit ELSE 0 END) AS cost,
                        sum(CASE WHEN account_code IN ('767000', '667000') THEN credit - debit ELSE 0 END) AS realized
                   FROM accounting.journal_lines GROUP BY book, currency),
          cmp AS (SELECT coalesce(p.book, j.book) AS book, coalesce(p.currency, j.currency) AS currency,
                         coalesce(p.cost, 0) AS pcost, coalesce(j.cost, 0) AS jcost, coalesce(p.realized, 0) AS preal, coalesce(j.realized, 0) AS jreal
                    FROM pos p FULL JOIN jr j ON j.book = p.book AND j.currency = p.currency)
     SELECT book, currency, 'cost' AS what, pcost::text AS tbl, jcost::text AS journal FROM cmp WHERE pcost <> jcost
     UNION ALL
     SELECT book, currency, 'realized', preal::text, jreal::text FROM cmp WHERE preal <> jreal`,
  );
  return {
    entries: await one(db, `SELECT count(*) AS n FROM accounting.journal_entries`),
    byKind,
    causeDoubles: await one(db, `SELECT count(*) AS n FROM (SELECT 1 FROM accounting.journal_entries GROUP BY cause_event_id, kind HAVING count(*) > 1) d`),
    tradeDateTwice: await list(
      db,
      `SELECT trade_ref AS id FROM accounting.journal_entries WHERE kind = 'TRADE_DATE_COMMITMENT' GROUP BY trade_ref HAVING count(*) > 1 LIMIT 50`,
    ),
    tradesWithoutTradeDateEntry: await list(
      db,
      `SELECT t.trade_ref AS id FROM capture.trades t WHERE NOT EXISTS (
         SELECT 1 FROM accounting.journal_entries e WHERE e.trade_ref = t.trade_ref AND e.kind = 'TRADE_DATE_COMMITMENT') LIMIT 50`,
    ),
    settlementEntryMismatch: settlementEntryMismatch.map((r) => ({ tradeRef: r.trade_ref, steps: num(r.steps), entries: num(r.entries) })),
    settledTradesWithoutEntry: await list(
      db,
      `SELECT i.trade_ref AS id FROM settlement.instructions i WHERE i.status = 'SETTLED' AND NOT i.is_net AND NOT EXISTS (
         SELECT 1 FROM accounting.journal_entries e WHERE e.trade_ref = i.trade_ref AND e.kind = 'SETTLEMENT') LIMIT 50`,
    ),
    unbalancedEntries: unbalanced.map((r) => ({ entryId: r.entry_id, currency: r.currency, debit: r.debit, credit: r.credit })),
    perCurrency,
    positionsVsJournal: vs.map((r) => ({ book: r.book, currency: r.currency, what: r.what, table: r.tbl, journal: r.journal })),
    positionsChecked: await one(db, `SELECT count(*) AS n FROM accounting.positions`),
    parked: await one(db, `SELECT count(*) AS n FROM accounting.parked_settlements`),
    fx: {
      movements: await rows<FxMovement>(
        db,
        `SELECT l.book, l.currency, to_char(e.accounting_date, 'YYYY-MM-DD') AS date, sum(l.debit - l.credit)::text AS amount
           FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
          WHERE l.currency <> 'EUR' AND a.kind = 'BALANCE' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      ),
      // An FX entry's trade reference is FX:<book>:<currency>.
      booked: await rows<{ book: string; currency: string; result: string }>(
        db,
        `SELECT split_part(e.trade_ref, ':', 2) AS book, split_part(e.trade_ref, ':', 3) AS currency, sum(l.credit - l.debit)::text AS result
           FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id)
          WHERE e.kind = 'FX_REVALUATION' AND l.account_code IN ('766000', '666000') GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
    },
  };
}

export async function notificationFacts(db: pg.Pool, mails: ReceivedMail[], webhookIds: string[]): Promise<NotificationFacts> {
  const byStatus = Object.fromEntries(
    (await rows<{ status: string; channel: string; n: string }>(db, `SELECT status, channel, count(*) AS n FROM notification.notifications GROUP BY status, channel`)).map(
      (r) => [`${r.channel} ${r.status}`, num(r.n)],
    ),
  );
  const hooks = new Set((await rows<{ id: string }>(db, `SELECT notification_id::text AS id FROM notification.notifications WHERE channel = 'WEBHOOK'`)).map((r) => r.id));
  const hooksSent = await list(db, `SELECT notification_id::text AS id FROM notification.notifications WHERE channel = 'WEBHOOK' AND status = 'SENT'`);
  const received = new Set(webhookIds);
  const sent = await rows<{ id: string }>(db, `SELECT notification_id::text AS id FROM notification.notifications WHERE channel = 'EMAIL' AND status = 'SENT'`);
  const all = new Set((await rows<{ id: string }>(db, `SELECT notification_id::text AS id FROM notification.notifications WHERE channel = 'EMAIL'`)).map((r) => r.id));
  const members = new Map<string, string[]>();
  for (const r of await rows<{ digest: string; id: string }>(
    db,
    `SELECT digest_id::text AS digest, notification_id::text AS id FROM notification.notifications WHERE digest_id IS NOT NULL`,
  )) {
    const list = members.get(r.digest);
    if (list) list.push(r.id);
    else members.set(r.digest, [r.id]);
  }
  const m = mailFigures(perDelivery(mails, members));
  const digestsByStatus = Object.fromEntries(
    (await rows<{ status: string; n: string }>(db, `SELECT status, count(*) AS n FROM notification.digests GROUP BY status`)).map((r) => [r.status, num(r.n)]),
  );
  return {
    digestsByStatus,
    heldForNextClose: await one(db, `SELECT count(*) AS n FROM notification.notifications WHERE status = 'HELD' AND digest_id IS NULL`),
    avisHeldForNextClose: await one(
      db,
      `SELECT count(*) AS n FROM notification.notifications WHERE status = 'HELD' AND digest_id IS NULL AND kind = 'AVIS_OPERE'`,
    ),
    avisNotices: await one(db, `SELECT count(*) AS n FROM notification.notices WHERE kind = 'AVIS_OPERE' AND recipient_type = 'CLIENT'`),
    avisTwice: await list(
      db,
      `SELECT trade_ref AS id FROM notification.notices WHERE kind = 'AVIS_OPERE' AND recipient_type = 'CLIENT' GROUP BY trade_ref, party HAVING count(*) > 1 LIMIT 50`,
    ),
    clientTradesWithoutAvis: await list(
      db,
      `SELECT t.trade_ref AS id FROM capture.trades t JOIN capture.accounts a ON a.account = t.account
        WHERE a.account_type = 'CLIENT' AND NOT EXISTS (
          SELECT 1 FROM notification.notices n WHERE n.trade_ref = t.trade_ref AND n.kind = 'AVIS_OPERE') LIMIT 50`,
    ),
    emailDeliveries: all.size,
    byStatus,
    mails: mails.length,
    distinctMessageIdsTwice: m.distinctTwice,
    sameMessageIdRepeats: m.repeats,
    sentWithoutMail: sent.map((r) => r.id).filter((id) => !m.byNotification.has(id)).slice(0, 50),
    mailsWithoutDelivery: [...m.byNotification.keys()].filter((id) => !all.has(id)).length,
    webhookDeliveries: hooks.size,
    webhooksReceived: webhookIds.length,
    webhookSentWithoutReceipt: hooksSent.filter((id) => !received.has(id)).slice(0, 50),
    webhookReceiptsOfNoDelivery: [...received].filter((id) => !hooks.has(id)).length,
    webhookRepeats: webhookIds.length - received.size,
  };
}

/**
 * One entry per delivery a mail carries: a single notice's mail carries its own; a digest's mail
 * (X-Postera-Digest-Id) each delivery tied to that digest, under the digest's Message-ID. A digest
 * mail of no known digest stays one entry of no delivery.
 */
export function perDelivery(mails: ReceivedMail[], digestMembers: Map<string, string[]>): ReceivedMail[] {
  return mails.flatMap((m) =>
    m.digestId ? (digestMembers.get(m.digestId) ?? [`digest ${m.digestId}`]).map((notificationId) => ({ ...m, notificationId })) : [m],
  );
}

/** Mails per delivery: distinct Message-IDs (more than one is a double) and repeats of the same one. */
export function mailFigures(mails: ReceivedMail[]): {
  byNotification: Map<string, Map<string, number>>;
  distinctTwice: Array<{ notificationId: string; messageIds: string[] }>;
  repeats: number;
} {
  const byNotification = new Map<string, Map<string, number>>();
  for (const m of mails) {
    const ids = byNotification.get(m.notificationId) ?? new Map<string, number>();
    ids.set(m.messageId, (ids.get(m.messageId) ?? 0) + 1);
    byNotification.set(m.notificationId, ids);
  }
  const distinctTwice: Array<{ notificationId: string; messageIds: string[] }> = [];
  let repeats = 0;
  for (const [notificationId, ids] of byNotification) {
    if (ids.size > 1) distinctTwice.push({ notificationId, messageIds: [...ids.keys()] });
    for (const n of ids.values()) repeats += n - 1;
  }
  return { byNotification, distinctTwice, repeats };
}

/** Every record of every `.dlq` topic under the prefix, read from offset 0 to the end. */
export async function readDlq(brokers: string, prefix: string): Promise<DlqRecord[]> {
  const kafka = kafkaClient(brokers, 'postera-chaos-dlq-reader');
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`) && t.endsWith('.dlq'));
  const ends = new Map<string, Map<number, bigint>>();
  let total = 0n;
  for (const t of topics) {
    const offs = await admin.fetchTopicOffsets(t);
    ends.set(t, new Map(offs.map((o) => [o.partition, BigInt(o.high)])));
    for (const o of offs) total += BigInt(o.high) - BigInt(o.low);
  }
  await admin.disconnect();
  if (total === 0n) return [];
  const out: DlqRecord[] = [];
  const consumer = kafka.consumer({ groupId: `${prefix}.chaos-dlq-reader-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: topics.filter((t) => [...ends.get(t)!.values()].some((h) => h > 0n)), fromBeginning: true });
  const h = (headers: Record<string, unknown> | undefined, name: string) => {
    const v = headers?.[name];
    return v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${total} dead letters in 60 s`)), 60_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => {
        out.push({
          dlqTopic: topic,
          originalTopic: h(message.headers, 'dlq-original-topic'),
          originalPartition: Number(h(message.headers, 'dlq-original-partition')),
          originalOffset: h(message.headers, 'dlq-original-offset'),
          consumer: h(message.headers, 'dlq-consumer'),
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
        });
        if (BigInt(out.length) >= total) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

/** Consumer ids (without the group prefix) that committed offsets on each logical topic. */
export async function consumersByTopic(brokers: string, prefix: string, groupPrefix: string, topics: readonly string[]): Promise<Record<string, string[]>> {
  const admin = kafkaClient(brokers, 'postera-chaos-groups').admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${groupPrefix}.`));
    const out: Record<string, string[]> = {};
    for (const topic of topics) {
      const physical = physicalTopic(prefix, topic);
      out[topic] = [];
      for (const g of groups) {
        const offs = await admin.fetchOffsets({ groupId: g, topics: [physical] });
        if (offs.some((t) => t.partitions.some((p) => Number(p.offset) >= 0))) out[topic].push(g.slice(groupPrefix.length + 1));
      }
      out[topic].sort();
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

export const dlqOf = (prefix: string, topic: string) => dlqTopic(physicalTopic(prefix, topic));
