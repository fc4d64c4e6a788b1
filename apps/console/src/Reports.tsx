import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiDownload, apiGetRoute, apiSend } from './api';
import { formatCount, formatDate, formatTimestamp } from './format';
import { dictionary, localeOf, type Lang } from './i18n';
import { Pager, useKeysetPages } from './Pager';
import { Problem } from './Problem';
import type { ReportFile, ReportRun, ReportRunBody, ReportsFiled } from './schema';
import { Head } from './Table';

const w = dictionary({
  fileNow: { fr: 'Déposer maintenant', en: 'File now' },
  fileNowWhy: {
    fr: 'Une déclaration se dépose une fois sa période terminée, par un opérateur ou un superviseur, sans deuxième validation ; en redéposer une est une correction qui dit ce qu’elle change.',
    en: 'A report is filed once its period has ended, by an operator or a supervisor, with no second approval; filing one again is a correction that says what it changes.',
  },
  period: { fr: 'Période', en: 'Period' },
  prepare: { fr: 'Déposer…', en: 'File…' },
  confirmQuestion: { fr: 'Déposer cette déclaration ? Elle ne peut pas être retirée :', en: 'File this report? It cannot be withdrawn:' },
  confirm: { fr: 'Confirmer le dépôt', en: 'Confirm the filing' },
  cancel: { fr: 'Annuler', en: 'Cancel' },
  filed: { fr: 'Déposée :', en: 'Filed:' },
  nothingFiled: { fr: 'Rien n’a été déposé :', en: 'Nothing was filed:' },
  runs: { fr: 'Déclarations déposées', en: 'Filed reports' },
  runsCaption: { fr: 'Déclarations déposées, de la plus récente', en: 'Filed reports, newest first' },
  version: { fr: 'Version', en: 'Version' },
  correction: { fr: 'correction', en: 'correction' },
  standing: { fr: 'État', en: 'Status' },
  inForce: { fr: 'en vigueur', en: 'in force' },
  replaced: { fr: 'remplacée par une correction', en: 'replaced by a correction' },
  filedAt: { fr: 'Déposée le', en: 'Filed at' },
  filedBy: { fr: 'Par', en: 'By' },
  files: { fr: 'Fichiers', en: 'Files' },
  bytes: { fr: 'octets', en: 'bytes' },
  stated: { fr: 'SHA-256 déclaré par l’API :', en: 'SHA-256 the API states:' },
  computed: { fr: 'SHA-256 calculé par le navigateur :', en: 'SHA-256 the browser computed:' },
  agree: { fr: 'ils concordent', en: 'they agree' },
  disagree: { fr: 'ils NE concordent PAS', en: 'they DO NOT agree' },
  download: { fr: 'Télécharger', en: 'Download' },
  noRuns: { fr: 'Aucune déclaration déposée.', en: 'No report filed.' },
});

type Kind = ReportRun['kind'];
/** The kinds reporting files (REPORT_KINDS), the monthly ones by month, the others by business date. */
const KINDS: Record<Kind, Record<Lang, string> & { monthly: boolean }> = {
  TTF: { fr: 'TTF (taxe sur les transactions financières)', en: 'TTF (French financial transaction tax)', monthly: true },
  BDF_BOP: { fr: 'Banque de France — balance des paiements', en: 'Banque de France — balance of payments', monthly: true },
  BDF_HOLDINGS: { fr: 'Banque de France — détentions', en: 'Banque de France — holdings', monthly: true },
  MIFIR: { fr: 'MiFIR — déclarations de transactions', en: 'MiFIR — transaction reports', monthly: false },
  ACTIVITY: { fr: 'Rapport d’activité', en: 'Activity report', monthly: false },
};
const KIND_NAMES = Object.keys(KINDS) as Kind[];
// A kind the document does not know yet is still shown, by its code.
const kindSaid = (lang: Lang, kind: Kind) => KINDS[kind]?.[lang] ?? kind;

const PAGE = 20;

