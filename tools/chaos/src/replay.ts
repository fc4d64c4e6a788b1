/**
 * Replay from offset 0: accounting alone, on an empty database and a new consumer-group prefix, reads
 * every topic of the run as it stands; its balances must equal the run's.
 */
import { physicalTopic } from '@postera/contracts';
import { ensureTopics, kafkaClient, Stack } from '@postera/devstack';
import pg from 'pg';
import type { BalanceRow } from './checker.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The balances: the trial balance per ledger account, book, currency and auxiliary account (debit
 * − credit), the number of entries of each kind but FX revaluations, and each position (quantity,
 * cost, realized P&L, FIFO lots). The FX result is one balance, gains (766000) and losses (666000)
 * together: a correction for a line or a rate late for its close is booked at the last close, so a
 * replay whose closes came before the trades books the same result in fewer, larger entries, split
 * differently between gains and losses (services/accounting/README.md).
 */
export async function balances(databaseUrl: string): Promise<{ ledger: BalanceRow[]; positions: BalanceRow[] }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const ledger = (
      await db.query(
        `SELECT a || ' ' || book || ' ' || currency || ' ' || coalesce(aux_account, '-') AS key, trim_scale(sum(debit) - sum(credit))::text AS value
           FROM accounting.journal_lines, LATERAL (SELECT CASE WHEN account_code IN ('666000', '766000') THEN '666000+766000' ELSE account_code END AS a) x
          GROUP BY a, book, currency, aux_account
         UNION ALL
         SELECT 'entries ' || kind, count(*)::text FROM accounting.journal_entries WHERE kind <> 'FX_REVALUATION' GROUP BY kind`,
      )
    ).rows as BalanceRow[];
    const positions = (
      await db.query(
        `SELECT account || ' ' || isin AS key,
                'quantity ' || trim_scale(quantity) || ', cost ' || trim_scale(cost) || ', realized ' || trim_scale(realized) || ', lots ' || lots::text AS value
           FROM accounting.positions`,
      )
    ).rows as BalanceRow[];
    return { ledger, positions };
  } finally {
    await db.end();
  }
}

/**
 * The journal entry by entry, FX revaluations aside (see balances): each entry keyed by its kind,
 * reference, date and cause, its value its lines as posted (account, auxiliary, debit, credit). The
 * cost of a day is fixed where the logs mark its end, so a run and its replay post the same
 * entries, cost entries included, whatever order each read the partitions in.
 */
export async function journalEntries(databaseUrl: string): Promise<BalanceRow[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (
      await db.query(
        `SELECT e.kind || ' ' || e.trade_ref || ' ' || to_char(e.accounting_date, 'YYYY-MM-DD') || ' ' || e.cause_event_id AS key,
                string_agg(l.account_code || ' ' || coalesce(l.aux_account, '-') || ' ' || trim_scale(l.debit) || ' ' || trim_scale(l.credit), ', ' ORDER BY l.line_no) AS value
           FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id)
          WHERE e.kind <> 'FX_REVALUATION'
          GROUP BY e.entry_id, e.kind, e.trade_ref, e.accounting_date, e.cause_event_id`,
      )
    ).rows as BalanceRow[];
  } finally {
    await db.end();
  }
}

/** Lag of every group under a prefix on every topic it committed on: 0 when all is consumed. */
export async function consumerLag(brokers: string, groupPrefix: string): Promise<{ groups: number; lag: bigint; byGroup: Record<string, string> }> {
  const admin = kafkaClient(brokers, 'postera-chaos-lag').admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${groupPrefix}.`));
    const highs = new Map<string, Map<number, bigint>>();
    let lag = 0n;
    const byGroup: Record<string, string> = {};
    for (const g of groups) {
      let gl = 0n;
      for (const t of await admin.fetchOffsets({ groupId: g })) {
        if (!highs.has(t.topic)) highs.set(t.topic, new Map((await admin.fetchTopicOffsets(t.topic)).map((o) => [o.partition, BigInt(o.high)])));
        for (const p of t.partitions) {
          const high = highs.get(t.topic)!.get(p.partition) ?? 0n;
          const committed = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
          if (high > committed) gl += high - committed;
        }
      }
      byGroup[g.slice(groupPrefix.length + 1)] = gl.toString();
      lag += gl;
    }
    return { groups: groups.length, lag, byGroup };
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of the groups `<groupPrefix>.<service>.*`, keyed `consumer|topic|partition`. */
export async function committedOffsetsOf(brokers: string, groupPrefix: string, service: string): Promise<Map<string, bigint>> {
  const admin = kafkaClient(brokers, 'postera-chaos-committed').admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${groupPrefix}.${service}.`));
    const out = new Map<string, bigint>();
    for (const g of groups) {
      for (const t of await admin.fetchOffsets({ groupId: g })) {
        for (const p of t.partitions) if (BigInt(p.offset) >= 0n) out.set(`${g.slice(groupPrefix.length + 1)}|${t.topic}|${p.partition}`, BigInt(p.offset));
      }
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Every message of a topic under the prefix (high − low over its partitions). */
export async function topicSize(brokers: string, prefix: string, topic: string): Promise<bigint> {
  const admin = kafkaClient(brokers, 'postera-chaos-size').admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(physicalTopic(prefix, topic))).reduce((s, o) => s + BigInt(o.high) - BigInt(o.low), 0n);
  } finally {
    await admin.disconnect();
  }
}

