import { SaxesParser, type SaxesTagNS } from 'saxes';

/**
 * The one XML reader of the project. Every message that comes in from a CSD, a custodian, a bank
 * or an operator's upload is read here, and nowhere else.
 *
 * Parsing is saxes's (a strict, namespace-aware XML 1.0 parser): a document that is not
 * well-formed is refused with its line. What a hostile document could use is refused before any
 * of it is read: a DTD (so no entity is ever declared, let alone expanded; only the five
 * predefined entities and character references are decoded), documents longer than
 * `XML_LENGTH_MAX` characters, more than `XML_ELEMENTS_MAX` elements (or the caller's
 * `maxElements`) and nesting deeper than `XML_DEPTH_MAX`. Text is never converted:
 * "100.00" stays "100.00". A byte-order mark is dropped.
 *
 * The tree keeps each element's local name and namespace (a bank may write `<ns2:Document
 * xmlns:ns2="…">` or the default namespace; both read the same), its line, and its path from the
 * root, so that a message a reader cannot use is refused naming the element and the reason.
 */
export interface XmlElement {
  /** The local name, prefix dropped. */
  name: string;
  /** The namespace URI ('' for none). */
  ns: string;
  /** Attributes by local name (namespace declarations left out). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The text directly inside the element, entities decoded ('' for a container). */
  text: string;
  /** The line the element starts on (1-based). */
  line: number;
  /** Where it is: `Document/BkToCstmrStmt/Stmt[2]/Ntry[14]/Amt` (an index where a name repeats). */
  path: string;
}

/**
 * Bounds on what the reader accepts: a day's statement of a busy account stays far inside them.
 *
 * `XML_ELEMENTS_MAX` bounds the tree the reader builds (each element costs a few hundred bytes of
 * heap with its path, attributes and children). A custodian's statement of holdings takes about 10
 * to 15 elements per position and a bank statement about 20 to 40 per entry, so a statement of
 * several thousand positions or entries is tens of thousands of elements: 200,000 leaves room for
 * ten times that, and refuses what only a hostile or broken sender would write (an 8 MB document
 * of empty elements is two million of them).
 */
export const XML_LENGTH_MAX = 32_000_000;
export const XML_DEPTH_MAX = 64;
export const XML_ELEMENTS_MAX = 200_000;

/**
 * Characters handed to the parser between two yields to the event loop (parseXmlYielding): at most
 * about 4,000 elements (`<a/>` is four characters), a few tens of milliseconds of parsing.
 */
export const XML_CHUNK_CHARS = 16 * 1024;

export interface XmlReadOptions {
  /** At most this many elements (XML_ELEMENTS_MAX by default); the document is refused at the first one beyond. */
  maxElements?: number;
}

/** A document, or a part of one, that cannot be used: the element (its path and line) and the reason. */
export class XmlReadError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string | null = null,
    readonly line: number | null = null,
  ) {
    super(path ? `${path}${line ? ` (line ${line})` : ''}: ${reason}` : line ? `line ${line}: ${reason}` : reason);
    this.name = 'XmlReadError';
  }
}

interface Reader {
  write(chunk: string): void;
  /** Closes the parser and returns the root element. */
  end(): XmlElement;
}

/** The document as text, refused when too long, its byte-order mark dropped. */
function textOf(input: string | Uint8Array): string {
  let xml = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  if (xml.length > XML_LENGTH_MAX) throw new XmlReadError(`document longer than ${XML_LENGTH_MAX} characters`);
  if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
  return xml;
}

function reader(options: XmlReadOptions): Reader {
  const elementsMax = options.maxElements ?? XML_ELEMENTS_MAX;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Array<{ e: XmlElement; counts: Map<string, number>; text: string[] }> = [];
  let root: XmlElement | null = null;
  let elements = 0;
  let failure: XmlReadError | null = null;
  const fail = (reason: string) => {
    failure ??= new XmlReadError(reason, stack.length > 0 ? stack[stack.length - 1]!.e.path : null, parser.line);
    throw failure;
  };

  // No 'error' listener: saxes throws its error, and `guarded` names it. Each listener is a property
  // saxes adds to its parser; a seventh turns the parser into a dictionary-mode object whose every
  // field read is a hash lookup, and parsing a sese.024 then takes six times as long.
  parser.on('doctype', () => fail('a DTD is not accepted'));
  parser.on('processinginstruction', (pi) => fail(`processing instruction <?${pi.target}?> is not accepted`));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stack.length >= XML_DEPTH_MAX) fail(`nesting deeper than ${XML_DEPTH_MAX}`);
    if (++elements > elementsMax) fail(`more than ${elementsMax} elements`);
    const parent = stack[stack.length - 1];
    let path = tag.local;
    if (parent) {
      const n = (parent.counts.get(tag.local) ?? 0) + 1;
      parent.counts.set(tag.local, n);
      path = `${parent.e.path}/${tag.local}${n > 1 ? `[${n}]` : ''}`;
    }
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const e: XmlElement = { name: tag.local, ns: tag.uri, attrs, children: [], text: '', line: parser.line, path };
    if (parent) parent.e.children.push(e);
    else root = e;
    stack.push({ e, counts: new Map(), text: [] });
  });
  parser.on('text', (t) => {
    if (stack.length > 0) stack[stack.length - 1]!.text.push(t);
  });
  parser.on('cdata', (t) => {
    if (stack.length > 0) stack[stack.length - 1]!.text.push(t);
  });
  parser.on('closetag', () => {
    const top = stack.pop()!;
    const text = top.text.join('');
    if (top.e.children.length > 0) {
      if (text.trim() !== '') fail(`text beside child elements in ${top.e.name}`);
    } else top.e.text = text;
  });

  const guarded = (step: () => void) => {
    try {
      step();
    } catch (e) {
      failure ??= new XmlReadError((e as Error).message.replace(/^\d+:\d+: /, ''), stack.length > 0 ? stack[stack.length - 1]!.e.path : null, parser.line);
      throw failure;
    }
  };
  return {
    write: (chunk) => guarded(() => parser.write(chunk)),
    end: () => {
      guarded(() => parser.close());
      if (!root) throw new XmlReadError('no root element');
      return root;
    },
  };
}

