import { useState } from 'react';
import { t, type Lang } from './i18n';

/**
 * Keyset paging as the API offers it: each page starts after the last key of the page before. The
 * keys the pages started after are kept, so going back is going to the one before.
 */
export function useKeysetPages() {
  const [starts, setStarts] = useState<Array<string | null>>([null]);
  return {
    after: starts.at(-1) ?? null,
    number: starts.length,
    first: () => setStarts([null]),
    next: (lastKey: string) => setStarts([...starts, lastKey]),
    previous: () => setStarts(starts.slice(0, -1)),
  };
}

/** Previous / page n / next: next only when the page came full (a shorter one is the last). */
export function Pager({
  lang,
  pages,
  shown,
  size,
  lastKey,
}: {
  lang: Lang;
  pages: ReturnType<typeof useKeysetPages>;
  shown: number;
  size: number;
  lastKey: string | undefined;
}) {
  return (
    <div className="pager">
      <button type="button" disabled={pages.number < 2} onClick={pages.previous}>
        {t(lang, 'previousPage')}
      </button>
      <span data-testid="page">{`${t(lang, 'page')} ${pages.number}`}</span>
      <button type="button" disabled={shown < size || lastKey === undefined} onClick={() => lastKey !== undefined && pages.next(lastKey)}>
        {t(lang, 'nextPage')}
      </button>
    </div>
  );
}

/** A choice of what a list shows (its topic, its kind…): choosing sends the list back to its first page. */
export function ListChoice<T extends string>({
  label,
  name,
  value,
  options,
  text = (o) => o,
  pages,
  onChoose,
}: {
  label: string;
  name: string;
  value: T;
  options: readonly T[];
  /** How an option reads (the value itself by default). */
  text?: (option: T) => string;
  pages: Pick<ReturnType<typeof useKeysetPages>, 'first'>;
  onChoose: (option: T) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select
        name={name}
        value={value}
        onChange={(e) => {
          onChoose(e.target.value as T);
          pages.first();
        }}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {text(o)}
          </option>
        ))}
      </select>
    </label>
  );
}
