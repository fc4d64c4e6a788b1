import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
// The topic catalogue the services and the broker script read: the console offers the same topics.
import catalogue from '../../../libs/shared/contracts/topics.json';
import { apiGetRoute, apiGetWithHeaders, apiSend } from './api';
import type { SignedIn } from './auth';
import { ListChoice, Pager, useKeysetPages } from './Pager';
import { formatCount, formatTimestamp } from './format';
import { dictionary, localeOf, type Lang } from './i18n';
import { Problem } from './Problem';
import type { Answer, DeadLetter, PathParams, ProposalMade, ProposeCommand } from './schema';
import { figures, Head } from './Table';

const w = dictionary({
  deadLetters: { fr: 'Lettres mortes', en: 'Dead letters' },
  topic: { fr: 'Sujet', en: 'Topic' },
  deadLettersOf: { fr: 'Lettres mortes du sujet', en: 'Dead letters of the topic' },
  place: { fr: 'Partition/position', en: 'Partition/offset' },
  key: { fr: 'Clé', en: 'Key' },
  consumer: { fr: 'Consommateur', en: 'Consumer' },
  why: { fr: 'Motif', en: 'Reason' },
  deadAt: { fr: 'Mise de côté le', en: 'Set aside at' },
  action: { fr: 'Action', en: 'Action' },
  proposeReplay: { fr: 'Proposer le rejeu', en: 'Propose the replay' },
  proposed: {
    fr: 'Rejeu proposé : il attend la validation d’une deuxième personne. Proposition',
    en: 'Replay proposed: it waits for a second person’s approval. Proposal',
  },
  noDeadLetters: { fr: 'Aucune lettre morte sur ce sujet.', en: 'No dead letter on this topic.' },
  audit: { fr: 'Journal d’audit', en: 'Audit log' },
  auditCaption: { fr: 'Journal d’audit, du plus ancien', en: 'Audit log, oldest first' },
  verified: { fr: 'Vérifié : lignes chaînées et scellées jusqu’à la n°', en: 'Verified: rows chained and sealed up to no.' },
  broken: { fr: 'Chaîne rompue à la ligne', en: 'Chain broken at row' },
  seq: { fr: 'N°', en: 'No.' },
  at: { fr: 'Horodatage', en: 'Time' },
  actor: { fr: 'Auteur', en: 'Actor' },
  target: { fr: 'Objet', en: 'Target' },
  noAudit: { fr: 'Aucune ligne d’audit.', en: 'No audit row.' },
  parked: { fr: 'Événements en attente dans les outbox', en: 'Events parked in the outboxes' },
  parkedWhy: {
    fr: 'Le broker a refusé ces événements pour eux-mêmes (trop grands, invalides) ; les suivants sont partis. On les republie en base, une fois le topic prêt à les prendre (docs/operations.md).',
    en: 'The broker refused these events for themselves (too large, invalid); the ones behind them went on. They are republished in the database once the topic takes them (docs/operations.md).',
  },
  parkedByProcess: { fr: 'Événements en attente par processus', en: 'Parked events per process' },
  process: { fr: 'Processus', en: 'Process' },
  count: { fr: 'Nombre', en: 'Count' },
  oldest: { fr: 'Le plus ancien', en: 'Oldest' },
  noAnswer: { fr: 'sans réponse', en: 'did not answer' },
  parkedOf: { fr: 'Événements en attente de', en: 'Parked events of' },
  id: { fr: 'Id', en: 'Id' },
  bytes: { fr: 'Octets', en: 'Bytes' },
  refusal: { fr: 'Réponse du broker', en: 'The broker’s answer' },
  parkedAt: { fr: 'Mis en attente le', en: 'Parked at' },
  noParked: { fr: 'Aucun événement en attente.', en: 'No parked event.' },
});

/** The topics a service consumes: only they can have dead letters. */
const TOPICS = catalogue.topics.filter((t) => t.consumers.length > 0).map((t) => t.name);
const AUDIT_PAGE = 50;
const DLQ_PAGE = 50;
const PARKED_PAGE = 50;
type Process = PathParams<'/api/outbox/parked/{service}'>['service'];

/**
 * What runs under the day: the dead letters a consumer gave up on, whose replay is a REPLAY_DLQ
 * proposal a second person approves, and, for the auditor, the audit log and its verification.
 */