/** Parses a document into its root element (see the module's comment for what is refused). */
export function parseXml(input: string | Uint8Array, options: XmlReadOptions = {}): XmlElement {
  const r = reader(options);
  r.write(textOf(input));
  return r.end();
}

/**
 * parseXml for a document that may be large (an operator's upload): the same tree and the same
 * refusals, but the text is handed to the parser XML_CHUNK_CHARS at a time with a turn of the
 * event loop between chunks, so a document at the bounds delays other requests by the parse of one
 * chunk (a few milliseconds), not of the whole document.
 */
export async function parseXmlYielding(input: string | Uint8Array, options: XmlReadOptions = {}): Promise<XmlElement> {
  const xml = textOf(input);
  const r = reader(options);
  for (let at = 0; at < xml.length; ) {
    let end = Math.min(xml.length, at + XML_CHUNK_CHARS);
    // Never split a surrogate pair between two chunks.
    if (end < xml.length && (xml.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
    r.write(xml.slice(at, end));
    at = end;
    if (at < xml.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return r.end();
}

/** The children named `name` (local name). */
export function many(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c) => c.name === name);
}

/** The child named `name` if present (a 0..1 element); refused when repeated. */
export function opt(e: XmlElement, name: string): XmlElement | null {
  const found = many(e, name);
  if (found.length > 1) throw new XmlReadError(`${name} appears ${found.length} times, at most once expected`, e.path, found[1]!.line);
  return found[0] ?? null;
}

/** The only child named `name` (a 1..1 element); refused when absent or repeated. */
export function one(e: XmlElement, name: string): XmlElement {
  const found = many(e, name);
  if (found.length !== 1)
    throw new XmlReadError(
      found.length === 0 ? `${name} is missing` : `${name} appears ${found.length} times, once expected`,
      e.path,
      found[1]?.line ?? e.line,
    );
  return found[0]!;
}

/** The element at a path of 1..1 steps. */
export function at(e: XmlElement, ...path: string[]): XmlElement {
  let cur = e;
  for (const p of path) cur = one(cur, p);
  return cur;
}

/** The element at a path where any step may be absent: null when one is. */
export function optAt(e: XmlElement, ...path: string[]): XmlElement | null {
  let cur: XmlElement | null = e;
  for (const p of path) {
    cur = opt(cur, p);
    if (!cur) return null;
  }
  return cur;
}

/** Trimmed text at a path of 1..1 steps; refused when empty. */
export function textAt(e: XmlElement, ...path: string[]): string {
  const found = at(e, ...path);
  const t = found.text.trim();
  if (t === '') throw new XmlReadError('empty', found.path, found.line);
  return t;
}

/** Trimmed text at a path where any step may be absent: null when one is, or when the text is empty. */
export function optTextAt(e: XmlElement, ...path: string[]): string | null {
  const found = optAt(e, ...path);
  const t = found?.text.trim() ?? '';
  return t === '' ? null : t;
}

/** A code read against its list: refused naming the element when it is not one of them. */
export function codeAt<T extends string>(e: XmlElement, allowed: readonly T[], ...path: string[]): T {
  const v = textAt(e, ...path);
  if (!(allowed as readonly string[]).includes(v)) {
    const found = at(e, ...path);
    throw new XmlReadError(`${v} is not one of ${allowed.join(', ')}`, found.path, found.line);
  }
  return v as T;
}

/** A refusal about this element. */
export function refuse(e: XmlElement, reason: string): never {
  throw new XmlReadError(reason, e.path, e.line);
}
