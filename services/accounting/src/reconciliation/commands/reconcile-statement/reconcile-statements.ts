import { Dec, newId } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import { compareCash, compareHoldings } from '../../domain/compare.js';
import { readCamt053, readSemt002, type StatementXml } from '../../domain/statements.js';
import { cashView, holdingsView } from '../../persistence/our-side.repository.js';
import { recordRun, storeStatement, type RunReport } from '../../persistence/runs.repository.js';

/** semt.002 against our holdings; a document that cannot be read is a run with its error and no rows, never a crash. */
export async function reconcileHoldings(tx: EntityManager, account: string, statement: StatementXml, source: string, statementId?: string): Promise<RunReport> {
  const runId = newId();
  const xml = typeof statement === 'string' ? statement : statement.xml;
  let st;
  try {
    st = readSemt002(statement);
  } catch (e) {
    return recordRun(tx, { runId, kind: 'HOLDINGS', subject: account, asOf: new Date().toISOString().slice(0, 10) }, { checked: 0, matched: 0, breaks: [] }, [
      { row: 0, problem: `statement refused: ${(e as Error).message}` },
    ]);
  }
  await storeStatement(tx, { statementId: statementId ?? st.statementId, kind: 'HOLDINGS', account, date: st.statementDate, xml, source });
  const ours = await holdingsView(tx, account, st.statementDate, st.basis);
  const theirs = new Map(st.holdings.map((h) => [h.isin, h.quantity]));
  const report = await recordRun(
    tx,
    { runId, kind: 'HOLDINGS', subject: account, asOf: st.statementDate, basis: st.basis },
    compareHoldings(ours, theirs),
    st.problems,
  );
  return {
    ...report,
    statement: {
      kind: 'HOLDINGS',
      statementId: st.statementId,
      safekeepingAccount: st.safekeepingAccount,
      statementDate: st.statementDate,
      basis: st.basis,
      holdings: st.holdings.length,
    },
  };
}

/**
 * camt.053 against our nostro, statement by statement (a bank may send several accounts or
 * currencies in one file): closing balance, then each booked movement of the statement date by
 * trade reference (a batch split by its transactions when they give their amounts; movements
 * without a reference summed under `(no reference)`). One run per statement; a file that cannot be
 * read is one run with its error and no rows, never a crash.
 */
export async function reconcileCash(tx: EntityManager, account: string, statement: StatementXml, source: string, statementId?: string): Promise<RunReport[]> {
  const xml = typeof statement === 'string' ? statement : statement.xml;
  let statements;
  try {
    statements = readCamt053(statement);
  } catch (e) {
    return [
      await recordRun(
        tx,
        { runId: newId(), kind: 'CASH', subject: account, asOf: new Date().toISOString().slice(0, 10) },
        { checked: 0, matched: 0, breaks: [] },
        [{ row: 0, problem: `statement refused: ${(e as Error).message}` }],
      ),
    ];
  }
  const runs: RunReport[] = [];
  for (const st of statements) {
    // The id the producer gave applies to a file of one statement; several are stored under their own.
    const id = statementId !== undefined && statements.length === 1 ? statementId : st.statementId;
    await storeStatement(tx, { statementId: id, kind: 'CASH', account, date: st.statementDate, xml, source });
    const ours = await cashView(tx, account, st.currency, st.statementDate);
    const theirs = new Map<string, string>();
    let bookedOnStatementDate = 0;
    for (const e of st.entries) {
      if (!e.booked || e.valueDate !== st.statementDate) continue;
      bookedOnStatementDate++;
      for (const m of e.movements) {
        const key = m.ref ?? '(no reference)';
        theirs.set(key, new Dec(theirs.get(key) ?? 0).plus(m.amount).toFixed());
      }
    }
    const report = await recordRun(
      tx,
      { runId: newId(), kind: 'CASH', subject: `${account}:${st.currency}`, asOf: st.statementDate },
      compareCash(ours, { closingBalance: st.closingBalance, movements: theirs }),
      st.problems,
    );
    runs.push({
      ...report,
      statement: {
        kind: 'CASH',
        statementId: st.statementId,
        cashAccount: st.cashAccount,
        currency: st.currency,
        statementDate: st.statementDate,
        openingBalance: st.openingBalance,
        closingBalance: st.closingBalance,
        entries: st.entries.length,
        bookedOnStatementDate,
      },
    });
  }
  return runs;
}
