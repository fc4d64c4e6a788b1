import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiGetRoute } from './api';
import { ListChoice, Pager, useKeysetPages } from './Pager';
import { dictionary, localeOf, t, type Lang } from './i18n';
import { ProposalOutcome, useProposal } from './Propose';
import type { CaptureException } from './schema';
import { Head } from './Table';
import { formatTimestamp } from './format';

const w = dictionary({
  correct: { fr: 'Corriger et rejouer', en: 'Correct and replay' },
  corrected: { fr: 'Le message corrigé (JSON)', en: 'The corrected message (JSON)' },
  proposeCorrected: { fr: 'Proposer le rejeu corrigé', en: 'Propose the corrected replay' },
  proposeAsItCame: { fr: 'Proposer le rejeu tel quel', en: 'Propose replaying it as it came' },
  notJson: { fr: 'Ce n’est pas un objet JSON', en: 'This is not a JSON object' },
  rejectIt: { fr: 'Rejeter l’exception', en: 'Reject the exception' },
  why: { fr: 'Motif', en: 'Why' },
  proposeReject: { fr: 'Proposer le rejet', en: 'Propose the rejection' },
});

/** The original bytes laid out for correcting, when they are JSON (else as they came). */
function editable(original: string): string {
  try {
    return JSON.stringify(JSON.parse(original), null, 2);
  } catch {
    return original;
  }
}

function parsedObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Correct the message and replay it, replay it as it came (the referential was fixed meanwhile), or
 * reject it with a reason: each a proposal a supervisor approves; capture checks the replay again.
 */
function ExceptionActions({ lang, token, x }: { lang: Lang; token: string; x: CaptureException }) {
  const [text, setText] = useState(() => editable(x.original));
  const [comment, setComment] = useState('');
  const proposal = useProposal(token);
  const message = parsedObject(text);
  return (
    <>
      <details>
        <summary>{w(lang, 'correct')}</summary>
        <label className="stacked">
          {w(lang, 'corrected')}
          <textarea name="corrected" rows={14} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
        </label>
        {message ? null : <p role="alert">{w(lang, 'notJson')}</p>}
        <div className="actions">
          <button
            type="button"
            disabled={!message || proposal.isPending}
            onClick={() => proposal.mutate({ kind: 'REPLAY_EXCEPTION', params: { exceptionId: x.exceptionId, message } })}
          >
            {w(lang, 'proposeCorrected')}
          </button>
          <button
            type="button"
            disabled={proposal.isPending}
            onClick={() => proposal.mutate({ kind: 'REPLAY_EXCEPTION', params: { exceptionId: x.exceptionId } })}
          >
            {w(lang, 'proposeAsItCame')}
          </button>
        </div>
      </details>
      <details>
        <summary>{w(lang, 'rejectIt')}</summary>
        <div className="actions">
          <label>
            {w(lang, 'why')} <input name="comment" value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={!comment.trim() || proposal.isPending}
            onClick={() => proposal.mutate({ kind: 'REJECT_EXCEPTION', params: { exceptionId: x.exceptionId, comment } })}
          >
            {w(lang, 'proposeReject')}
          </button>
        </div>
      </details>
      <ProposalOutcome lang={lang} proposal={proposal} />
    </>
  );
}

const KINDS = ['', 'INPUT', 'LIFECYCLE', 'CONFIRMATION'] as const satisfies ReadonlyArray<CaptureException['kind'] | ''>;
const PAGE = 20;

/**
 * The exceptions queue, oldest first, by kind, a page at a time (keyset on the last exception shown):
 * each with every broken rule and the original bytes. Correcting and replaying, or rejecting, goes
 * through a proposal a second person approves (ExceptionActions).
 */
export function Exceptions({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('');
  const pages = useKeysetPages();
  const after = pages.after;
  const list = useQuery({
    queryKey: ['exceptions', kind, after],
    queryFn: () => apiGetRoute('/api/exceptions', token, { query: { status: 'OPEN', limit: PAGE, kind: kind || undefined, after: after ?? undefined } }),
    placeholderData: keepPreviousData,
  });
  const data = list.data ?? [];
  return (
    <>
      <h1>{t(lang, 'exceptions')}</h1>
      <ListChoice
        label={t(lang, 'kind')}
        name="kind"
        value={kind}
        options={KINDS}
        text={(k) => (k === '' ? t(lang, 'allKinds') : k)}
        pages={pages}
        onChoose={setKind}
      />
      {list.isError ? <p role="alert">{`${t(lang, 'error')}: ${list.error.message}`}</p> : null}
      <ul className="exceptions" data-testid="exceptions">
        {data.map((x) => (
          <li key={x.exceptionId} className="card" data-testid={`exception-${x.exceptionId}`}>
            <h2>
              {x.kind} — {x.tradeRef ?? t(lang, 'noReference')}
            </h2>
            <p>
              {formatTimestamp(x.createdAt, locale)} · {x.topic} · {t(lang, 'attempts')} {x.attempts.length}
            </p>
            <table>
              <caption>{t(lang, 'brokenRules')}</caption>
              <Head columns={[t(lang, 'field'), t(lang, 'rule'), t(lang, 'value')]} />
              <tbody>
                {x.reasons.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{r.field}</th>
                    <td>{r.rule}</td>
                    <td>
                      <code>{r.value === undefined ? '' : JSON.stringify(r.value)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <details>
              <summary>{t(lang, 'original')}</summary>
              <pre>{x.original}</pre>
            </details>
            <ExceptionActions lang={lang} token={token} x={x} />
          </li>
        ))}
      </ul>
      {!list.isPending && data.length === 0 ? <p>{t(lang, 'noExceptions')}</p> : null}
      <Pager lang={lang} pages={pages} shown={data.length} size={PAGE} lastKey={data.at(-1)?.exceptionId} />
    </>
  );
}
