import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, apiGetRoute, apiSend } from './api';
import { formatAmount, formatCount, formatDate } from './format';
import { dictionary, localeOf, type Lang } from './i18n';
import { Pager, useKeysetPages } from './Pager';
import { Problem } from './Problem';
import { ProposalOutcome, useProposal } from './Propose';
import type { DailyPenalty, ScenarioBody, ScenarioRule, SettlementFail, SimulatorScenario } from './schema';
import { figures, Head } from './Table';

const w = dictionary({
  fails: { fr: 'Suspens', en: 'Fails' },
  failsCaption: { fr: 'Instructions en suspens, la plus ancienne d’abord', en: 'Failing instructions, oldest first' },
  noFails: { fr: 'Aucun suspens.', en: 'No fail.' },
  remaining: { fr: 'Reste à livrer', en: 'Remaining' },
  reason: { fr: 'Motif', en: 'Reason' },
  age: { fr: 'Âge (jours ouvrés)', en: 'Age (business days)' },
  intended: { fr: 'Date de règlement prévue', en: 'Intended settlement' },
  accrued: { fr: 'Pénalités courues', en: 'Penalties accrued' },
  action: { fr: 'Action', en: 'Action' },
  resend: { fr: 'Renvoyer l’instruction', en: 'Resend the instruction' },
  'cancel-and-reinstruct': { fr: 'Annuler et réinstruire', en: 'Cancel and re-instruct' },
  'buy-in': { fr: 'Rachat d’office', en: 'Buy-in' },
  propose: { fr: 'Proposer', en: 'Propose' },
  penaltiesOfDay: { fr: 'Pénalités du jour', en: 'Penalties of the day' },
  day: { fr: 'Jour', en: 'Day' },
  noPenalties: { fr: 'Aucune pénalité ce jour-là.', en: 'No penalty that day.' },
  penaltyKind: { fr: 'Type', en: 'Kind' },
  direction: { fr: 'Sens', en: 'Direction' },
  RECEIVABLE: { fr: 'à recevoir', en: 'receivable' },
  PAYABLE: { fr: 'à payer', en: 'payable' },
  referencePrice: { fr: 'Cours de référence', en: 'Reference price' },
  rate: { fr: 'Taux', en: 'Rate' },
  amount: { fr: 'Montant', en: 'Amount' },
  awaitingPrice: { fr: 'en attente du cours', en: 'awaiting the price' },
  waivedBy: { fr: 'Annulée par', en: 'Waived by' },
  waiveWhy: { fr: 'Motif de l’annulation', en: 'Why it is waived' },
  waive: { fr: 'Proposer l’annulation', en: 'Propose the waiver' },
  penaltiesOfMonth: { fr: 'Pénalités du mois par contrepartie', en: 'Penalties of the month by counterparty' },
  month: { fr: 'Mois', en: 'Month' },
  count: { fr: 'Nombre', en: 'Count' },
  receivable: { fr: 'À recevoir', en: 'Receivable' },
  payable: { fr: 'À payer', en: 'Payable' },
  net: { fr: 'Net', en: 'Net' },
  awaitingPrices: { fr: 'pénalités attendent leur cours de référence', en: 'penalties await their reference price' },
  scenario: { fr: 'Scénario du dépositaire simulé (environnements de test)', en: 'The simulated CSD’s scenario (test environments)' },
  noSimulator: { fr: 'Pas de dépositaire simulé ici.', en: 'No simulated CSD here.' },
  rulesCaption: { fr: 'Règles en vigueur', en: 'Rules in force' },
  outcome: { fr: 'Issue', en: 'Outcome' },
  share: { fr: 'Part', en: 'Share' },
  days: { fr: 'Jours', en: 'Days' },
  setBy: { fr: 'Fixé par', en: 'Set by' },
  atStart: { fr: 'le scénario de démarrage', en: 'the scenario it started with' },
  failRate: { fr: 'Taux de suspens quotidien des autres instructions', en: 'Daily fail rate of the other instructions' },
  addRule: { fr: 'Ajouter la règle et appliquer', en: 'Add the rule and apply' },
  removeRules: { fr: 'Retirer toutes les règles', en: 'Remove every rule' },
  scenarioSet: { fr: 'Scénario appliqué à partir de la prochaine instruction.', en: 'Scenario in force from the next instruction on.' },
});

const PAGE = 25;
/** The month's report pages by counterparty, each with all its lines (one per currency). */
const COUNTERPARTIES_PAGE = 100;
const ACTIONS = ['resend', 'cancel-and-reinstruct', 'buy-in'] as const;
const OUTCOMES = ['FAIL', 'PARTIAL', 'UNMATCHED', 'LATE_MATCH'] as const satisfies ReadonlyArray<ScenarioRule['outcome']>;