export function Operations({ lang, who }: { lang: Lang; who: SignedIn }) {
  const token = who.accessToken;
  return (
    <>
      <h1>{w(lang, 'operations')}</h1>
      <DeadLetters lang={lang} token={token} mayPropose={who.roles.some((r) => MAKERS.includes(r))} />
      <Parked lang={lang} token={token} />
      <Audit lang={lang} token={token} />
    </>
  );
}

/** The roles the gateway lets propose a change (POST /api/proposals): the others are not offered the replay. */
const MAKERS: readonly string[] = ['operator', 'supervisor'];

function DeadLetters({ lang, token, mayPropose }: { lang: Lang; token: string; mayPropose: boolean }) {
  const locale = localeOf(lang);
  const [topic, setTopic] = useState(TOPICS[0] ?? '');
  const [proposals, setProposals] = useState<Record<string, ProposalMade | Error>>({});
  // A page of letters, and where it ended in each partition (x-dlq-next): the next page starts there.
  const pages = useKeysetPages();
  const letters = useQuery({
    queryKey: ['dlq', topic, pages.after],
    queryFn: async () => {
      const q = new URLSearchParams({ topic, limit: String(DLQ_PAGE), ...(pages.after ? { after: pages.after } : {}) });
      const { body, headers } = await apiGetWithHeaders<Answer<'/api/dlq'>>(`/api/dlq?${q}`, token);
      return { rows: body, next: headers.get('x-dlq-next') ?? undefined, cut: headers.get('x-dlq-truncated') === 'true' };
    },
    placeholderData: keepPreviousData,
  });
  const propose = (l: DeadLetter) => {
    const place = `${topic} ${l.partition}/${l.offset}`;
    const replay: ProposeCommand = { kind: 'REPLAY_DLQ', params: { topic, partition: l.partition, offset: l.offset } };
    apiSend<ProposalMade>('POST', '/api/proposals', token, replay).then(
      (p) => setProposals((all) => ({ ...all, [place]: p })),
      (e: Error) => setProposals((all) => ({ ...all, [place]: e })),
    );
  };
  const data = letters.data?.rows ?? [];
  return (
    <section aria-labelledby="dlq-title">
      <h2 id="dlq-title">{w(lang, 'deadLetters')}</h2>
      <ListChoice label={w(lang, 'topic')} name="topic" value={topic} options={TOPICS} pages={pages} onChoose={setTopic} />
      {letters.isError ? (
        <Problem lang={lang} error={letters.error} />
      ) : (
        <>
          <table data-testid="dead-letters">
            <caption>{`${w(lang, 'deadLettersOf')} ${topic}`}</caption>
            <Head columns={[w(lang, 'place'), w(lang, 'key'), w(lang, 'consumer'), w(lang, 'why'), w(lang, 'deadAt'), w(lang, 'action')]} />
            <tbody>
              {data.map((l) => {
                const outcome = proposals[`${topic} ${l.partition}/${l.offset}`];
                return (
                  <tr key={`${l.partition}/${l.offset}`}>
                    <th scope="row">{`${l.partition}/${l.offset}`}</th>
                    <td>{l.key ?? '—'}</td>
                    <td>{l.consumer ?? '—'}</td>
                    <td>
                      <code>{l.error ?? '—'}</code>
                    </td>
                    <td>{l.deadAt ? formatTimestamp(l.deadAt, locale) : '—'}</td>
                    <td>
                      {outcome instanceof Error ? (
                        <Problem lang={lang} error={outcome} />
                      ) : outcome ? (
                        <p role="status">{`${w(lang, 'proposed')} ${outcome.proposalId}.`}</p>
                      ) : mayPropose ? (
                        <button type="button" onClick={() => propose(l)}>
                          {w(lang, 'proposeReplay')}
                        </button>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {letters.isSuccess && data.length === 0 ? <p>{w(lang, 'noDeadLetters')}</p> : null}
          {/* A page cut short by the browse's byte budget is not the last one. */}
          <Pager lang={lang} pages={pages} shown={letters.data?.cut ? DLQ_PAGE : data.length} size={DLQ_PAGE} lastKey={letters.data?.next} />
        </>
      )}
    </section>
  );
}

/** The outbox events the broker refused for themselves, per process, and the chosen process's, a page at a time. */
function Parked({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const counts = useQuery({ queryKey: ['outbox-parked'], queryFn: () => apiGetRoute('/api/outbox/parked', token) });
  const [chosen, setChosen] = useState<Process | null>(null);
  // The first process with events waiting, until one is chosen.
  const process = chosen ?? ((counts.data?.services.find((p) => (p.total ?? 0) > 0)?.service ?? 'gateway') as Process);
  const pages = useKeysetPages();
  const events = useQuery({
    queryKey: ['outbox-parked', process, pages.after],
    queryFn: () =>
      apiGetRoute('/api/outbox/parked/{service}', token, { path: { service: process }, query: { limit: PARKED_PAGE, after: pages.after ?? undefined } }),
    enabled: counts.isSuccess,
    placeholderData: keepPreviousData,
  });
  const rows = events.data ?? [];
  return (
    <section aria-labelledby="parked-title">
      <h2 id="parked-title">{w(lang, 'parked')}</h2>
      <p>{w(lang, 'parkedWhy')}</p>
      {counts.isError ? <Problem lang={lang} error={counts.error} /> : null}
      <table data-testid="parked-counts">
        <caption>{w(lang, 'parkedByProcess')}</caption>
        <Head columns={[w(lang, 'process'), figures(w(lang, 'count')), w(lang, 'oldest')]} />
        <tbody>
          {(counts.data?.services ?? []).map((p) => (
            <tr key={p.service}>
              <th scope="row">{p.service}</th>
              <td className="amount">{p.total === null ? w(lang, 'noAnswer') : formatCount(p.total, locale)}</td>
              <td>{p.oldestParkedAt ? formatTimestamp(p.oldestParkedAt, locale) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ListChoice
        label={w(lang, 'process')}
        name="process"
        value={process}
        options={(counts.data?.services ?? []).map((p) => p.service)}
        pages={pages}
        onChoose={setChosen}
      />
      {events.isError ? <Problem lang={lang} error={events.error} /> : null}
      <table data-testid="parked-events">
        <caption>{`${w(lang, 'parkedOf')} ${process}`}</caption>
        <Head columns={[w(lang, 'id'), w(lang, 'topic'), w(lang, 'key'), figures(w(lang, 'bytes')), w(lang, 'refusal'), w(lang, 'parkedAt')]} />
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <th scope="row">{e.id}</th>
              <td>{e.topic}</td>
              <td>{e.key ?? '—'}</td>
              <td className="amount">{formatCount(e.bytes, locale)}</td>
              <td>
                <code>{e.refusal}</code>
              </td>
              <td>{formatTimestamp(e.parkedAt, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.isSuccess && rows.length === 0 ? <p>{w(lang, 'noParked')}</p> : null}
      <Pager lang={lang} pages={pages} shown={rows.length} size={PARKED_PAGE} lastKey={rows.at(-1)?.id} />
    </section>
  );
}

function Audit({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const pages = useKeysetPages();
  const after = pages.after ?? '0';
  const rows = useQuery({
    queryKey: ['audit', after],
    queryFn: () => apiGetRoute('/api/audit', token, { query: { after: Number(after), limit: AUDIT_PAGE } }),
    placeholderData: keepPreviousData,
  });
  const verdict = useQuery({ queryKey: ['audit-verify'], queryFn: () => apiGetRoute('/api/audit/verify', token) });
  const data = rows.data ?? [];
  const v = verdict.data;
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{w(lang, 'audit')}</h2>
      {/* The log and its check are for the same roles: one refusal says it for both. */}
      {rows.isError ? (
        <Problem lang={lang} error={rows.error} />
      ) : (
        <>
          {verdict.isError ? <Problem lang={lang} error={verdict.error} /> : null}
          {v ? <p data-testid="audit-verdict">{v.ok ? `${w(lang, 'verified')} ${v.headSeq}.` : `${w(lang, 'broken')} ${v.seq ?? '—'}: ${v.problem}`}</p> : null}
          <table data-testid="audit">
            <caption>{w(lang, 'auditCaption')}</caption>
            <Head columns={[w(lang, 'seq'), w(lang, 'at'), w(lang, 'actor'), w(lang, 'action'), w(lang, 'target')]} />
            <tbody>
              {data.map((r) => (
                <tr key={r.seq}>
                  <th scope="row">{r.seq}</th>
                  <td>{formatTimestamp(r.at, locale)}</td>
                  <td>{r.actor}</td>
                  <td>{r.action}</td>
                  <td>{r.target}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.isSuccess && data.length === 0 ? <p>{w(lang, 'noAudit')}</p> : null}
          <Pager lang={lang} pages={pages} shown={data.length} size={AUDIT_PAGE} lastKey={data.at(-1) ? String(data.at(-1)!.seq) : undefined} />
        </>
      )}
    </section>
  );
}
