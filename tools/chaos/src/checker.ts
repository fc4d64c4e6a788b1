/**
 * The verdicts: each invariant of the chaos run as a pure function of the facts, with the figures
 * that prove it. `bound` verdicts report a documented limit (the same mail sent again after a kill
 * mid-send) without failing the run.
 */
import { Dec } from '@postera/kernel';
import type { DlqRecord, Facts, FxMovement, InjectedRecord } from './facts.js';

export interface Verdict {
  id: string;
  invariant: string;
  pass: boolean;
  figures: string;
  /** A documented bound, reported but never failing the run. */
  bound?: boolean;
  details?: unknown;
}

export interface Expected {
  /** Valid executions published (each is an accepted trade). */
  trades: number;
  clientTradesPublished: number;
  poisons: InjectedRecord[];
  badTrades: InjectedRecord[];
  /** The business days the run closed and the ECB rates it published (some after their close). */
  fx: FxPlan;
}

export interface FxPlan {
  closes: string[];
  rates: Array<{ date: string; currency: string; unitsPerEur: string }>;
}

const n = (x: number) => x.toLocaleString('en-US');
const few = <T>(xs: T[], max = 5) => (xs.length > max ? [...xs.slice(0, max), `… ${xs.length - max} more`] : xs);

export function checkCaptured(f: Facts, e: Expected): Verdict {
  const c = f.capture;
  const pass = c.trades === e.trades && c.distinctTrades === e.trades && c.receiptsCaptured === e.trades && c.capturedTwice.length === 0;
  return {
    id: 'captured-once',
    invariant: 'every accepted trade captured once',
    pass,
    figures: `captured ${n(c.distinctTrades)} distinct trades = ${n(e.trades)} accepted; ${n(c.receiptsCaptured)} CAPTURED receipts; ${c.capturedTwice.length} captured twice; ${n(c.receiptsDuplicate)} redelivered executions recognised as duplicates`,
    details: c.capturedTwice.length ? { capturedTwice: few(c.capturedTwice) } : undefined,
  };
}

export function checkExceptions(f: Facts, e: Expected): Verdict {
  const c = f.capture;
  const expected = e.badTrades.map((b) => `${b.partition}/${b.offset}`).sort();
  const missing = expected.filter((x) => !c.inputExceptionOffsets.includes(x));
  const extra = c.inputExceptionOffsets.filter((x) => !expected.includes(x));
  const pass = c.inputExceptions === e.badTrades.length && missing.length === 0 && extra.length === 0;
  return {
    id: 'malformed-are-exceptions',
    invariant: 'every malformed execution injected is one input exception (not a trade, not a dead letter)',
    pass,
    figures: `${n(c.inputExceptions)} input exceptions = ${n(e.badTrades.length)} malformed executions injected; ${missing.length} missing, ${extra.length} unexpected`,
    details: missing.length || extra.length ? { missing, extra } : undefined,
  };
}

export function checkInstructed(f: Facts, e: Expected): Verdict {
  const s = f.settlement;
  const pass = s.instructedTrades === e.trades && s.instructions === e.trades && s.liveTwice.length === 0 && f.capture.validated === e.trades;
  return {
    id: 'instructed-once',
    invariant: 'every accepted trade instructed once',
    pass,
    figures: `${n(f.capture.validated)} validated; ${n(s.instructions)} instructions for ${n(s.instructedTrades)} trades = ${n(e.trades)} accepted; ${s.liveTwice.length} trades with two live instructions`,
    details: s.liveTwice.length ? { liveTwice: few(s.liveTwice) } : undefined,
  };
}

export function checkSettled(f: Facts): Verdict {
  const s = f.settlement;
  const status = Object.entries(s.byStatus)
    .sort()
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  const pass = s.settledTwice.length === 0 && s.disagreeWithCsd.length === 0 && s.csdStepsNotAddingUp.length === 0;
  return {
    id: 'settled-once',
    invariant: 'settled once, and settled / failed / pending as the simulated CSD decided',
    pass,
    figures: `${status}; ${s.settledTwice.length} settled twice; ${s.disagreeWithCsd.length} instructions disagreeing with the CSD (status or settled quantity); ${s.csdStepsNotAddingUp.length} CSD instructions whose steps do not add up`,
    details: pass ? undefined : { settledTwice: few(s.settledTwice), disagree: few(s.disagreeWithCsd), stepsNotAddingUp: few(s.csdStepsNotAddingUp) },
  };
}

