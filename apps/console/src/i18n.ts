/** The console's words in French and English; the user's language is the browser's, switchable. */
export type Lang = 'fr' | 'en';

const WORDS = {
  appName: { fr: 'Postera — back-office', en: 'Postera — back office' },
  signIn: { fr: 'Se connecter', en: 'Sign in' },
  signOut: { fr: 'Se déconnecter', en: 'Sign out' },
  signInWhy: {
    fr: 'Connectez-vous avec votre compte de l’entreprise pour travailler la journée de back-office.',
    en: 'Sign in with your company account to work the back-office day.',
  },
  signingIn: { fr: 'Connexion…', en: 'Signing in…' },
  today: { fr: 'Aujourd’hui', en: 'Today' },
  businessDay: { fr: 'Journée comptable', en: 'Business day' },
  noBusinessDay: { fr: 'Aucune journée ouverte', en: 'No business day opened yet' },
  /** French puts a space before the colon, English none. */
  statusIs: { fr: 'Statut : ', en: 'Status: ' },
  byCurrency: { fr: 'Journal par devise', en: 'Journal by currency' },
  OPEN: { fr: 'ouverte', en: 'open' },
  CLOSED: { fr: 'clôturée', en: 'closed' },
  NONE: { fr: 'aucune', en: 'none' },
  capture: { fr: 'Capture', en: 'Capture' },
  captured: { fr: 'Opérations capturées', en: 'Trades captured' },
  exceptions: { fr: 'Exceptions à traiter', en: 'Exceptions to work' },
  unconfirmed: { fr: 'Non confirmées', en: 'Unconfirmed' },
  settlement: { fr: 'Règlement-livraison', en: 'Settlement' },
  instructed: { fr: 'Instructions envoyées', en: 'Instructed' },
  settled: { fr: 'Dénouées', en: 'Settled' },
  failing: { fr: 'En suspens', en: 'Failing' },
  efficiency: { fr: 'Efficacité du règlement', en: 'Settlement efficiency' },
  accounting: { fr: 'Comptabilité', en: 'Accounting' },
  entries: { fr: 'Écritures', en: 'Journal entries' },
  currency: { fr: 'Devise', en: 'Currency' },
  debit: { fr: 'Débit', en: 'Debit' },
  credit: { fr: 'Crédit', en: 'Credit' },
  balanced: { fr: 'Équilibrée', en: 'Balanced' },
  yes: { fr: 'oui', en: 'yes' },
  no: { fr: 'non', en: 'no' },
  unavailable: { fr: 'Service indisponible', en: 'Service not answering' },
  loading: { fr: 'Chargement…', en: 'Loading…' },
  error: { fr: 'Erreur', en: 'Error' },
  rolesAre: { fr: 'Rôles : ', en: 'Roles: ' },
  language: { fr: 'Langue', en: 'Language' },
  mainNav: { fr: 'Navigation principale', en: 'Main navigation' },
  trades: { fr: 'Opérations', en: 'Trades' },
  tradesCaption: { fr: 'Opérations, de la plus ancienne date de négociation', en: 'Trades, oldest trade date first' },
  filters: { fr: 'Filtres', en: 'Filters' },
  status: { fr: 'Statut', en: 'Status' },
  account: { fr: 'Compte', en: 'Account' },
  counterparty: { fr: 'Contrepartie (LEI)', en: 'Counterparty (LEI)' },
  tradeDateFrom: { fr: 'Négociée à partir du', en: 'Traded from' },
  tradeDateTo: { fr: 'Négociée jusqu’au', en: 'Traded to' },
  search: { fr: 'Rechercher', en: 'Search' },
  reference: { fr: 'Référence', en: 'Reference' },
  tradeDate: { fr: 'Date de négociation', en: 'Trade date' },
  side: { fr: 'Sens', en: 'Side' },
  BUY: { fr: 'Achat', en: 'Buy' },
  SELL: { fr: 'Vente', en: 'Sell' },
  quantity: { fr: 'Quantité', en: 'Quantity' },
  noTrades: { fr: 'Aucune opération ne répond à ces filtres.', en: 'No trade matches these filters.' },
  page: { fr: 'Page', en: 'Page' },
  kind: { fr: 'Nature', en: 'Kind' },
  allKinds: { fr: 'Toutes', en: 'All' },
  noReference: { fr: 'sans référence', en: 'no reference' },
  attempts: { fr: 'rejeux tentés :', en: 'replays tried:' },
  brokenRules: { fr: 'Règles enfreintes', en: 'Rules broken' },
  field: { fr: 'Champ', en: 'Field' },
  rule: { fr: 'Règle', en: 'Rule' },
  value: { fr: 'Valeur reçue', en: 'Value received' },
  original: { fr: 'Le message tel qu’il est arrivé', en: 'The message as it came' },
  noExceptions: { fr: 'Aucune exception ouverte.', en: 'No open exception.' },
  previousPage: { fr: 'Page précédente', en: 'Previous page' },
  nextPage: { fr: 'Page suivante', en: 'Next page' },
  approvals: { fr: 'Validations', en: 'Approvals' },
  books: { fr: 'Comptabilité générale', en: 'Books' },
  referential: { fr: 'Référentiel', en: 'Referential' },
  operations: { fr: 'Exploitation', en: 'Operations' },
  reconciliation: { fr: 'Rapprochements', en: 'Reconciliation' },
  reports: { fr: 'Déclarations', en: 'Reports' },
} as const satisfies Record<string, Record<Lang, string>>;

export type Word = keyof typeof WORDS;

export function t(lang: Lang, w: Word): string {
  return WORDS[w][lang];
}

/**
 * A screen's own words beside the shared ones: `const w = dictionary({ ... })`, then `w(lang, 'key')`
 * for either. Each screen keeps its vocabulary in its own file.
 */
export function dictionary<K extends string>(own: Record<K, Record<Lang, string>>): (lang: Lang, w: K | Word) => string {
  return (lang, w) => (w in own ? own[w as K][lang] : WORDS[w as Word][lang]);
}

export function browserLang(): Lang {
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** The locale numbers and dates are written in: the browser's own when it speaks the chosen language. */
export function localeOf(lang: Lang): string {
  return navigator.language.toLowerCase().startsWith(lang) ? navigator.language : lang === 'fr' ? 'fr-FR' : 'en-GB';
}
