import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent } from 'react';
import { apiGetRoute, apiSend, apiUpload } from './api';
import { AccountPicker, useAccountChoice } from './AccountPicker';
import { formatAmount, formatCount, formatDate, formatTimestamp } from './format';
import { dictionary, localeOf, type Lang } from './i18n';
import { Pager, useKeysetPages } from './Pager';
import { Problem } from './Problem';
import type { BreakWorked, ReconciliationBreak, ReconciliationReport, ReconciliationReports, StatementRead, WorkBreakCommand } from './schema';
import { ProposalOutcome, useProposal } from './Propose';
import { figures, Head } from './Table';

const w = dictionary({
  statementId: { fr: 'Identifiant du relevé', en: 'Statement id' },
  theirAccount: { fr: 'Compte chez la banque', en: 'Account at the bank' },
  opening: { fr: 'Solde d’ouverture', en: 'Opening balance' },
  closing: { fr: 'Solde de clôture', en: 'Closing balance' },
  entriesRead: { fr: 'Mouvements lus', en: 'Entries read' },
  holdingsRead: { fr: 'Positions lues', en: 'Holdings read' },
  figures: { fr: 'Écarts ouverts', en: 'Open breaks' },
  openBreaks: { fr: 'Ouverts (dont en analyse)', en: 'Open (under investigation included)' },
  underInvestigation: { fr: 'En cours d’analyse', en: 'Under investigation' },
  oldest: { fr: 'Le plus ancien, en jours ouvrés', en: 'Oldest, in business days' },
  closedToday: { fr: 'Clos aujourd’hui (rapprochement / résolus)', en: 'Closed today (by a run / resolved)' },
  upload: { fr: 'Déposer un relevé', en: 'Upload a statement' },
  uploadWhy: {
    fr: 'Un relevé camt.053 (espèces) de la banque ou semt.002 (titres) du dépositaire, tel qu’il a été reçu : il est rapproché aussitôt.',
    en: 'A camt.053 (cash) from the bank or a semt.002 (holdings) from the custodian, as it was received: it is reconciled at once.',
  },
  ourAccount: { fr: 'Notre compte', en: 'Our account' },
  dropZone: {
    fr: 'Déposez le fichier XML ici, ou choisissez-le',
    en: 'Drop the XML file here, or choose it',
  },
  sending: { fr: 'Envoi de', en: 'Sending' },
  readAs: { fr: 'Ce que le lecteur en a fait', en: 'What the reader made of it' },
  file: { fr: 'Fichier', en: 'File' },
  subject: { fr: 'Objet rapproché', en: 'Reconciled' },
  asOf: { fr: 'Date du relevé', en: 'Statement date' },
  basis: { fr: 'Base', en: 'Basis' },
  rowsChecked: { fr: 'Lignes comparées', en: 'Rows compared' },
  matched: { fr: 'Concordantes', en: 'Matched' },
  run: { fr: 'Rapprochement', en: 'Run' },
  breaksOfRun: { fr: 'Écarts trouvés par ce rapprochement', en: 'Breaks this run found' },
  closedByRun: { fr: 'Écarts antérieurs qu’il ne trouve plus, clos', en: 'Earlier breaks it no longer finds, closed' },
  problems: { fr: 'Problèmes nommés par le lecteur', en: 'Problems the reader named' },
  row: { fr: 'ligne', en: 'row' },
  noBreakFound: { fr: 'Aucun écart : tout concorde.', en: 'No break: everything matches.' },
  breaks: { fr: 'Écarts', en: 'Breaks' },
  breaksCaption: {
    fr: 'Écarts, du plus ancien : notre chiffre (livres) et le leur (relevé)',
    en: 'Breaks, oldest first: our figure (books) and theirs (statement)',
  },
  allStatuses: { fr: 'Tous', en: 'All' },
  item: { fr: 'Ligne', en: 'Item' },
  ours: { fr: 'Attendu (nos livres)', en: 'Expected (our books)' },
  theirs: { fr: 'Trouvé (relevé)', en: 'Found (statement)' },
  difference: { fr: 'Écart', en: 'Difference' },
  age: { fr: 'Âge (jours ouvrés)', en: 'Age (business days)' },
  action: { fr: 'Action', en: 'Action' },
  work: { fr: 'Traiter cet écart', en: 'Work this break' },
  comment: { fr: 'Commentaire', en: 'Comment' },
  investigate: { fr: 'Mettre en analyse', en: 'Put under investigation' },
  reopen: { fr: 'Remettre ouvert', en: 'Back to open' },
  proposeResolution: { fr: 'Proposer la résolution', en: 'Propose the resolution' },
  worked: { fr: 'Statut changé :', en: 'Status changed:' },
  noBreaks: { fr: 'Aucun écart ne répond à ces filtres.', en: 'No break matches these filters.' },
  runs: { fr: 'Rapprochements effectués', en: 'Runs' },
  runsCaption: { fr: 'Rapprochements, du plus récent', en: 'Reconciliation runs, newest first' },
  startedAt: { fr: 'Lancé le', en: 'Started' },
  breaksFound: { fr: 'Écarts', en: 'Breaks' },
  errors: { fr: 'Problèmes', en: 'Problems' },
  noRuns: { fr: 'Aucun rapprochement.', en: 'No run yet.' },
});