export function checkJournaled(f: Facts, e: Expected): Verdict {
  const a = f.accounting;
  const tradeDate = a.byKind.TRADE_DATE_COMMITMENT ?? 0;
  const settlement = a.byKind.SETTLEMENT ?? 0;
  const pass =
    a.causeDoubles === 0 &&
    a.tradeDateTwice.length === 0 &&
    a.tradesWithoutTradeDateEntry.length === 0 &&
    tradeDate === e.trades &&
    a.settlementEntryMismatch.length === 0 &&
    a.settledTradesWithoutEntry.length === 0 &&
    settlement === f.settlement.settledSteps &&
    a.parked === 0;
  return {
    id: 'journaled-once',
    invariant: 'journaled once per event',
    pass,
    figures: `${n(a.entries)} entries (${Object.entries(a.byKind)
      .sort()
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ')}); ${n(tradeDate)} trade-date entries for ${n(e.trades)} trades, ${a.tradeDateTwice.length} twice, ${a.tradesWithoutTradeDateEntry.length} missing; ${n(settlement)} settlement entries = ${n(f.settlement.settledSteps)} settlement steps, ${a.settlementEntryMismatch.length} trades differing, ${a.settledTradesWithoutEntry.length} settled trades without one; ${a.causeDoubles} (cause event, kind) doubles; ${a.parked} settlements still parked`,
    details: pass
      ? undefined
      : {
          tradeDateTwice: few(a.tradeDateTwice),
          withoutTradeDate: few(a.tradesWithoutTradeDateEntry),
          settlementMismatch: few(a.settlementEntryMismatch),
          settledWithoutEntry: few(a.settledTradesWithoutEntry),
        },
  };
}

export function checkNotified(f: Facts, e: Expected): Verdict {
  const m = f.notification;
  // A DAILY client's delivery held for a close still to come is owed then, not lost: the notices
  // routed after the run's last close (its settlement notices, and avis when notification was down
  // or behind at the closes). One already in a digest is not: that digest must have been sent.
  const pending =
    Object.entries(m.byStatus)
      .filter(([k]) => !k.endsWith(' SENT'))
      .reduce((t, [, v]) => t + v, 0) -
    m.heldForNextClose +
    Object.entries(m.digestsByStatus)
      .filter(([k]) => k !== 'SENT')
      .reduce((t, [, v]) => t + v, 0);
  const pass =
    m.avisNotices === e.clientTradesPublished &&
    f.capture.clientTrades === e.clientTradesPublished &&
    m.avisTwice.length === 0 &&
    m.clientTradesWithoutAvis.length === 0 &&
    m.distinctMessageIdsTwice.length === 0 &&
    m.sentWithoutMail.length === 0 &&
    m.mailsWithoutDelivery === 0 &&
    m.webhookSentWithoutReceipt.length === 0 &&
    m.webhookReceiptsOfNoDelivery === 0 &&
    pending === 0;
  return {
    id: 'notified-once',
    invariant: 'notified once',
    pass,
    figures: `${n(m.avisNotices)} avis d'opéré notices = ${n(e.clientTradesPublished)} client trades, ${m.avisTwice.length} twice, ${m.clientTradesWithoutAvis.length} missing; ${n(m.emailDeliveries)} email deliveries (${Object.entries(m.byStatus)
      .sort()
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ')}), ${n(m.heldForNextClose)} held for the next close (${n(m.avisHeldForNextClose)} avis); daily digests ${
      Object.entries(m.digestsByStatus)
        .sort()
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ') || 'none'
    }; ${n(m.mails)} mails received, ${m.distinctMessageIdsTwice.length} deliveries with two different Message-IDs, ${m.sentWithoutMail.length} sent without a mail received, ${m.mailsWithoutDelivery} mails of no delivery; ${n(m.webhookDeliveries)} webhook deliveries, ${n(m.webhooksReceived)} POSTs received, ${m.webhookSentWithoutReceipt.length} sent without a POST received, ${m.webhookReceiptsOfNoDelivery} POSTs of no delivery`,
    details: pass
      ? undefined
      : {
          avisTwice: few(m.avisTwice),
          withoutAvis: few(m.clientTradesWithoutAvis),
          distinct: few(m.distinctMessageIdsTwice),
          sentWithoutMail: few(m.sentWithoutMail),
          webhookSentWithoutReceipt: few(m.webhookSentWithoutReceipt),
        },
  };
}

