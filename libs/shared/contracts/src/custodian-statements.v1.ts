import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { decimalString, isoDate, type Same } from './wire-schemas.js';

/**
 * custodian.statements.v1 — what the custodian (the market simulator here) reports at each close,
 * for the accounting reconciliations (DOMAIN.md §3). Key: the safekeeping or cash account. Each
 * event carries the statement as data and as the ISO 20022 XML message it stands for; consumers
 * reconcile from the XML (parsed back), the data being a convenience for reports.
 */

/** semt.002 — statement of holdings. */
export interface HoldingsStatementV1 {
  /** The semt.002 StmtId (Max35Text): generated, a UUID written without its hyphens (32 characters). */
  statementId: string;
  /** Our account (the referential's account id) the holdings are kept for. */
  account: string;
  safekeepingAccount: string;
  /** The statement date (the business day just closed). */
  statementDate: string;
  /** CONT: contractual (trade date); SETT: settled; TRAD: traded. Says which of our views to compare. */
  basis: 'CONT' | 'SETT' | 'TRAD';
  /** Per ISIN, a signed decimal string: a short position (ShrtLngInd SHOR in the document) is negative. */
  holdings: Array<{ isin: string; quantity: string }>;
  /** The semt.002 document (urn:iso:std:iso:20022:tech:xsd:semt.002.001.11), valid against its official schema. */
  xml: string;
}
export const HoldingsStatementV1Schema = z.object({
  statementId: z.string(),
  account: z.string(),
  safekeepingAccount: z.string(),
  statementDate: isoDate,
  basis: z.enum(['CONT', 'SETT', 'TRAD']),
  holdings: z.array(z.object({ isin: z.string(), quantity: decimalString })),
  xml: z.string(),
});
const _holdingsStatement: Same<HoldingsStatementV1, z.infer<typeof HoldingsStatementV1Schema>> = true;

/** camt.053 — bank-to-customer statement (cash), one cash account in one currency. */
export interface CashStatementV1 {
  /** The camt.053 Stmt/Id and GrpHdr/MsgId (Max35Text): generated, a UUID written without its hyphens. */
  statementId: string;
  account: string;
  cashAccount: string;
  currency: string;
  statementDate: string;
  openingBalance: string;
  closingBalance: string;
  /** Each booked movement: entry reference (NtryRef, a UUID without its hyphens), signed amount (credit positive), value date, our trade reference when known. */
  entries: Array<{ entryRef: string; amount: string; valueDate: string; tradeRef: string | null }>;
  /** The camt.053 document (urn:iso:std:iso:20022:tech:xsd:camt.053.001.08), valid against its official schema. */
  xml: string;
}
export const CashStatementV1Schema = z.object({
  statementId: z.string(),
  account: z.string(),
  cashAccount: z.string(),
  currency: z.string(),
  statementDate: isoDate,
  openingBalance: decimalString,
  closingBalance: decimalString,
  entries: z.array(z.object({ entryRef: z.string(), amount: decimalString, valueDate: isoDate, tradeRef: z.string().nullable() })),
  xml: z.string(),
});
const _cashStatement: Same<CashStatementV1, z.infer<typeof CashStatementV1Schema>> = true;

export type CustodianStatementEvent = EventEnvelope<HoldingsStatementV1, 'HoldingsStatement'> | EventEnvelope<CashStatementV1, 'CashStatement'>;