const KINDS = ['HOLDINGS', 'CASH', 'PNL'] as const satisfies ReadonlyArray<ReconciliationBreak['kind']>;
const KIND_WORDS: Record<string, Record<Lang, string>> = {
  HOLDINGS: { fr: 'Titres', en: 'Holdings' },
  CASH: { fr: 'Espèces', en: 'Cash' },
  PNL: { fr: 'Résultat', en: 'P&L' },
};
const STATUSES = ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] as const satisfies ReadonlyArray<ReconciliationBreak['status']>;
// A break is masculine in French (un écart): its own words, not the business day's.
const STATUS_WORDS: Record<string, Record<Lang, string>> = {
  OPEN: { fr: 'ouvert', en: 'open' },
  INVESTIGATING: { fr: 'en analyse', en: 'under investigation' },
  RESOLVED: { fr: 'résolu', en: 'resolved' },
  CLOSED: { fr: 'clos par un rapprochement', en: 'closed by a run' },
};
const said = (words: Record<string, Record<Lang, string>>, lang: Lang, code: string) => words[code]?.[lang] ?? code;

const PAGE = 50;
const RUNS_SHOWN = 20;
/** The referential's accounts the picker offers: one page, the API's largest. */

const figure = (value: string | null, locale: string) => (value === null ? '—' : formatAmount(value, locale));

/**
 * The reconciliations: the open breaks with both figures and their difference, each worked here
 * (under investigation directly, resolved through a proposal a supervisor approves); a statement
 * uploaded by drag and drop and what the reader made of it; the latest runs.
 */
export function Reconciliation({ lang, token }: { lang: Lang; token: string }) {
  return (
    <>
      <h1>{w(lang, 'reconciliation')}</h1>
      <Figures lang={lang} token={token} />
      <Upload lang={lang} token={token} />
      <Breaks lang={lang} token={token} />
      <Runs lang={lang} token={token} />
    </>
  );
}

