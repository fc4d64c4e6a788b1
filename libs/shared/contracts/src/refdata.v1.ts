import type { EventEnvelope } from './envelope.js';

/** refdata.accounts.v1 (compacted) — produced by capture from its referential. Key: account id. */
export interface AccountRefV1 {
  account: string;
  clientId: string;
  clientName: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  book: string;
  language: 'fr' | 'en';
  email: string | null;
  baseCurrency: string;
}
export type AccountRefEvent = EventEnvelope<AccountRefV1, 'AccountUpserted'>;
