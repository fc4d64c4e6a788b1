/**
 * What the run's own volume would cost if every message and every row cost what it costs in the
 * floor (kafkajs alone, 1,000 messages per send; Postgres alone, 1,000 inbox rows — the narrowest
 * row the pipeline writes — per statement), and so the most trades per second the machine's cores
 * could carry at those costs. No processing, no framework, no transaction per hop: the pipeline's
 * messages and rows per trade cost at least about this much whatever the code around them does, so
 * this is a ceiling of that volume on this machine, not of the code. "About": an update or a delete
 * is priced as a narrow insert, and most of the pipeline's rows carry more than one index.
 */
export interface FloorCosts {
  /** Messages each floor moved, and the CPU seconds (client, broker and Postgres) it took. */
  messages: number;
  produceCpuSeconds: number;
  consumeCpuSeconds: number;
  rows: number;
  insertCpuSeconds: number;
}

export interface RunVolume {
  trades: number;
  /** Records produced to the run's topics (the trading platform's executions and confirmations included). */
  messagesProduced: number;
  /** Records the run's consumer groups read (a topic read by three groups counts three times). */
  messagesConsumed: number;
  /** Rows inserted, updated or deleted in the run's database. */
  rowsWritten: number;
}

export interface FloorBudget {
  perTrade: { produced: number; consumed: number; rowsWritten: number };
  /** CPU milliseconds per trade at the floor's costs: Kafka (produce and consume) and Postgres. */
  cpuMsPerTrade: { kafka: number; postgres: number; total: number };
  /** cores × 1,000 ÷ the total: trades per second if the cores did nothing else. */
  ceilingTradesPerSecond: number;
  /** The same with the Kafka share alone (as if rows cost nothing). */
  kafkaAloneCeilingTradesPerSecond: number;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

export function floorBudget(floor: FloorCosts, run: RunVolume, cores: number): FloorBudget {
  const produced = run.messagesProduced / run.trades;
  const consumed = run.messagesConsumed / run.trades;
  const rows = run.rowsWritten / run.trades;
  const kafka = (produced * floor.produceCpuSeconds * 1000) / floor.messages + (consumed * floor.consumeCpuSeconds * 1000) / floor.messages;
  const postgres = (rows * floor.insertCpuSeconds * 1000) / floor.rows;
  return {
    perTrade: { produced: round(produced, 2), consumed: round(consumed, 2), rowsWritten: round(rows, 1) },
    cpuMsPerTrade: { kafka: round(kafka, 3), postgres: round(postgres, 3), total: round(kafka + postgres, 3) },
    ceilingTradesPerSecond: Math.floor((cores * 1000) / (kafka + postgres)),
    kafkaAloneCeilingTradesPerSecond: Math.floor((cores * 1000) / kafka),
  };
}