/** The report kinds to choose from; with `all`, a first choice of every kind (the value ''). */
function KindSelect({ lang, name, value, all, onChange }: { lang: Lang; name: string; value: Kind | ''; all?: string; onChange: (kind: Kind | '') => void }) {
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value as Kind | '')}>
      {all === undefined ? null : <option value="">{all}</option>}
      {KIND_NAMES.map((k) => (
        <option key={k} value={k}>
          {kindSaid(lang, k)}
        </option>
      ))}
    </select>
  );
}

const periodSaid = (r: ReportRun, locale: string) =>
  r.periodStart === r.periodEnd ? formatDate(r.periodStart, locale) : `${formatDate(r.periodStart, locale)} – ${formatDate(r.periodEnd, locale)}`;

/**
 * The reports filed with the authorities: each run with who filed it and when, its files with the
 * checksum they were filed with, downloaded here and checked again in the browser; and a report
 * filed now. Filing is not a proposal: the gateway files it at once for an operator or a supervisor
 * (and writes it to the audit log), so the screen asks once more before it files.
 */
export function Reports({ lang, token }: { lang: Lang; token: string }) {
  return (
    <>
      <h1>{w(lang, 'reports')}</h1>
      <FileNow lang={lang} token={token} />
      <Runs lang={lang} token={token} />
    </>
  );
}

function FileNow({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const client = useQueryClient();
  const [kind, setKind] = useState<Kind>('ACTIVITY');
  const [period, setPeriod] = useState('');
  const [confirming, setConfirming] = useState(false);
  const monthly = KINDS[kind].monthly;
  const file = useMutation({
    mutationFn: () => apiSend<ReportsFiled>('POST', '/api/reports/runs', token, { kind, period } satisfies ReportRunBody),
    onSettled: () => {
      setConfirming(false);
      void client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('report-run') });
    },
  });
  const periodOk = monthly ? /^\d{4}-\d{2}$/.test(period) : /^\d{4}-\d{2}-\d{2}$/.test(period);
  return (
    <section aria-labelledby="file-now-title">
      <h2 id="file-now-title">{w(lang, 'fileNow')}</h2>
      <p>{w(lang, 'fileNowWhy')}</p>
      <div className="filters">
        <label>
          {w(lang, 'kind')}
          <KindSelect
            lang={lang}
            name="report-kind"
            value={kind}
            onChange={(k) => {
              setKind(k as Kind);
              setPeriod('');
              setConfirming(false);
            }}
          />
        </label>
        <label>
          {w(lang, 'period')}
          {/* A month for the monthly declarations, a business date for the others, as reporting takes them. */}
          <input
            name="report-period"
            type={monthly ? 'month' : 'date'}
            value={period}
            onChange={(e) => {
              setPeriod(e.target.value);
              setConfirming(false);
            }}
          />
        </label>
        <button type="button" disabled={!periodOk || confirming || file.isPending} onClick={() => setConfirming(true)}>
          {w(lang, 'prepare')}
        </button>
      </div>
      {confirming ? (
        <div className="card" role="group" aria-labelledby="confirm-filing" data-testid="confirm-filing">
          <p id="confirm-filing">{`${w(lang, 'confirmQuestion')} ${kindSaid(lang, kind)}, ${monthly ? period : formatDate(period, locale)}.`}</p>
          <div className="actions">
            <button type="button" disabled={file.isPending} onClick={() => file.mutate()}>
              {w(lang, 'confirm')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {w(lang, 'cancel')}
            </button>
          </div>
        </div>
      ) : null}
      <div role="status" data-testid="filing-outcome">
        {file.data
          ? file.data.runs.length > 0
            ? `${w(lang, 'filed')} ${file.data.runs.map((r) => `${kindSaid(lang, r.kind)} v${r.version} (${r.runId})`).join(', ')}`
            : `${w(lang, 'nothingFiled')} ${file.data.note ?? ''}`
          : ''}
      </div>
      {file.isError ? <Problem lang={lang} error={file.error} /> : null}
    </section>
  );
}