const ref = (r: string) => <a href={`#/trade/${encodeURIComponent(r)}`}>{r}</a>;

function FailAction({ lang, token, fail }: { lang: Lang; token: string; fail: SettlementFail }) {
  const [action, setAction] = useState<(typeof ACTIONS)[number]>('resend');
  const proposal = useProposal(token);
  return (
    <>
      <label>
        <span className="visually-hidden">{`${w(lang, 'action')} ${fail.tradeRef}`}</span>
        <select value={action} onChange={(e) => setAction(e.target.value as (typeof ACTIONS)[number])}>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {w(lang, a)}
            </option>
          ))}
        </select>
      </label>{' '}
      <button
        type="button"
        disabled={proposal.isPending}
        onClick={() => proposal.mutate({ kind: 'SETTLEMENT_ACTION', params: { failId: fail.instructionId, action } })}
      >
        {w(lang, 'propose')}
      </button>
      <ProposalOutcome lang={lang} proposal={proposal} />
    </>
  );
}

function Waive({ lang, token, penalty }: { lang: Lang; token: string; penalty: DailyPenalty }) {
  const [reason, setReason] = useState('');
  const proposal = useProposal(token);
  if (penalty.waivedBy) return <>{`${w(lang, 'waivedBy')} ${penalty.waivedBy}`}</>;
  if (penalty.amount === null) return null;
  return (
    <>
      <label>
        <span className="visually-hidden">{`${w(lang, 'waiveWhy')} ${penalty.tradeRef}`}</span>
        <input value={reason} placeholder={w(lang, 'waiveWhy')} onChange={(e) => setReason(e.target.value)} />
      </label>{' '}
      <button
        type="button"
        disabled={!reason.trim() || proposal.isPending}
        onClick={() => proposal.mutate({ kind: 'WAIVE_PENALTY', params: { penaltyId: penalty.penaltyId, reason } })}
      >
        {w(lang, 'waive')}
      </button>
      <ProposalOutcome lang={lang} proposal={proposal} />
    </>
  );
}