function Figures({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const summary = useQuery({ queryKey: ['breaks-summary'], queryFn: () => apiGetRoute('/api/reconciliations/breaks/summary', token) });
  if (summary.isError) return <Problem lang={lang} error={summary.error} />;
  const s = summary.data;
  if (!s) return null;
  return (
    <section aria-labelledby="figures-title">
      <h2 id="figures-title">{w(lang, 'figures')}</h2>
      <dl className="facts" data-testid="break-figures">
        <div>
          <dt>{w(lang, 'openBreaks')}</dt>
          <dd>{formatCount(s.open, locale)}</dd>
        </div>
        <div>
          <dt>{w(lang, 'underInvestigation')}</dt>
          <dd>{formatCount(s.investigating, locale)}</dd>
        </div>
        <div>
          <dt>{w(lang, 'oldest')}</dt>
          <dd>{formatCount(s.oldestBusinessDays, locale)}</dd>
        </div>
        <div>
          <dt>{w(lang, 'closedToday')}</dt>
          <dd>{`${formatCount(s.closedToday.byRuns, locale)} / ${formatCount(s.closedToday.resolved, locale)}`}</dd>
        </div>
      </dl>
    </section>
  );
}

function Upload({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const client = useQueryClient();
  const [fileName, setFileName] = useState<string | null>(null);
  const choice = useAccountChoice(token);
  const chosen = choice.chosen;
  const upload = useMutation({
    // The gateway passes the XML on as it came; the content type says it is XML, whatever the file's name.
    mutationFn: (file: File) =>
      apiUpload<ReconciliationReport | ReconciliationReports>(
        `/api/reconciliations/statements?account=${encodeURIComponent(chosen!)}`,
        token,
        file,
        'application/xml',
      ),
    onSettled: () => void client.invalidateQueries({ predicate: (q) => ['recon-runs', 'breaks', 'breaks-summary'].includes(String(q.queryKey[0])) }),
  });
  const send = (file: File | undefined) => {
    if (!file || chosen === null) return;
    setFileName(file.name);
    upload.mutate(file);
  };
  const onDrop = (e: DragEvent<HTMLLabelElement>) => {
    e.preventDefault();
    send(e.dataTransfer.files[0]);
  };
  const reports = upload.data ? ('runs' in upload.data ? upload.data.runs : [upload.data]) : [];

  return (
    <section aria-labelledby="upload-title">
      <h2 id="upload-title">{w(lang, 'upload')}</h2>
      <p>{w(lang, 'uploadWhy')}</p>
      <div className="actions">
        <AccountPicker lang={lang} label={w(lang, 'ourAccount')} name="statement-account" choice={choice} />
      </div>
      {/* The drop zone is the file input's own label: a click or the keyboard opens the file picker, a drop sends the file. */}
      <label className="drop-zone" data-testid="drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
        {w(lang, 'dropZone')}
        <input
          name="statement"
          type="file"
          accept=".xml,application/xml,text/xml"
          disabled={chosen === null || upload.isPending}
          onChange={(e) => {
            send(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </label>
      <div role="status" data-testid="upload-status">
        {upload.isPending && fileName ? `${w(lang, 'sending')} ${fileName}…` : ''}
      </div>
      {upload.isError ? <Problem lang={lang} error={upload.error} /> : null}
      {reports.map((r) => (
        <RunRead key={r.runId} lang={lang} locale={locale} fileName={fileName} report={r} />
      ))}
    </section>
  );
}

/** The statement as the reader read it: the bank's account, its id, its balances as written, the entries read and compared. */
function StatementFacts({ lang, locale, st }: { lang: Lang; locale: string; st: StatementRead }) {
  const facts: Array<[string, string, string]> = [
    ['statementId', w(lang, 'statementId'), st.statementId],
    ['their-account', w(lang, 'theirAccount'), st.cashAccount ?? st.safekeepingAccount ?? '—'],
    ...(st.openingBalance !== undefined ? [['opening', w(lang, 'opening'), figure(st.openingBalance, locale)] as [string, string, string]] : []),
    ...(st.closingBalance !== undefined ? [['closing', w(lang, 'closing'), figure(st.closingBalance, locale)] as [string, string, string]] : []),
    ...(st.entries !== undefined ? [['entries', w(lang, 'entriesRead'), formatCount(st.entries, locale)] as [string, string, string]] : []),
    ...(st.holdings !== undefined ? [['holdings', w(lang, 'holdingsRead'), formatCount(st.holdings, locale)] as [string, string, string]] : []),
  ];
  return (
    <>
      {facts.map(([id, label, value]) => (
        <div key={id}>
          <dt>{label}</dt>
          <dd data-testid={`read-${id}`}>{st.currency && (id === 'opening' || id === 'closing') ? `${value} ${st.currency}` : value}</dd>
        </div>
      ))}
    </>
  );
}

/** One run an upload made: what was reconciled and as of when, the breaks it found or closed, or every problem named. */
function RunRead({ lang, locale, fileName, report: r }: { lang: Lang; locale: string; fileName: string | null; report: ReconciliationReport }) {
  return (
    <article className="card" data-testid="upload-run" aria-labelledby={`read-${r.runId}`}>
      <h3 id={`read-${r.runId}`}>{`${w(lang, 'readAs')} — ${said(KIND_WORDS, lang, r.kind)}`}</h3>
      <dl className="facts">
        <div>
          <dt>{w(lang, 'file')}</dt>
          <dd>{fileName ?? '—'}</dd>
        </div>
        <div>
          <dt>{w(lang, 'subject')}</dt>
          <dd data-testid="read-subject">{r.subject}</dd>
        </div>
        <div>
          <dt>{w(lang, 'asOf')}</dt>
          <dd data-testid="read-as-of">{formatDate(r.asOf, locale)}</dd>
        </div>
        {r.basis ? (
          <div>
            <dt>{w(lang, 'basis')}</dt>
            <dd>{r.basis}</dd>
          </div>
        ) : null}
        {r.statement ? <StatementFacts lang={lang} locale={locale} st={r.statement} /> : null}
        <div>
          <dt>{w(lang, 'rowsChecked')}</dt>
          <dd data-testid="read-rows">{formatCount(r.rowsChecked, locale)}</dd>
        </div>
        <div>
          <dt>{w(lang, 'matched')}</dt>
          <dd data-testid="read-matched">{formatCount(r.matched, locale)}</dd>
        </div>
        <div>
          <dt>{w(lang, 'run')}</dt>
          <dd>
            <code>{r.runId}</code>
          </dd>
        </div>
      </dl>
      {r.errors.length > 0 ? (
        <>
          <h4>{w(lang, 'problems')}</h4>
          <ul data-testid="read-problems">
            {r.errors.map((p, i) => (
              <li key={i}>{`${w(lang, 'row')} ${p.row}: ${p.problem}`}</li>
            ))}
          </ul>
        </>
      ) : null}
      {r.breaks.length > 0 ? (
        <table data-testid="read-breaks">
          <caption>{w(lang, 'breaksOfRun')}</caption>
          <Head
            columns={[
              w(lang, 'item'),
              w(lang, 'field'),
              figures(w(lang, 'ours')),
              figures(w(lang, 'theirs')),
              figures(w(lang, 'difference')),
              w(lang, 'status'),
            ]}
          />
          <tbody>
            {r.breaks.map((b) => (
              <tr key={b.breakId}>
                <th scope="row">{b.item}</th>
                <td>{b.field}</td>
                <td className="amount">{figure(b.ours, locale)}</td>
                <td className="amount">{figure(b.theirs, locale)}</td>
                <td className="amount">{figure(b.difference, locale)}</td>
                <td>{said(STATUS_WORDS, lang, b.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : r.errors.length === 0 ? (
        <p>{w(lang, 'noBreakFound')}</p>
      ) : null}
      {r.closed.length > 0 ? (
        <>
          <h4>{w(lang, 'closedByRun')}</h4>
          <ul>
            {r.closed.map((c) => (
              <li key={c.breakId}>{`${c.item} — ${c.field} (${formatDate(c.firstSeen, locale)})`}</li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}

function Breaks({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const [kind, setKind] = useState<(typeof KINDS)[number] | ''>('');
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('OPEN');
  const pages = useKeysetPages();
  const breaks = useQuery({
    queryKey: ['breaks', kind, status, pages.after],
    queryFn: () =>
      apiGetRoute('/api/reconciliations/breaks', token, {
        query: { kind: kind || undefined, status: status || undefined, limit: PAGE, after: pages.after ?? undefined },
      }),
    placeholderData: keepPreviousData,
  });
  const data = breaks.data ?? [];
  return (
    <section aria-labelledby="breaks-title">
      <h2 id="breaks-title">{w(lang, 'breaks')}</h2>
      <div className="filters">
        <label>
          {w(lang, 'kind')}
          <select
            name="break-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as (typeof KINDS)[number] | '');
              pages.first();
            }}
          >
            <option value="">{w(lang, 'allKinds')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {said(KIND_WORDS, lang, k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w(lang, 'status')}
          <select
            name="break-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as (typeof STATUSES)[number] | '');
              pages.first();
            }}
          >
            <option value="">{w(lang, 'allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {said(STATUS_WORDS, lang, s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {breaks.isError ? (
        <Problem lang={lang} error={breaks.error} />
      ) : (
        <>
          <table data-testid="breaks">
            <caption>{w(lang, 'breaksCaption')}</caption>
            <Head
              columns={[
                w(lang, 'item'),
                w(lang, 'kind'),
                w(lang, 'subject'),
                w(lang, 'field'),
                figures(w(lang, 'ours')),
                figures(w(lang, 'theirs')),
                figures(w(lang, 'difference')),
                w(lang, 'asOf'),
                figures(w(lang, 'age')),
                w(lang, 'status'),
                w(lang, 'action'),
              ]}
            />
            <tbody>
              {data.map((b) => (
                <tr key={b.breakId} data-testid={`break-${b.breakId}`}>
                  <th scope="row">{b.item}</th>
                  <td>{said(KIND_WORDS, lang, b.kind)}</td>
                  <td>{b.subject}</td>
                  <td>{b.field}</td>
                  <td className="amount">{figure(b.ours, locale)}</td>
                  <td className="amount">{figure(b.theirs, locale)}</td>
                  <td className="amount">{figure(b.difference, locale)}</td>
                  <td>{formatDate(b.asOf, locale)}</td>
                  <td className="amount">{formatCount(b.ageBusinessDays, locale)}</td>
                  <td>{said(STATUS_WORDS, lang, b.status)}</td>
                  <td>{b.status === 'OPEN' || b.status === 'INVESTIGATING' ? <WorkBreak lang={lang} token={token} brk={b} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {breaks.isSuccess && data.length === 0 ? <p>{w(lang, 'noBreaks')}</p> : null}
          <Pager lang={lang} pages={pages} shown={data.length} size={PAGE} lastKey={data.at(-1)?.breakId} />
        </>
      )}
    </section>
  );
}

/**
 * One break's work: under investigation and back to open are the operator's own (PATCH, audited at
 * the gateway); resolving it takes a RESOLVE_BREAK proposal a supervisor approves. Each says why.
 */
function WorkBreak({ lang, token, brk }: { lang: Lang; token: string; brk: ReconciliationBreak }) {
  const client = useQueryClient();
  const [comment, setComment] = useState('');
  const proposal = useProposal(token);
  const move = useMutation({
    mutationFn: (to: 'OPEN' | 'INVESTIGATING') =>
      apiSend<BreakWorked>('PATCH', `/api/reconciliations/breaks/${encodeURIComponent(brk.breakId)}`, token, {
        status: to,
        comment: comment.trim(),
      } satisfies WorkBreakCommand),
    onSuccess: () => void client.invalidateQueries({ predicate: (q) => ['breaks', 'breaks-summary'].includes(String(q.queryKey[0])) }),
  });
  const noComment = comment.trim() === '';
  return (
    <details>
      <summary>{w(lang, 'work')}</summary>
      <label className="stacked">
        {w(lang, 'comment')}
        <textarea name={`comment-${brk.breakId}`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <div className="actions">
        {brk.status === 'OPEN' ? (
          <button type="button" disabled={noComment || move.isPending} onClick={() => move.mutate('INVESTIGATING')}>
            {w(lang, 'investigate')}
          </button>
        ) : (
          <button type="button" disabled={noComment || move.isPending} onClick={() => move.mutate('OPEN')}>
            {w(lang, 'reopen')}
          </button>
        )}
        <button
          type="button"
          disabled={noComment || proposal.isPending || proposal.isSuccess}
          onClick={() => proposal.mutate({ kind: 'RESOLVE_BREAK', params: { breakId: brk.breakId, comment: comment.trim() } })}
        >
          {w(lang, 'proposeResolution')}
        </button>
      </div>
      {move.isError ? <Problem lang={lang} error={move.error} /> : null}
      <ProposalOutcome lang={lang} proposal={proposal} />
    </details>
  );
}

function Runs({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const runs = useQuery({ queryKey: ['recon-runs'], queryFn: () => apiGetRoute('/api/reconciliations/runs', token, { query: { limit: RUNS_SHOWN } }) });
  const data = runs.data ?? [];
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">{w(lang, 'runs')}</h2>
      {runs.isError ? (
        <Problem lang={lang} error={runs.error} />
      ) : (
        <>
          <table data-testid="recon-runs">
            <caption>{w(lang, 'runsCaption')}</caption>
            <Head
              columns={[
                w(lang, 'startedAt'),
                w(lang, 'kind'),
                w(lang, 'subject'),
                w(lang, 'asOf'),
                figures(w(lang, 'rowsChecked')),
                figures(w(lang, 'matched')),
                figures(w(lang, 'breaksFound')),
                w(lang, 'errors'),
              ]}
            />
            <tbody>
              {data.map((r) => (
                <tr key={r.runId}>
                  <th scope="row">{formatTimestamp(r.startedAt, locale)}</th>
                  <td>{said(KIND_WORDS, lang, r.kind)}</td>
                  <td>{r.subject}</td>
                  <td>{formatDate(r.asOf, locale)}</td>
                  <td className="amount">{formatCount(r.rowsChecked, locale)}</td>
                  <td className="amount">{formatCount(r.matched, locale)}</td>
                  <td className="amount">{formatCount(r.breaks, locale)}</td>
                  <td>{r.errors.length === 0 ? '—' : r.errors.map((p) => `${w(lang, 'row')} ${p.row}: ${p.problem}`).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {runs.isSuccess && data.length === 0 ? <p>{w(lang, 'noRuns')}</p> : null}
        </>
      )}
    </section>
  );
}