function Runs({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const [kind, setKind] = useState<Kind | ''>('');
  const pages = useKeysetPages();
  const runs = useQuery({
    queryKey: ['report-runs', kind, pages.after],
    queryFn: () => apiGetRoute('/api/reports/runs', token, { query: { kind: kind || undefined, limit: PAGE, after: pages.after ?? undefined } }),
    placeholderData: keepPreviousData,
  });
  const data = runs.data ?? [];
  return (
    <section aria-labelledby="report-runs-title">
      <h2 id="report-runs-title">{w(lang, 'runs')}</h2>
      <div className="filters">
        <label>
          {w(lang, 'kind')}
          <KindSelect
            lang={lang}
            name="runs-kind"
            value={kind}
            all={w(lang, 'allKinds')}
            onChange={(k) => {
              setKind(k);
              pages.first();
            }}
          />
        </label>
      </div>
      {runs.isError ? (
        <Problem lang={lang} error={runs.error} />
      ) : (
        <>
          <table data-testid="report-runs">
            <caption>{w(lang, 'runsCaption')}</caption>
            <Head
              columns={[w(lang, 'kind'), w(lang, 'period'), w(lang, 'version'), w(lang, 'standing'), w(lang, 'filedAt'), w(lang, 'filedBy'), w(lang, 'files')]}
            />
            <tbody>
              {data.map((r) => (
                <tr key={r.runId} data-testid={`report-run-${r.runId}`}>
                  <th scope="row">{kindSaid(lang, r.kind)}</th>
                  <td>{periodSaid(r, locale)}</td>
                  <td>{r.replaces ? `${r.version} (${w(lang, 'correction')})` : r.version}</td>
                  <td>{r.replacedBy ? w(lang, 'replaced') : w(lang, 'inForce')}</td>
                  <td>{formatTimestamp(r.filedAt, locale)}</td>
                  <td>{r.filedBy}</td>
                  <td>
                    <RunFiles lang={lang} token={token} runId={r.runId} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {runs.isSuccess && data.length === 0 ? <p>{w(lang, 'noRuns')}</p> : null}
          <Pager lang={lang} pages={pages} shown={data.length} size={PAGE} lastKey={data.at(-1)?.runId} />
        </>
      )}
    </section>
  );
}

/** A run's files (the list names none: each run's own answer does), each downloaded and its SHA-256 checked in the browser. */
function RunFiles({ lang, token, runId }: { lang: Lang; token: string; runId: string }) {
  const locale = localeOf(lang);
  const detail = useQuery({ queryKey: ['report-run', runId], queryFn: () => apiGetRoute('/api/reports/runs/{id}', token, { path: { id: runId } }) });
  const [saved, setSaved] = useState<Record<string, { sha256: string } | Error>>({});
  const save = (f: ReportFile) =>
    apiDownload(`/api/reports/runs/${encodeURIComponent(runId)}/files/${encodeURIComponent(f.name)}`, token, f.name).then(
      ({ sha256 }) => setSaved((all) => ({ ...all, [f.name]: { sha256 } })),
      (e: Error) => setSaved((all) => ({ ...all, [f.name]: e })),
    );
  if (detail.isError) return <Problem lang={lang} error={detail.error} />;
  return (
    <ul className="files">
      {(detail.data?.files ?? []).map((f) => {
        const got = saved[f.name];
        return (
          <li key={f.name} data-testid={`file-${f.name}`}>
            <span>{`${f.name} — ${formatCount(f.bytes, locale)} ${w(lang, 'bytes')}`}</span>{' '}
            <button type="button" onClick={() => void save(f)} aria-label={`${w(lang, 'download')} ${f.name}`}>
              {w(lang, 'download')}
            </button>
            <br />
            {w(lang, 'stated')} <code className="checksum">{f.sha256}</code>
            {got instanceof Error ? (
              <Problem lang={lang} error={got} />
            ) : got ? (
              <p role="status" data-testid="checksum-verdict">
                {w(lang, 'computed')} <code className="checksum">{got.sha256}</code>
                {` — ${got.sha256 === f.sha256 ? w(lang, 'agree') : w(lang, 'disagree')}`}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
