import { parseXml, refuse, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';

/** An ISO date as the schemas' DateAndDateTime2Choice wants it: `<Dt><Dt>2026-12-03</Dt></Dt>`. */
export const dateChoice = (d: string): XmlOut => el('Dt', [el('Dt', d)]);

/** A document as a reader takes it: its text or bytes, or the tree parseXml / parseXmlYielding read from them. */
export type XmlDocumentIn = string | Uint8Array | XmlElement;

/**
 * The message element of a document of one of the given versions (its Document's namespace), and
 * the version it is. Refused naming the namespace when it is none of them.
 */
export function messageOf(xml: XmlDocumentIn, versions: readonly string[], root: string): { version: string; m: XmlElement } {
  const doc = typeof xml === 'string' || xml instanceof Uint8Array ? parseXml(xml) : xml;
  if (doc.name !== 'Document') refuse(doc, `the root element is ${doc.name}, not Document`);
  const version = versions.find((v) => namespaceOf(v) === doc.ns);
  if (!version) refuse(doc, `namespace ${doc.ns || '(none)'} is not one of ${versions.map(namespaceOf).join(', ')}`);
  const m = doc.children.find((c) => c.name === root);
  if (!m) refuse(doc, `${root} is missing`);
  return { version, m };
}

/** A code read against its list. */
export function code<T extends string>(v: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(v)) throw new XmlReadError(`${what}: ${v} is not one of ${allowed.join(', ')}`);
  return v as T;
}