export function checkSmtpRepeats(f: Facts): Verdict {
  return {
    id: 'smtp-repeats',
    invariant: 'deliveries repeated with the same identity (the documented bound: a kill between the send and its commit)',
    pass: true,
    bound: true,
    figures: `${f.notification.sameMessageIdRepeats} mails repeated; ${f.notification.webhookRepeats} webhook POSTs repeated (same body, same notificationId)`,
  };
}

export function checkBalanced(f: Facts): Verdict {
  const a = f.accounting;
  const pass = a.unbalancedEntries.length === 0 && a.perCurrency.every((c) => c.debit === c.credit);
  return {
    id: 'entries-balanced',
    invariant: 'every journal entry balanced per currency',
    pass,
    figures: `${n(a.entries)} entries, ${a.unbalancedEntries.length} unbalanced; ${a.perCurrency.map((c) => `${c.currency} debit ${c.debit} ${c.debit === c.credit ? '=' : '≠'} credit ${c.credit}`).join('; ')}`,
    details: a.unbalancedEntries.length ? few(a.unbalancedEntries) : undefined,
  };
}

export function checkBalancesEqualPostings(f: Facts): Verdict {
  const a = f.accounting;
  return {
    id: 'balances-equal-postings',
    invariant: 'every balance equal to its postings (positions: cost = securities accounts, realized P&L = 767000 − 667000, per book and currency)',
    pass: a.positionsVsJournal.length === 0,
    figures: `${n(a.positionsChecked)} positions; ${a.positionsVsJournal.length} (book, currency) figures differing from the journal`,
    details: a.positionsVsJournal.length ? few(a.positionsVsJournal, 20) : undefined,
  };
}

/**
 * The DLQ holds exactly the poison messages: each poison once per consumer of its topic, byte for
 * byte, and nothing else. A dead letter written twice for the same original offset (a kill between
 * the DLQ send and the offset commit) is reported apart.
 */