/** The simulated CSD (test environments only): which instructions fail and why, set through the gateway. */
function SimulatedCsd({ lang, token }: { lang: Lang; token: string }) {
  const client = useQueryClient();
  const scenario = useQuery({ queryKey: ['scenario'], queryFn: () => apiGetRoute('/api/simulator/scenario', token), retry: false });
  const [rule, setRule] = useState<{ isin: string; outcome: (typeof OUTCOMES)[number]; reason: string; days: string }>({
    isin: '',
    outcome: 'FAIL',
    reason: 'LACK',
    days: '2',
  });
  const set = useMutation({
    mutationFn: (next: ScenarioBody) => apiSend<SimulatorScenario>('PUT', '/api/simulator/scenario', token, next),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['scenario'] }),
  });
  if (scenario.isError && scenario.error instanceof ApiError && scenario.error.status === 404) return <p>{w(lang, 'noSimulator')}</p>;
  if (scenario.isError) return <Problem lang={lang} error={scenario.error} />;
  const s = scenario.data;
  if (!s) return <p>{w(lang, 'loading')}</p>;
  const add = (e: FormEvent) => {
    e.preventDefault();
    const added: ScenarioRule = {
      ...(rule.isin.trim() ? { isin: rule.isin.trim().toUpperCase() } : {}),
      outcome: rule.outcome,
      ...(rule.reason.trim() ? { reason: rule.reason.trim().toUpperCase() } : {}),
      ...(rule.days.trim() ? { days: Number(rule.days) } : {}),
    };
    set.mutate({ rules: [...s.rules, added], failRate: s.failRate });
  };
  return (
    <>
      <table data-testid="scenario-rules">
        <caption>{w(lang, 'rulesCaption')}</caption>
        <Head columns={['ISIN', w(lang, 'account'), w(lang, 'counterparty'), w(lang, 'share'), w(lang, 'outcome'), w(lang, 'reason'), w(lang, 'days')]} />
        <tbody>
          {s.rules.map((r, i) => (
            <tr key={i}>
              <th scope="row">{r.isin ?? '*'}</th>
              <td>{r.account ?? '*'}</td>
              <td>{r.counterparty ?? '*'}</td>
              <td>{r.share ?? 1}</td>
              <td>{r.outcome}</td>
              <td>{r.reason ?? ''}</td>
              <td>{r.days ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {`${w(lang, 'failRate')}: ${s.failRate} · ${w(lang, 'setBy')}: `}
        {s.setBy ? `${s.setBy.updatedBy} (${new Date(s.setBy.updatedAt).toLocaleString(localeOf(lang))})` : w(lang, 'atStart')}
      </p>
      <form className="filters" onSubmit={add} aria-label={w(lang, 'addRule')}>
        <label>
          ISIN
          <input name="rule-isin" value={rule.isin} onChange={(e) => setRule({ ...rule, isin: e.target.value })} />
        </label>
        <label>
          {w(lang, 'outcome')}
          <select name="rule-outcome" value={rule.outcome} onChange={(e) => setRule({ ...rule, outcome: e.target.value as (typeof OUTCOMES)[number] })}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w(lang, 'reason')}
          <input name="rule-reason" value={rule.reason} onChange={(e) => setRule({ ...rule, reason: e.target.value })} />
        </label>
        <label>
          {w(lang, 'days')}
          <input name="rule-days" inputMode="numeric" value={rule.days} onChange={(e) => setRule({ ...rule, days: e.target.value })} />
        </label>
        <button type="submit" disabled={set.isPending}>
          {w(lang, 'addRule')}
        </button>
        <button type="button" disabled={set.isPending || s.rules.length === 0} onClick={() => set.mutate({ rules: [], failRate: s.failRate })}>
          {w(lang, 'removeRules')}
        </button>
      </form>
      {set.isSuccess ? <p role="status">{w(lang, 'scenarioSet')}</p> : null}
      {set.isError ? <Problem lang={lang} error={set.error} /> : null}
    </>
  );
}

/**
 * Settlement: the fails with their age, reason and penalties, each with its actions (resend, cancel
 * and re-instruct, buy-in) proposed for a supervisor's approval; the penalties of a day (a waiver
 * proposed likewise) and of a month by counterparty; and, in a test environment, the simulated
 * CSD's scenario, so a fail can be arranged on purpose.
 */
export function Settlement({ lang, token }: { lang: Lang; token: string }) {
  // The penalties are shown for the business day (and its month) until the operator picks another.
  const today = useQuery({ queryKey: ['business-day'], queryFn: () => apiGetRoute('/api/business-day', token) });
  if (today.isPending) return <p>{w(lang, 'loading')}</p>;
  return <SettlementOf lang={lang} token={token} businessDate={today.data?.businessDate ?? null} />;
}

function SettlementOf({ lang, token, businessDate }: { lang: Lang; token: string; businessDate: string | null }) {
  const locale = localeOf(lang);
  const amount = (v: string | null) => (v === null ? '—' : formatAmount(v, locale));
  const pages = useKeysetPages();
  const fails = useQuery({
    queryKey: ['fails', pages.after],
    queryFn: () => apiGetRoute('/api/fails', token, { query: { limit: PAGE, after: pages.after ?? undefined } }),
    placeholderData: keepPreviousData,
  });
  const [day, setDay] = useState(businessDate ?? '');
  const daily = useQuery({
    queryKey: ['penalties', 'daily', day],
    queryFn: () => apiGetRoute('/api/penalties/daily', token, { query: { date: day, limit: 500 } }),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(day),
  });
  const [month, setMonth] = useState((businessDate ?? '').slice(0, 7));
  const monthPages = useKeysetPages();
  const monthly = useQuery({
    queryKey: ['penalties', 'monthly', month, monthPages.after],
    queryFn: () => apiGetRoute('/api/penalties/monthly', token, { query: { month, limit: COUNTERPARTIES_PAGE, after: monthPages.after ?? undefined } }),
    enabled: /^\d{4}-\d{2}$/.test(month),
    placeholderData: keepPreviousData,
  });
  const monthCounterparties = [...new Set((monthly.data?.byCounterparty ?? []).map((l) => l.counterparty))];
  const failRows = fails.data?.fails ?? [];
  return (
    <>
      <h1>{w(lang, 'settlement')}</h1>
      <section aria-labelledby="fails-title">
        <h2 id="fails-title">{w(lang, 'fails')}</h2>
        {fails.isError ? <Problem lang={lang} error={fails.error} /> : null}
        <table data-testid="fails">
          <caption>{`${w(lang, 'failsCaption')}${fails.data ? ` — ${formatDate(fails.data.asOf, locale)}` : ''}`}</caption>
          <Head
            columns={[
              w(lang, 'reference'),
              'ISIN',
              w(lang, 'side'),
              figures(w(lang, 'remaining')),
              w(lang, 'reason'),
              w(lang, 'intended'),
              figures(w(lang, 'age')),
              w(lang, 'accrued'),
              w(lang, 'action'),
            ]}
          />
          <tbody>
            {failRows.map((f) => (
              <tr key={f.instructionId}>
                <th scope="row">{ref(f.tradeRef)}</th>
                <td>{f.isin}</td>
                <td>{w(lang, f.side === 'SELL' ? 'SELL' : 'BUY')}</td>
                <td className="amount">{amount(f.remainingQuantity)}</td>
                <td>{f.reason ?? ''}</td>
                <td>{formatDate(f.intendedSettlementDate, locale)}</td>
                <td className="amount">{formatCount(f.ageBusinessDays, locale)}</td>
                <td>
                  {f.penaltiesAccrued
                    .map((p) => `${p.currency} ${p.receivable ? `+${amount(p.receivable)}` : ''}${p.payable ? ` −${amount(p.payable)}` : ''}`.trim())
                    .join(' · ')}
                </td>
                <td>
                  <FailAction lang={lang} token={token} fail={f} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!fails.isPending && failRows.length === 0 ? <p>{w(lang, 'noFails')}</p> : null}
        <Pager lang={lang} pages={pages} shown={failRows.length} size={PAGE} lastKey={failRows.at(-1)?.instructionId} />
      </section>

      <section aria-labelledby="daily-title">
        <h2 id="daily-title">{w(lang, 'penaltiesOfDay')}</h2>
        <label>
          {w(lang, 'day')} <input type="date" name="penalty-day" value={day} onChange={(e) => setDay(e.target.value)} />
        </label>
        {daily.isError ? <Problem lang={lang} error={daily.error} /> : null}
        <table data-testid="penalties-daily">
          <caption>{w(lang, 'penaltiesOfDay')}</caption>
          <Head
            columns={[
              w(lang, 'reference'),
              w(lang, 'penaltyKind'),
              w(lang, 'direction'),
              w(lang, 'reason'),
              figures(w(lang, 'quantity')),
              figures(w(lang, 'referencePrice')),
              figures(w(lang, 'rate')),
              figures(w(lang, 'amount')),
              w(lang, 'currency'),
              w(lang, 'action'),
            ]}
          />
          <tbody>
            {(daily.data?.penalties ?? []).map((p) => (
              <tr key={p.penaltyId}>
                <th scope="row">{ref(p.tradeRef)}</th>
                <td>{p.kind}</td>
                <td>{w(lang, p.direction)}</td>
                <td>{p.failReason ?? ''}</td>
                <td className="amount">{amount(p.basisQuantity)}</td>
                <td className="amount">{amount(p.referencePrice)}</td>
                <td className="amount">{p.rate}</td>
                <td className="amount">{p.amount === null ? w(lang, 'awaitingPrice') : amount(p.amount)}</td>
                <td>{p.currency}</td>
                <td>
                  <Waive lang={lang} token={token} penalty={p} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {daily.data && daily.data.penalties.length === 0 ? <p>{w(lang, 'noPenalties')}</p> : null}
      </section>

      <section aria-labelledby="monthly-title">
        <h2 id="monthly-title">{w(lang, 'penaltiesOfMonth')}</h2>
        <label>
          {w(lang, 'month')}{' '}
          <input
            type="month"
            name="penalty-month"
            value={month}
            onChange={(e) => {
              setMonth(e.target.value);
              monthPages.first();
            }}
          />
        </label>
        {monthly.isError ? <Problem lang={lang} error={monthly.error} /> : null}
        <table data-testid="penalties-monthly">
          <caption>{w(lang, 'penaltiesOfMonth')}</caption>
          <Head
            columns={[
              w(lang, 'counterparty'),
              w(lang, 'currency'),
              figures(w(lang, 'count')),
              figures(w(lang, 'receivable')),
              figures(w(lang, 'payable')),
              figures(w(lang, 'net')),
            ]}
          />
          <tbody>
            {(monthly.data?.byCounterparty ?? []).map((l) => (
              <tr key={`${l.counterparty}-${l.currency}`}>
                <th scope="row">{l.counterparty}</th>
                <td>{l.currency}</td>
                <td className="amount">{formatCount(l.count, locale)}</td>
                <td className="amount">{amount(l.receivable)}</td>
                <td className="amount">{amount(l.payable)}</td>
                <td className="amount">{amount(l.net)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager lang={lang} pages={monthPages} shown={monthCounterparties.length} size={COUNTERPARTIES_PAGE} lastKey={monthCounterparties.at(-1)} />
        {monthly.data && monthly.data.awaitingReferencePrice > 0 ? (
          <p>{`${formatCount(monthly.data.awaitingReferencePrice, locale)} ${w(lang, 'awaitingPrices')}`}</p>
        ) : null}
      </section>

      <section aria-labelledby="scenario-title">
        <h2 id="scenario-title">{w(lang, 'scenario')}</h2>
        <SimulatedCsd lang={lang} token={token} />
      </section>
    </>
  );
}
