import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiReferential } from './api';
import type { Lang } from './i18n';
import { Problem } from './Problem';

/** The accounts offered in a picker: the referential's first ones by key (a bank with more would search instead). */
const ACCOUNTS_MAX = 1000;

/** Our accounts from the referential, and the one chosen (the first until someone picks). */
export function useAccountChoice(token: string) {
  const [picked, setPicked] = useState<string | null>(null);
  const accounts = useQuery({
    queryKey: ['referential', 'accounts', 'picker'],
    queryFn: () => apiReferential('accounts', token, { limit: ACCOUNTS_MAX }),
  });
  return { accounts, chosen: picked ?? accounts.data?.[0]?.account ?? null, choose: setPicked };
}

/** A labelled select of our accounts, each with its client's name. */
export function AccountPicker({
  lang,
  label,
  name,
  choice,
  onPick,
}: {
  lang: Lang;
  label: string;
  name: string;
  choice: ReturnType<typeof useAccountChoice>;
  /** Besides choosing it, what picking an account resets (a page, a result). */
  onPick?: () => void;
}) {
  return (
    <>
      {choice.accounts.isError ? <Problem lang={lang} error={choice.accounts.error} /> : null}
      <label>
        {label}{' '}
        <select
          name={name}
          value={choice.chosen ?? ''}
          onChange={(e) => {
            choice.choose(e.target.value);
            onPick?.();
          }}
        >
          {(choice.accounts.data ?? []).map((a) => (
            <option key={a.account} value={a.account}>
              {`${a.account} — ${a.clientName}`}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