export function checkDlq(dlq: DlqRecord[], poisons: InjectedRecord[], consumersByTopic: Record<string, string[]>, prefix: string): Verdict[] {
  const physical = (t: string) => (prefix ? `${prefix}.${t}` : t);
  const expected = new Map<string, InjectedRecord>();
  for (const p of poisons) for (const c of consumersByTopic[p.topic] ?? []) expected.set(`${physical(p.topic)}|${p.partition}|${p.offset}|${c}`, p);
  const seen = new Map<string, number>();
  const unexpected: DlqRecord[] = [];
  const alteredBytes: string[] = [];
  for (const r of dlq) {
    const k = `${r.originalTopic}|${r.originalPartition}|${r.originalOffset}|${r.consumer}`;
    const p = expected.get(k);
    if (!p) {
      unexpected.push(r);
      continue;
    }
    if (p.value !== r.value || p.key !== r.key) alteredBytes.push(k);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  const repeats = [...seen.values()].reduce((s, v) => s + v - 1, 0);
  const withoutConsumer = poisons.filter((p) => (consumersByTopic[p.topic] ?? []).length === 0).map((p) => `${p.topic}#${p.n}`);
  const pass = unexpected.length === 0 && missing.length === 0 && alteredBytes.length === 0 && withoutConsumer.length === 0 && poisons.length > 0;
  const consumers = [...new Set(poisons.map((p) => p.topic))].map((t) => `${t}: ${(consumersByTopic[t] ?? []).join(', ')}`).join('; ');
  return [
    {
      id: 'dlq-exactly-poison',
      invariant: 'the DLQ holds exactly the poison messages',
      pass,
      figures: `${dlq.length} dead letters; ${poisons.length} poisons injected × their consumers = ${expected.size} expected, ${seen.size} found byte for byte, ${missing.length} missing, ${unexpected.length} unexpected, ${alteredBytes.length} altered (consumers — ${consumers})`,
      details: pass ? undefined : { missing: few(missing), unexpected: few(unexpected.map((u) => ({ ...u, value: u.value.slice(0, 200) }))), alteredBytes, withoutConsumer },
    },
    {
      id: 'dlq-repeats',
      invariant: 'dead letters written again for the same original offset (a kill between the DLQ send and the offset commit)',
      pass: true,
      bound: true,
      figures: `${repeats} repeats`,
    },
  ];
}

export interface BalanceRow {
  key: string;
  value: string;
}

/** Balances of two runs compared key by key: the keys missing on either side and the values that differ. */
export function compareBalances(
  run: BalanceRow[],
  replay: BalanceRow[],
): { compared: number; differing: Array<{ key: string; run: string | null; replay: string | null }> } {
  const a = new Map(run.map((r) => [r.key, r.value]));
  const b = new Map(replay.map((r) => [r.key, r.value]));
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const differing = keys.filter((k) => a.get(k) !== b.get(k)).map((k) => ({ key: k, run: a.get(k) ?? null, replay: b.get(k) ?? null }));
  return { compared: keys.length, differing };
}

/**
 * Ledger accounts whose balance would depend on the order a position's operations are processed in
 * (cost released by CMP/FIFO, realized P&L) without accounting's re-costing in economic order: a
 * replay differing only there points at re-costing.
 */
export const ORDER_DEPENDENT_ACCOUNTS = ['311000', '312000', '313000', '314000', '315000', '316000', '667000', '767000'];

export interface ReplayClassification {
  /** Every difference is on cost or realized P&L, with every quantity identical: an operation costed out of economic order. */
  orderDependentOnly: boolean;
  otherLedgerKeys: string[];
  quantityDiffering: string[];
  /** Net realized P&L (767000 credit − 667000 debit) of the replay minus the run's, per book and currency. */
  realizedDelta: Record<string, string>;
  /**
   * Book and currency where securities at cost and realized P&L together moved in the replay. The
   * cash side of every operation is fixed, so order may only move amounts between cost and P&L:
   * their sum must stay, to the cent.
   */
  unconserved: string[];
  summary: string;
}

const amountOf = (v: string | null) => (v === null ? 0 : Number(v.split(' ')[0]));
const field = (v: string | null, name: string) => (v === null ? null : (new RegExp(`${name} (-?[0-9.]+)`).exec(v)?.[1] ?? null));

/** What a replay's differences are: only order-dependent figures (cost, realized P&L), or anything else. */
export function classifyReplayDifferences(
  ledger: Array<{ key: string; run: string | null; replay: string | null }>,
  positions: Array<{ key: string; run: string | null; replay: string | null }>,
): ReplayClassification {
  const otherLedgerKeys = ledger.filter((d) => !ORDER_DEPENDENT_ACCOUNTS.includes(d.key.split(' ')[0]!)).map((d) => d.key);
  const quantityDiffering = positions.filter((d) => field(d.run, 'quantity') !== field(d.replay, 'quantity')).map((d) => d.key);
  const delta = new Map<string, number>();
  for (const d of ledger) {
    const [account, book, currency] = d.key.split(' ');
    if (account !== '667000' && account !== '767000') continue;
    // Balances are debit − credit: realized P&L is their negation.
    const k = `${book} ${currency}`;
    delta.set(k, (delta.get(k) ?? 0) - (amountOf(d.replay) - amountOf(d.run)));
  }
  const realizedDelta = Object.fromEntries([...delta].sort().map(([k, v]) => [k, v.toFixed(2)]));
  const moved = new Map<string, Dec>();
  for (const d of ledger) {
    const [account, book, currency] = d.key.split(' ');
    if (!ORDER_DEPENDENT_ACCOUNTS.includes(account!)) continue;
    const k = `${book} ${currency}`;
    const amount = (v: string | null) => new Dec(v === null ? '0' : v.split(' ')[0]!);
    moved.set(k, (moved.get(k) ?? new Dec(0)).plus(amount(d.replay)).minus(amount(d.run)));
  }
  const unconserved = [...moved].filter(([, v]) => !v.isZero()).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  const orderDependentOnly = otherLedgerKeys.length === 0 && quantityDiffering.length === 0 && unconserved.length === 0;
  const summary = orderDependentOnly
    ? `only order-dependent figures differ (cost and realized P&L of ${positions.length} positions, ledger accounts ${[...new Set(ledger.map((d) => d.key.split(' ')[0]))].join(', ')}); every quantity and every other balance identical, cost + realized P&L conserved to the cent per book and currency; realized P&L replay − run: ${Object.entries(
        realizedDelta,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    : `${otherLedgerKeys.length} other ledger balances and ${quantityDiffering.length} position quantities differ; cost + realized P&L not conserved in ${unconserved.length} book/currency`;
  return { orderDependentOnly, otherLedgerKeys: otherLedgerKeys.slice(0, 50), quantityDiffering: quantityDiffering.slice(0, 50), realizedDelta, unconserved, summary };
}

export function checkAll(f: Facts, e: Expected, prefix: string): Verdict[] {
  return [
    checkCaptured(f, e),
    checkExceptions(f, e),
    checkInstructed(f, e),
    checkSettled(f),
    checkJournaled(f, e),
    checkNotified(f, e),
    checkSmtpRepeats(f),
    checkBalanced(f),
    checkBalancesEqualPostings(f),
    checkFxRevaluation(f.accounting.fx.movements, f.accounting.fx.booked, e.fx),
    ...checkDlq(f.dlq, e.poisons, f.consumersByTopic, prefix),
  ];
}

/**
 * Each book's FX result per currency, recomputed here from the journal's foreign-currency
 * balance-sheet movements and the rates the run published, is what accounting booked (766000 −
 * 666000). A period's movement (the lines dated after the currency's previous close with a rate, up
 * to this one; before the first close, in the first) entered at its close's rate; the position is
 * valued at the last close's rate; rounded once, half-up to the cent:
 *   T = B / r_last − Σ ΔB_j / r_j
 * The same whatever order the closes, the rates and the lines reached accounting in, kills included.
 */
export function checkFxRevaluation(movements: FxMovement[], booked: Array<{ book: string; currency: string; result: string }>, plan: FxPlan): Verdict {
  const rateOf = new Map(plan.rates.map((r) => [`${r.currency}|${r.date}`, new Dec(r.unitsPerEur)]));
  const groups = new Map<string, FxMovement[]>();
  for (const m of movements) groups.set(`${m.book} ${m.currency}`, [...(groups.get(`${m.book} ${m.currency}`) ?? []), m]);
  const expected = new Map<string, Dec>();
  for (const [key, ms] of groups) {
    const currency = ms[0]!.currency;
    const closes = [...plan.closes].sort().filter((d) => rateOf.has(`${currency}|${d}`));
    if (closes.length === 0) continue;
    const last = closes[closes.length - 1]!;
    let position = new Dec(0);
    let entered = new Dec(0);
    for (const m of ms) {
      if (m.date > last) continue;
      const close = closes.find((d) => d >= m.date)!;
      position = position.plus(m.amount);
      entered = entered.plus(new Dec(m.amount).div(rateOf.get(`${currency}|${close}`)!));
    }
    expected.set(key, position.div(rateOf.get(`${currency}|${last}`)!).minus(entered).toDecimalPlaces(2, Dec.ROUND_HALF_UP));
  }
  const actual = new Map(booked.map((b) => [`${b.book} ${b.currency}`, new Dec(b.result)]));
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const rows = keys.map((k) => ({ key: k, expected: (expected.get(k) ?? new Dec(0)).toFixed(2), booked: (actual.get(k) ?? new Dec(0)).toFixed(2) }));
  const differing = rows.filter((r) => r.expected !== r.booked);
  return {
    id: 'fx-result-recomputed',
    invariant: 'every FX result booked equals B / r_last − Σ ΔB_j / r_j recomputed from the journal and the rates published',
    pass: differing.length === 0 && plan.closes.length > 0,
    figures: `${rows.length} book/currency positions over ${plan.closes.length} closes and ${plan.rates.length} rates (${rows
      .slice(0, 6)
      .map((r) => `${r.key} ${r.booked}`)
      .join(', ')}${rows.length > 6 ? ', …' : ''}); ${differing.length} differ`,
    details: differing.length ? few(differing, 20) : undefined,
  };
}
