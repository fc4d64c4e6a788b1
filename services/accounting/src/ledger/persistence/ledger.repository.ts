import type { AccountRefV1 } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import { SECURITIES_ACCOUNT_BY_CATEGORY } from '../rule-sets/chart-v1.js';
import type { CostMethod } from '../domain/cost.js';
import type { PostingRule, Recognition, RuleSet } from '../domain/rules-engine.js';

/**
 * Every rule set with its rules (a few dozen rows), kept in memory with the key it was read under:
 * each batch asks only for the key (the versions with their dates, and the rules' count and last
 * writing transaction), so a new version — or any change to a rule row — applies from the next batch.
 */
let ruleSetsCache: { key: string; sets: RuleSet[] } | null = null;

export async function loadRuleSets(tx: EntityManager): Promise<RuleSet[]> {
  const [{ key }] = (await tx.query(
    `SELECT (SELECT coalesce(string_agg(version || '@' || effective_from, ',' ORDER BY version), '') FROM accounting.posting_rule_sets)
            || '/' || (SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM accounting.posting_rules) AS key`,
  )) as [{ key: string }];
  if (ruleSetsCache?.key === key) return ruleSetsCache.sets;
  const rows = (await tx.query(
    `SELECT s.version, to_char(s.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", r.event, r.recognition, r.variant, r.line_no AS "lineNo",
            r.account, r.direction, r.amount, r.aux
     FROM accounting.posting_rule_sets s JOIN accounting.posting_rules r USING (version) ORDER BY s.version, r.event, r.variant, r.line_no`,
  )) as Array<PostingRule & { version: number; effectiveFrom: string }>;
  const sets = new Map<number, RuleSet & { rules: PostingRule[] }>();
  for (const r of rows) {
    const s = sets.get(r.version) ?? { version: r.version, effectiveFrom: r.effectiveFrom, rules: [] };
    s.rules.push({
      event: r.event,
      recognition: r.recognition,
      variant: r.variant,
      lineNo: r.lineNo,
      account: r.account,
      direction: r.direction,
      amount: r.amount,
      aux: r.aux,
    });
    sets.set(r.version, s);
  }
  ruleSetsCache = { key, sets: [...sets.values()] };
  return ruleSetsCache.sets;
}

/** The recognition of each book on a date (the policy in force then); a book without one: settlement date. */
export async function recognitionOf(tx: EntityManager, wanted: Array<{ book: string; date: string }>): Promise<(book: string, date: string) => Recognition> {
  const rows = (await tx.query(
    `SELECT book, to_char(effective_from, 'YYYY-MM-DD') AS "from", recognition FROM accounting.book_policies WHERE book = ANY($1::text[]) ORDER BY effective_from`,
    [[...new Set(wanted.map((w) => w.book))]],
  )) as Array<{ book: string; from: string; recognition: Recognition }>;
  return (book, date) => {
    let r: Recognition = 'SETTLEMENT_DATE';
    for (const p of rows) if (p.book === book && p.from <= date) r = p.recognition;
    return r;
  };
}

export interface AccountInfo {
  account: string;
  book: string;
  accountType: string;
  clientId: string;
  accountingCategory: string;
  costMethod: CostMethod;
}

export async function accountInfos(tx: EntityManager, accounts: string[]): Promise<Map<string, AccountInfo>> {
  const rows = (await tx.query(
    `SELECT account, book, account_type AS "accountType", client_id AS "clientId", accounting_category AS "accountingCategory", cost_method AS "costMethod"
     FROM accounting.accounts_ref WHERE account = ANY($1::text[])`,
    [[...new Set(accounts)]],
  )) as AccountInfo[];
  return new Map(rows.map((r) => [r.account, r]));
}

/** The securities account of a portfolio category (unknown: the trading book's). */
export function securitiesAccountOf(accountingCategory: string | undefined): string {
  return SECURITIES_ACCOUNT_BY_CATEGORY[accountingCategory ?? 'TRADING'] ?? '311000';
}

/** refdata.accounts.v1 → accounts_ref, a higher version replacing a lower one. */
export async function upsertAccounts(tx: EntityManager, accounts: AccountRefV1[]): Promise<void> {
  if (accounts.length === 0) return;
  const latest = new Map<string, AccountRefV1>();
  for (const a of accounts) if ((latest.get(a.account)?.version ?? 0) < a.version) latest.set(a.account, a);
  const v = [...latest.values()];
  await tx.query(
    `INSERT INTO accounting.accounts_ref (account, book, account_type, client_id, accounting_category, cost_method, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])
     ON CONFLICT (account) DO UPDATE SET book = EXCLUDED.book, account_type = EXCLUDED.account_type, client_id = EXCLUDED.client_id,
       accounting_category = EXCLUDED.accounting_category, cost_method = EXCLUDED.cost_method, version = EXCLUDED.version
     WHERE accounting.accounts_ref.version < EXCLUDED.version`,
    [
      v.map((a) => a.account),
      v.map((a) => a.book),
      v.map((a) => a.accountType),
      v.map((a) => a.clientId),
      v.map((a) => a.accountingCategory ?? 'TRADING'),
      v.map((a) => a.costMethod ?? 'CMP'),
      v.map((a) => a.version),
    ],
  );
}
