/**
 * The names the standard gives the messages Postera exchanges, to tell an operator what a file is
 * in words as well as in its identifier.
 */
const NAMES: Record<string, string> = {
  'sese.023': 'SecuritiesSettlementTransactionInstruction',
  'sese.024': 'SecuritiesSettlementTransactionStatusAdvice',
  'sese.025': 'SecuritiesSettlementTransactionConfirmation',
  'semt.002': 'CustodyStatementOfHoldings',
  'camt.053': 'BankToCustomerStatement',
  'auth.016': 'FinancialInstrumentReportingTransactionReport',
};

/** e.g. `camt.053.001.08 BankToCustomerStatement`; the root element's name for a message Postera does not exchange. */
export function describeMessage(identity: { version: string; message: string; root: string }): string {
  return `${identity.version} ${NAMES[identity.message] ?? identity.root}`;
}
