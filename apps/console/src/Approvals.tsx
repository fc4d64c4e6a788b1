import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiGet, apiGetRoute, apiSend } from './api';
import type { SignedIn } from './auth';
import { dictionary, localeOf, type Lang } from './i18n';
import { Pager, useKeysetPages } from './Pager';
import type { Answer, ProposalDecided, ProposalRejected, ProposalView, ProposalWithdrawn, RejectCommand, WithdrawCommand } from './schema';
import { Head } from './Table';
import { correctedFields } from './correction';
import { formatTimestamp } from './format';

const w = dictionary({
  waitingForMe: { fr: 'En attente de ma validation', en: 'Waiting for my approval' },
  mine: { fr: 'Mes propositions en attente', en: 'My pending proposals' },
  proposedBy: { fr: 'Proposée par', en: 'Proposed by' },
  parameters: { fr: 'Paramètres', en: 'Parameters' },
  change: { fr: 'Ce qu’elle change', en: 'What it changes' },
  correction: { fr: 'Ce que la correction change au message reçu', en: 'What the correction changes in the message as it came' },
  before: { fr: 'Avant', en: 'Before' },
  after: { fr: 'Après', en: 'After' },
  approve: { fr: 'Valider', en: 'Approve' },
  reject: { fr: 'Refuser', en: 'Reject' },
  withdraw: { fr: 'Retirer', en: 'Withdraw' },
  why: { fr: 'Motif du refus', en: 'Why it is rejected' },
  ownProposal: {
    fr: 'Vous l’avez proposée : une autre personne doit la valider (quatre yeux). Vous pouvez la retirer.',
    en: 'You proposed it: another person must approve it (four eyes). You may withdraw it.',
  },
  notAChecker: { fr: 'Seul un superviseur peut valider.', en: 'Only a supervisor may approve.' },
  nothingWaiting: { fr: 'Rien n’attend votre validation.', en: 'Nothing waits for your approval.' },
  nothingMine: { fr: 'Aucune proposition de votre part n’est en attente.', en: 'No proposal of yours is pending.' },
  outcome: { fr: 'Résultat', en: 'Outcome' },
  EXECUTED: { fr: 'exécutée', en: 'carried out' },
  FAILED: { fr: 'refusée par le service', en: 'refused by the service' },
  REJECTED: { fr: 'refusée', en: 'rejected' },
  WITHDRAWN: { fr: 'retirée', en: 'withdrawn' },
});

/** What a decision answers: carried out (or refused by the service), rejected, or withdrawn. */
type Decision = ProposalDecided | ProposalRejected | ProposalWithdrawn;

const PAGE = 25;

