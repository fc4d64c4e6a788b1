import { Dec, type Dec as Decimal } from '@postera/kernel';

/** What causes an entry; each has its rules per recognition and variant (side, account type, direction…). */
export type PostingEvent = 'TRADE_DATE' | 'SETTLEMENT' | 'TTF_ACCRUAL' | 'PENALTY' | 'FX_REVALUATION';
/** Settlement-date recognition (French rules, the default) or trade-date recognition (IFRS 9 option), per book. */
export type Recognition = 'SETTLEMENT_DATE' | 'TRADE_DATE';
export type AmountName = 'gross' | 'accrued' | 'fees' | 'net' | 'commitment' | 'securities' | 'realizedGain' | 'realizedLoss' | 'amount';
export type AuxKind = 'CUSTODIAN' | 'COUNTERPARTY' | 'CLIENT' | 'CURRENCY';

/** One line of a posting rule, as stored in accounting.posting_rules. */
export interface PostingRule {
  event: PostingEvent;
  recognition: Recognition | 'ANY';
  variant: string;
  lineNo: number;
  /** A chart code, or `{SECURITIES}`: the securities account of the account's portfolio category. */
  account: string;
  direction: 'D' | 'C';
  amount: AmountName;
  aux: AuxKind | null;
}

export interface RuleSet {
  version: number;
  effectiveFrom: string;
  rules: readonly PostingRule[];
}

export interface JournalLine {
  accountCode: string;
  debit: Decimal;
  credit: Decimal;
  /** Auxiliary account (custodian BIC, counterparty LEI, client id, currency), null when the rule names none. */
  aux?: string | null;
}

export interface PostingContext {
  securitiesAccount: string;
  aux: Partial<Record<AuxKind, string | null>>;
}

/** The rule set in force on a date: the highest version whose effective date is on or before it. */
export function ruleSetOn(sets: readonly RuleSet[], date: string): RuleSet {
  let best: RuleSet | undefined;
  for (const s of sets) if (s.effectiveFrom <= date && (!best || s.version > best.version)) best = s;
  if (!best) throw new Error(`no posting rule set in force on ${date}`);
  return best;
}

/**
 * Applies the rules of (event, recognition, variant) to the amounts: one line per rule, in rule
 * order, zero lines left out. A signed amount on a 'D' rule debits when ≥ 0 and credits its
 * opposite when < 0 (and the reverse on a 'C' rule). Pure; the amounts are already rounded.
 */
/** The rules of a key in line order, found once per rule set (a set's rules never change once read). */
const rulesByKey = new WeakMap<RuleSet, Map<string, PostingRule[]>>();

function rulesFor(set: RuleSet, key: { event: PostingEvent; recognition: Recognition; variant: string }): PostingRule[] {
  let byKey = rulesByKey.get(set);
  if (!byKey) rulesByKey.set(set, (byKey = new Map()));
  const k = `${key.event}|${key.recognition}|${key.variant}`;
  let rules = byKey.get(k);
  if (!rules) {
    rules = set.rules
      .filter((r) => r.event === key.event && r.variant === key.variant && (r.recognition === key.recognition || r.recognition === 'ANY'))
      .sort((a, b) => a.lineNo - b.lineNo);
    byKey.set(k, rules);
  }
  return rules;
}

export function applyRules(
  set: RuleSet,
  key: { event: PostingEvent; recognition: Recognition; variant: string },
  amounts: Partial<Record<AmountName, Decimal>>,
  ctx: PostingContext,
): JournalLine[] {
  const rules = rulesFor(set, key);
  if (rules.length === 0) throw new Error(`rule set ${set.version} has no rule for ${key.event}/${key.recognition}/${key.variant}`);
  const lines: JournalLine[] = [];
  for (const r of rules) {
    const value = amounts[r.amount];
    if (value === undefined) throw new Error(`rule ${key.event}/${key.variant} line ${r.lineNo} needs amount ${r.amount}`);
    if (value.isZero()) continue;
    const signed = r.direction === 'D' ? value : value.negated();
    const account = r.account === '{SECURITIES}' ? ctx.securitiesAccount : r.account;
    const aux = r.aux ? (ctx.aux[r.aux] ?? null) : null;
    lines.push({
      accountCode: account,
      debit: signed.isNegative() ? new Dec(0) : signed,
      credit: signed.isNegative() ? signed.negated() : new Dec(0),
      aux,
    });
  }
  return lines;
}

/**
 * The mirror of an entry's lines (each debit becomes a credit of the same amount and account, in
 * the same order): a correction is a reversal plus a new entry, never a change (DOMAIN.md §3).
 */
export function reversalOf(lines: readonly JournalLine[]): JournalLine[] {
  return lines.map((l) => ({ accountCode: l.accountCode, debit: l.credit, credit: l.debit, aux: l.aux ?? null }));
}

/** Σ debit − Σ credit; zero for a balanced entry (all lines of one entry are in one currency). */
export function imbalance(lines: readonly JournalLine[]): Decimal {
  return lines.reduce((s, l) => s.plus(l.debit).minus(l.credit), new Dec(0));
}
