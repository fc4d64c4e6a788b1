import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiGet } from './api';
import { Pager, useKeysetPages } from './Pager';
import { localeOf, t, type Lang } from './i18n';

/** A row of GET /api/exceptions (capture's queue): every rule the input broke, and the input as it came. */
interface TradeException {
  exceptionId: string;
  tradeRef: string | null;
  kind: 'INPUT' | 'LIFECYCLE' | 'CONFIRMATION';
  status: string;
  reasons: Array<{ field: string; rule: string; value?: unknown }>;
  topic: string;
  /** Each replay tried and refused, with its problems. */
  attempts: unknown[];
  createdAt: string;
  original: string;
}

const KINDS = ['', 'INPUT', 'LIFECYCLE', 'CONFIRMATION'] as const;
const PAGE = 20;

/**
 * The exceptions queue, oldest first, by kind, a page at a time (keyset on the last exception shown):
 * each with every broken rule and the original bytes. Correcting and replaying, or rejecting, goes
 * through a proposal a second person approves.
 */
export function Exceptions({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('');
  const pages = useKeysetPages();
  const after = pages.after;
  const list = useQuery({
    queryKey: ['exceptions', kind, after],
    queryFn: () =>
      apiGet<TradeException[]>(
        `/api/exceptions?${new URLSearchParams({ status: 'OPEN', limit: String(PAGE), ...(kind ? { kind } : {}), ...(after ? { after } : {}) })}`,
        token,
      ),
    placeholderData: keepPreviousData,
  });
  const data = list.data ?? [];
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
  return (
    <>
      <h1>{t(lang, 'exceptions')}</h1>
      <label>
        {t(lang, 'kind')}{' '}
        <select
          name="kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as (typeof KINDS)[number]);
            pages.first();
          }}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {k === '' ? t(lang, 'allKinds') : k}
            </option>
          ))}
        </select>
      </label>
      {list.isError ? <p role="alert">{`${t(lang, 'error')}: ${list.error.message}`}</p> : null}
      <ul className="exceptions" data-testid="exceptions">
        {data.map((x) => (
          <li key={x.exceptionId} className="card">
            <h2>
              {x.kind} — {x.tradeRef ?? t(lang, 'noReference')}
            </h2>
            <p>
              {when.format(new Date(x.createdAt))} · {x.topic} · {t(lang, 'attempts')} {x.attempts.length}
            </p>
            <table>
              <caption>{t(lang, 'brokenRules')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(lang, 'field')}</th>
                  <th scope="col">{t(lang, 'rule')}</th>
                  <th scope="col">{t(lang, 'value')}</th>
                </tr>
              </thead>
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
          </li>
        ))}
      </ul>
      {!list.isPending && data.length === 0 ? <p>{t(lang, 'noExceptions')}</p> : null}
      <Pager lang={lang} pages={pages} shown={data.length} size={PAGE} lastKey={data.at(-1)?.exceptionId} />
    </>
  );
}
