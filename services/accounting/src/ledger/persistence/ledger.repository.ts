import type { AccountRefV1 } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import { SECURITIES_ACCOUNT_BY_CATEGORY } from '../rule-sets/chart-v1.js';
import { applyOperation, emptyPosition, undoOperation, type CostMethod, type CostOutcome, type Position } from '../domain/cost.js';
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

export function securitiesAccountOf(info: AccountInfo | undefined): string {
  return SECURITIES_ACCOUNT_BY_CATEGORY[info?.accountingCategory ?? 'TRADING'] ?? '311000';
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

interface StoredPosition {
  account: string;
  isin: string;
  book: string;
  currency: string;
  position: Position;
  realized: Dec;
}

/** The positions a batch touches, locked, changed in memory in event order, written back in one statement. */
export class PositionBook {
  private readonly rows = new Map<string, StoredPosition>();
  private readonly dirty = new Set<string>();

  private constructor(private readonly tx: EntityManager) {}

  /**
   * Batches of different partitions run concurrently and may touch one position (two trades of an
   * account in one ISIN): every position is first created if missing, in key order, so that the
   * second batch waits on the row (or its insertion) and reads it committed — no lost update.
   */
  static async load(
    tx: EntityManager,
    wanted: Array<{ account: string; isin: string; book: string; currency: string; method: CostMethod }>,
  ): Promise<PositionBook> {
    const book = new PositionBook(tx);
    if (wanted.length === 0) return book;
    const unique = new Map(wanted.map((k) => [`${k.account}|${k.isin}`, k]));
    const keys = [...unique.values()].sort((a, b) => (a.account === b.account ? (a.isin < b.isin ? -1 : 1) : a.account < b.account ? -1 : 1));
    await tx.query(
      `INSERT INTO accounting.positions (account, isin, book, currency, cost_method, quantity, cost)
       SELECT a, i, b, c, m, 0, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(a, i, b, c, m, n) ORDER BY n
       ON CONFLICT (account, isin) DO NOTHING`,
      [keys.map((k) => k.account), keys.map((k) => k.isin), keys.map((k) => k.book), keys.map((k) => k.currency), keys.map((k) => k.method)],
    );
    const rows = (await tx.query(
      `SELECT account, isin, book, currency, cost_method AS method, quantity::text AS quantity, cost::text AS cost, lots, realized::text AS realized
       FROM accounting.positions WHERE (account, isin) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY account, isin FOR UPDATE`,
      [keys.map((k) => k.account), keys.map((k) => k.isin)],
    )) as Array<{
      account: string;
      isin: string;
      book: string;
      currency: string;
      method: CostMethod;
      quantity: string;
      cost: string;
      lots: Array<{ quantity: string; cost: string; key?: string }>;
      realized: string;
    }>;
    for (const r of rows) {
      book.rows.set(`${r.account}|${r.isin}`, {
        account: r.account,
        isin: r.isin,
        book: r.book,
        currency: r.currency,
        position: {
          method: r.method,
          quantity: new Dec(r.quantity),
          cost: new Dec(r.cost),
          lots: r.lots.map((l) => ({ quantity: new Dec(l.quantity), cost: new Dec(l.cost), key: l.key ?? '' })),
        },
        realized: new Dec(r.realized),
      });
    }
    return book;
  }

  private get(k: { account: string; isin: string; book: string; currency: string; method: CostMethod }): StoredPosition {
    const key = `${k.account}|${k.isin}`;
    let p = this.rows.get(key);
    if (!p) {
      p = { account: k.account, isin: k.isin, book: k.book, currency: k.currency, position: emptyPosition(k.method), realized: new Dec(0) };
      this.rows.set(key, p);
    }
    this.dirty.add(key);
    return p;
  }

  apply(
    k: { account: string; isin: string; book: string; currency: string; method: CostMethod },
    side: 'BUY' | 'SELL',
    quantity: Dec,
    gross: Dec,
    lotKey: string,
  ): CostOutcome {
    const p = this.get(k);
    const out = applyOperation(p.position, side, quantity, gross, p.currency, lotKey);
    p.position = out.position;
    p.realized = p.realized.plus(out.realized);
    return out;
  }

  undo(
    k: { account: string; isin: string; book: string; currency: string; method: CostMethod },
    side: 'BUY' | 'SELL',
    quantity: Dec,
    securities: Dec,
    realized: Dec,
  ): void {
    const p = this.get(k);
    p.position = undoOperation(p.position, side, quantity, securities);
    p.realized = p.realized.minus(realized);
  }

  async save(): Promise<void> {
    const v = [...this.dirty].map((k) => this.rows.get(k)!);
    if (v.length === 0) return;
    await this.tx.query(
      `INSERT INTO accounting.positions (account, isin, book, currency, cost_method, quantity, cost, lots, realized)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::jsonb[], $9::numeric[])
       ON CONFLICT (account, isin) DO UPDATE SET quantity = EXCLUDED.quantity, cost = EXCLUDED.cost, lots = EXCLUDED.lots, realized = EXCLUDED.realized`,
      [
        v.map((p) => p.account),
        v.map((p) => p.isin),
        v.map((p) => p.book),
        v.map((p) => p.currency),
        v.map((p) => p.position.method),
        v.map((p) => p.position.quantity.toFixed()),
        v.map((p) => p.position.cost.toFixed()),
        v.map((p) => JSON.stringify(p.position.lots.map((l) => ({ quantity: l.quantity.toFixed(), cost: l.cost.toFixed(), key: l.key ?? '' })))),
        v.map((p) => p.realized.toFixed()),
      ],
    );
  }
}
