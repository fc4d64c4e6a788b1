import { parseXmlYielding, XmlReadError, type XmlElement } from '@postera/iso20022';

/**
 * The bounds of an operator's statement upload (POST /reconciliations/statements).
 *
 * Bytes: 4 MiB. A custodian's semt.002 of several thousand positions, or a bank's camt.053 of a
 * busy day, is well under 2 MiB; beyond 4 MiB the upload is refused (413) before it is parsed.
 * Elements: the XML reader's default (XML_ELEMENTS_MAX, 200,000). Parses at a time: 2 per process.
 * A third upload while two are being read is refused at once (503 with Retry-After), not queued:
 * a queue would hold every waiting body in memory, and an operator's upload can simply be sent
 * again a few seconds later. The permit is taken before the body is read and held until the run
 * is recorded, so at most two bodies and two trees are in memory at any time.
 */
export const STATEMENT_UPLOAD_BYTES_MAX = 4 * 1024 * 1024;
export const STATEMENT_PARSES_AT_ONCE_MAX = 2;
export const STATEMENT_RETRY_AFTER_SECONDS = 5;

/** A counting semaphore that never waits: a permit now, or null. */
export class Permits {
  private taken = 0;

  constructor(readonly max: number) {}

  /** A release function when a permit is free (call it once, in a finally), null when all are taken. */
  tryTake(): (() => void) | null {
    if (this.taken >= this.max) return null;
    this.taken++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken--;
    };
  }

  get inUse(): number {
    return this.taken;
  }
}

/** The permits of this process's statement uploads. */
export const statementParses = new Permits(STATEMENT_PARSES_AT_ONCE_MAX);

/** The statement's tree, read in chunks that yield to the event loop; the reader's refusal as a value (recorded in the run). */
export async function readStatementTree(xml: string): Promise<XmlElement | XmlReadError> {
  try {
    return await parseXmlYielding(xml);
  } catch (e) {
    if (e instanceof XmlReadError) return e;
    throw e;
  }
}
