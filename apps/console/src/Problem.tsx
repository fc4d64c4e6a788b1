import { ApiError } from './api';
import { dictionary, type Lang } from './i18n';

const w = dictionary({
  notAllowed: { fr: 'Vos rôles ne donnent pas accès à ceci.', en: 'Your roles do not allow this.' },
});

/**
 * What a screen says when a call failed. A 403 is not a fault but the gateway applying the person's
 * roles: it is said politely, as a fact, not as an alert.
 */
export function Problem({ lang, error }: { lang: Lang; error: Error }) {
  if (error instanceof ApiError && error.status === 403) return <p data-testid="not-allowed">{w(lang, 'notAllowed')}</p>;
  return <p role="alert">{`${w(lang, 'error')}: ${error.message}`}</p>;
}