export interface ReplayOptions {
  brokers: string;
  topicPrefix: string;
  databaseUrl: string;
  basePort: number;
  logDir: string;
  timeoutMs: number;
  /** Told of the replay's stack as soon as it exists, so an aborted run can kill it too. */
  onStack?: (stack: Stack) => void;
  /** Where the run's accounting consumers stopped (all consumed): the replay is done when it reaches them. */
  target: Map<string, bigint>;
  /**
   * Messages each of the run's accounting consumers applied (counted on its positions): the replay must have
   * applied as many. Offsets alone were not enough — a group list read short after the broker's
   * restart once let a replay stop before it had read everything.
   */
  applied: Map<string, number>;
}

/** Per consumer of accounting's database, the messages it applied, once each (counted on its positions). */
export async function appliedPerConsumer(databaseUrl: string): Promise<Map<string, number>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const rows = (await db.query(`SELECT consumer_id, sum(applied)::int AS n FROM accounting.consumer_positions GROUP BY consumer_id`)).rows as Array<{
      consumer_id: string;
      n: number;
    }>;
    return new Map(rows.map((r) => [r.consumer_id, r.n]));
  } finally {
    await db.end();
  }
}

/**
 * Starts accounting alone on `databaseUrl` (empty) with a fresh group prefix, waits until each of its
 * consumers has committed as far as the run's did and its outbox is empty and the journal still
 * for 3 s, then stops it.
 */
export async function replayAccounting(o: ReplayOptions): Promise<{ seconds: number; groupPrefix: string }> {
  const groupPrefix = `chaos-replay-${Date.now().toString(36)}`;
  // Its consumer groups are new: on the authenticating broker, accounting's principal is given them.
  await ensureTopics(o.brokers, o.topicPrefix, groupPrefix);
  const stack = new Stack({
    databaseUrl: o.databaseUrl,
    kafkaBrokers: o.brokers,
    topicPrefix: o.topicPrefix,
    groupPrefix,
    basePort: o.basePort,
    logDir: o.logDir,
    smtpUrl: 'smtp://127.0.0.1:9',
    services: ['accounting'],
    logLevel: 'warn',
  });
  o.onStack?.(stack);
  const started = Date.now();
  try {
    await stack.startAll();
    const db = new pg.Client({ connectionString: o.databaseUrl });
    await db.connect();
    try {
      let quietSince = 0;
      let lastEntries = -1;
      for (;;) {
        if (Date.now() - started > o.timeoutMs) throw new Error(`replay not done after ${o.timeoutMs} ms`);
        const reached = await committedOffsetsOf(o.brokers, groupPrefix, 'accounting');
        const behind = [...o.target].filter(([k, off]) => (reached.get(k) ?? -1n) < off).length;
        const outbox = Number((await db.query(`SELECT count(*) AS n FROM accounting.outbox_pending`)).rows[0].n);
        const entries = Number((await db.query(`SELECT count(*) AS n FROM accounting.journal_entries`)).rows[0].n);
        const applied = await appliedPerConsumer(o.databaseUrl);
        const short = [...o.applied].filter(([consumer, n]) => (applied.get(consumer) ?? 0) < n).length;
        const quiet = behind === 0 && short === 0 && outbox === 0 && entries === lastEntries;
        lastEntries = entries;
        if (quiet) {
          quietSince ||= Date.now();
          if (Date.now() - quietSince >= 3_000) break;
        } else quietSince = 0;
        await sleep(1_000);
      }
    } finally {
      await db.end();
    }
  } finally {
    await stack.stopAll();
  }
  return { seconds: (Date.now() - started) / 1000, groupPrefix };
}