/** The parameters without the change shown apart: what carrying it out uses. */
/** For a corrected replay: what the correction changes in the message as it came (capture's exception). */
function Correction({ lang, token, exceptionId, message }: { lang: Lang; token: string; exceptionId: string; message: Record<string, unknown> }) {
  const exception = useQuery({
    queryKey: ['exception', exceptionId],
    queryFn: () => apiGetRoute('/api/exceptions/{id}', token, { path: { id: exceptionId } }),
  });
  if (!exception.data) return null;
  const changes = correctedFields(exception.data.original, message);
  return (
    <table data-testid="correction">
      <caption>{w(lang, 'correction')}</caption>
      <Head columns={[w(lang, 'field'), w(lang, 'before'), w(lang, 'after')]} />
      <tbody>
        {changes.map((c) => (
          <tr key={c.field}>
            <th scope="row">{c.field}</th>
            <td>
              <code>{c.before}</code>
            </td>
            <td>
              <code>{c.after}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A proposal's parameters as the approver reads them: each field by name, an object's fields nested
 * under it; a list (a referential's rows, a message's records) as its JSON.
 */
function Fields({ value }: { value: Record<string, unknown> }) {
  return (
    <dl className="fields">
      {Object.entries(value).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            {v !== null && typeof v === 'object' && !Array.isArray(v) ? (
              <Fields value={v as Record<string, unknown>} />
            ) : Array.isArray(v) ? (
              <pre>{JSON.stringify(v, null, 2)}</pre>
            ) : (
              <code>{v === null ? '—' : String(v)}</code>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Parameters({ lang, params }: { lang: Lang; params: ProposalView['params'] }) {
  const { change, ...rest } = params;
  const beforeAfter =
    typeof change === 'object' && change !== null && 'before' in change && 'after' in change ? (change as { before: unknown; after: unknown }) : null;
  return (
    <>
      <section>
        <h3>{w(lang, 'parameters')}</h3>
        <Fields value={rest} />
      </section>
      {change === undefined ? null : beforeAfter ? (
        <table className="side-by-side">
          <caption>{w(lang, 'change')}</caption>
          <Head columns={[w(lang, 'before'), w(lang, 'after')]} />
          <tbody>
            <tr>
              <td>
                <pre>{JSON.stringify(beforeAfter.before, null, 2)}</pre>
              </td>
              <td>
                <pre>{JSON.stringify(beforeAfter.after, null, 2)}</pre>
              </td>
            </tr>
          </tbody>
        </table>
      ) : (
        <section>
          <h3>{w(lang, 'change')}</h3>
          <pre>{JSON.stringify(change, null, 2)}</pre>
        </section>
      )}
    </>
  );
}

/**
 * Four eyes: what waits for my approval (someone else's proposals), with their parameters and what
 * they change, to approve or reject with a reason; and my own pending proposals, which I may only
 * withdraw. The gateway decides: a refusal (my own proposal, a role that may not) is shown as it says.
 */
export function Approvals({ lang, who }: { lang: Lang; who: SignedIn }) {
  const token = who.accessToken;
  const pages = useKeysetPages();
  const client = useQueryClient();
  const pending = useQuery({
    queryKey: ['proposals', 'PENDING', pages.after],
    // Not apiGetRoute: the document marks the optional `maker` filter required.
    queryFn: () =>
      apiGet<Answer<'/api/proposals'>>(
        `/api/proposals?${new URLSearchParams({ status: 'PENDING', limit: String(PAGE), ...(pages.after ? { after: pages.after } : {}) })}`,
        token,
      ),
    placeholderData: keepPreviousData,
  });
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ proposal: ProposalView; decision: Decision } | null>(null);
  const decide = useMutation({
    mutationFn: ({ p, action }: { p: ProposalView; action: 'approve' | 'reject' | 'withdraw' }) =>
      apiSend<Decision>(
        'POST',
        `/api/proposals/${p.proposalId}/${action}`,
        token,
        action === 'approve' ? undefined : ({ comment: reasons[p.proposalId] ?? '' } satisfies RejectCommand & WithdrawCommand),
      ),
    onSuccess: (decision, { p }) => {
      setOutcome({ proposal: p, decision });
      void client.invalidateQueries();
    },
  });
  const rows = pending.data ?? [];
  const others = rows.filter((p) => p.maker !== who.id);
  const mine = rows.filter((p) => p.maker === who.id);
  const checker = who.roles.includes('supervisor');

  const card = (p: ProposalView, own: boolean) => (
    <li key={p.proposalId} className="card" data-testid={`proposal-${p.proposalId}`}>
      <h3>
        {p.kind} — {p.summary}
      </h3>
      <p>
        {w(lang, 'proposedBy')} {p.makerName} · {formatTimestamp(p.createdAt, localeOf(lang))}
      </p>
      <Parameters lang={lang} params={p.params} />
      {p.kind === 'REPLAY_EXCEPTION' && typeof p.params.exceptionId === 'string' && typeof p.params.message === 'object' && p.params.message !== null ? (
        <Correction lang={lang} token={token} exceptionId={p.params.exceptionId} message={p.params.message as Record<string, unknown>} />
      ) : null}
      {own ? (
        <>
          <p>{w(lang, 'ownProposal')}</p>
          <button type="button" disabled={decide.isPending} onClick={() => decide.mutate({ p, action: 'withdraw' })}>
            {w(lang, 'withdraw')}
          </button>
        </>
      ) : checker ? (
        <div className="actions">
          <button type="button" disabled={decide.isPending} onClick={() => decide.mutate({ p, action: 'approve' })}>
            {w(lang, 'approve')}
          </button>
          <label>
            {w(lang, 'why')} <input value={reasons[p.proposalId] ?? ''} onChange={(e) => setReasons({ ...reasons, [p.proposalId]: e.target.value })} />
          </label>
          <button type="button" disabled={decide.isPending || !(reasons[p.proposalId] ?? '').trim()} onClick={() => decide.mutate({ p, action: 'reject' })}>
            {w(lang, 'reject')}
          </button>
        </div>
      ) : (
        <p>{w(lang, 'notAChecker')}</p>
      )}
    </li>
  );

  return (
    <>
      <h1>{w(lang, 'approvals')}</h1>
      <div role="status" data-testid="decision">
        {outcome ? `${outcome.proposal.kind} — ${outcome.proposal.summary}: ${w(lang, outcome.decision.status)}` : ''}
      </div>
      {outcome && 'result' in outcome.decision ? (
        <details>
          <summary>{w(lang, 'outcome')}</summary>
          <pre data-testid="decision-result">{JSON.stringify(outcome.decision.result, null, 2)}</pre>
        </details>
      ) : null}
      {decide.isError ? <p role="alert">{`${w(lang, 'error')}: ${decide.error.message}`}</p> : null}
      {pending.isError ? <p role="alert">{`${w(lang, 'error')}: ${pending.error.message}`}</p> : null}
      <section aria-labelledby="waiting-title">
        <h2 id="waiting-title">{w(lang, 'waitingForMe')}</h2>
        <ul className="exceptions" data-testid="waiting">
          {others.map((p) => card(p, false))}
        </ul>
        {!pending.isPending && others.length === 0 ? <p>{w(lang, 'nothingWaiting')}</p> : null}
      </section>
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{w(lang, 'mine')}</h2>
        <ul className="exceptions" data-testid="mine">
          {mine.map((p) => card(p, true))}
        </ul>
        {!pending.isPending && mine.length === 0 ? <p>{w(lang, 'nothingMine')}</p> : null}
      </section>
      <Pager lang={lang} pages={pages} shown={rows.length} size={PAGE} lastKey={rows.at(-1)?.proposalId} />
    </>
  );
}
