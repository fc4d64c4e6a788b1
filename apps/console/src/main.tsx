import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { UserManager } from 'oidc-client-ts';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { signedIn, userManager, type ConsoleConfig, type SignedIn } from './auth';
import { browserLang, t, type Lang } from './i18n';
import { Today } from './Today';
import { Trades } from './Trades';
import { Exceptions } from './Exceptions';
import { Approvals } from './Approvals';
import { TradePage } from './TradePage';
import { Settlement } from './Settlement';
import { Books } from './Books';
import { Referential } from './Referential';
import { Operations } from './Operations';
import { Reconciliation } from './Reconciliation';
import { Reports } from './Reports';
import './console.css';

/** The screens, each at its own address (#/today, #/trades…): a link can be kept and shared. */
const SCREENS = ['today', 'trades', 'exceptions', 'approvals', 'settlement', 'books', 'referential', 'operations', 'reconciliation', 'reports'] as const;
type Screen = (typeof SCREENS)[number];
const screenOf = (hash: string): Screen => SCREENS.find((k) => hash === `#/${k}`) ?? 'today';
/** A trade's own page: #/trade/<reference>, linked from the blotter and from anywhere a reference is shown. */
const tradeOf = (hash: string): string | null => (hash.startsWith('#/trade/') ? decodeURIComponent(hash.slice('#/trade/'.length)) : null);

const queries = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function App() {
  const [lang, setLang] = useState<Lang>(browserLang());
  const [manager, setManager] = useState<UserManager | null>(null);
  const [who, setWho] = useState<SignedIn | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);
  const [screen, setScreen] = useState<Screen>(screenOf(window.location.hash));
  const [tradeRef, setTradeRef] = useState<string | null>(tradeOf(window.location.hash));

  useEffect(() => {
    const follow = () => {
      setScreen(screenOf(window.location.hash));
      setTradeRef(tradeOf(window.location.hash));
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  useEffect(() => {
    void (async () => {
      try {
        const config = (await (await fetch('/console/config.json')).json()) as ConsoleConfig;
        const um = userManager(config);
        setManager(um);
        const params = new URLSearchParams(window.location.search);
        if (params.has('code') || params.has('error')) {
          // Back from the provider: the code exchanged with its PKCE verifier, then the address cleaned.
          const user = await um.signinRedirectCallback();
          window.history.replaceState(null, '', '/console/');
          setWho(signedIn(user.access_token));
        }
      } catch (e) {
        setProblem((e as Error).message);
      } finally {
        setBusy(false);
      }
    })();
  }, []);

  const header = (
    <header className="top">
      <span className="brand">{t(lang, 'appName')}</span>
      <label>
        {t(lang, 'language')}{' '}
        <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          <option value="fr">Français</option>
          <option value="en">English</option>
        </select>
      </label>
      {who ? (
        <span className="who">
          <span data-testid="signed-in-as">{who.name}</span> · {t(lang, 'rolesAre')}
          {who.roles.join(', ')}{' '}
          <button type="button" onClick={() => void manager?.signoutRedirect()}>
            {t(lang, 'signOut')}
          </button>
        </span>
      ) : null}
    </header>
  );

  if (!who)
    return (
      <>
        {header}
        <main className="sign-in">
          <h1>{t(lang, 'appName')}</h1>
          <p>{t(lang, 'signInWhy')}</p>
          {problem ? <p role="alert">{`${t(lang, 'error')}: ${problem}`}</p> : null}
          <button type="button" disabled={busy || !manager} onClick={() => void manager?.signinRedirect()}>
            {busy ? t(lang, 'signingIn') : t(lang, 'signIn')}
          </button>
        </main>
      </>
    );

  return (
    <>
      {header}
      <nav aria-label={t(lang, 'mainNav')}>
        {SCREENS.map((k) => (
          <a key={k} href={`#/${k}`} aria-current={screen === k && tradeRef === null ? 'page' : undefined}>
            {t(lang, k)}
          </a>
        ))}
      </nav>
      <main>
        {tradeRef !== null ? (
          <TradePage key={tradeRef} lang={lang} token={who.accessToken} tradeRef={tradeRef} />
        ) : screen === 'trades' ? (
          <Trades lang={lang} token={who.accessToken} />
        ) : screen === 'exceptions' ? (
          <Exceptions lang={lang} token={who.accessToken} />
        ) : screen === 'settlement' ? (
          <Settlement lang={lang} token={who.accessToken} />
        ) : screen === 'approvals' ? (
          <Approvals lang={lang} who={who} />
        ) : screen === 'books' ? (
          <Books lang={lang} token={who.accessToken} />
        ) : screen === 'referential' ? (
          <Referential lang={lang} token={who.accessToken} />
        ) : screen === 'operations' ? (
          <Operations lang={lang} who={who} />
        ) : screen === 'reconciliation' ? (
          <Reconciliation lang={lang} token={who.accessToken} />
        ) : screen === 'reports' ? (
          <Reports lang={lang} token={who.accessToken} />
        ) : (
          <Today lang={lang} who={who} />
        )}
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
