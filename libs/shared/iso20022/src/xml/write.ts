/**
 * A small XML writer and a small strict XML reader, enough for the ISO 20022 messages Postera
 * exchanges with the custodian (sese.023/024/025, semt.002, camt.053). Hand-written rather than a
 * dependency: the documents are ours, element-only with text leaves and a few attributes, and a
 * strict reader that refuses what it does not understand (CDATA, DTDs, mismatched tags) is safer
 * than a lenient one that guesses. Text is never converted: "100.00" stays "100.00".
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The concatenated text directly inside the element (leaves); '' for containers. */
  text: string;
}

/** Bounds on what the reader accepts: a custodian message is small. */
export const XML_DEPTH_MAX = 64;
export const XML_LENGTH_MAX = 4_000_000;

export type XmlNode = XmlElement | null | undefined | false;

/** An element; children that are null/undefined/false are left out (optional ISO elements). */
export function el(name: string, content?: string | XmlNode[] | null, attrs: Record<string, string> = {}): XmlElement {
  if (typeof content === 'string') return { name, attrs, children: [], text: content };
  return { name, attrs, children: (content ?? []).filter((c): c is XmlElement => !!c), text: '' };
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function write(e: XmlElement, indent: string, out: string[]): void {
  const attrs = Object.entries(e.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (e.children.length === 0) {
    out.push(e.text === '' ? `${indent}<${e.name}${attrs}/>` : `${indent}<${e.name}${attrs}>${escapeXml(e.text)}</${e.name}>`);
    return;
  }
  out.push(`${indent}<${e.name}${attrs}>`);
  for (const c of e.children) write(c, indent + '  ', out);
  out.push(`${indent}</${e.name}>`);
}

/** A whole document: the XML declaration and the root element, indented by two spaces. */
export function renderXml(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, '', out);
  return out.join('\n') + '\n';
}

export class XmlParseError extends Error {}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s: string, at: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (m, ent: string | undefined) => {
    if (!ent) throw new XmlParseError(`bare '&' near offset ${at}`);
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    const v = ENTITIES[ent];
    if (v === undefined) throw new XmlParseError(`unknown entity &${ent}; near offset ${at}`);
    return v;
  });
}

/**
 * Parses a document into its root element. Strict: one root, every tag closed by its own name,
 * attributes quoted and not repeated, no CDATA, DTD or processing instruction beyond the XML
 * declaration, no text beside child elements except whitespace.
 */
export function parseXml(xml: string): XmlElement {
  if (xml.length > XML_LENGTH_MAX) throw new XmlParseError(`document longer than ${XML_LENGTH_MAX} characters`);
  let i = 0;
  const fail = (why: string): never => {
    throw new XmlParseError(`${why} at offset ${i}`);
  };
  const skipWs = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const skipMisc = () => {
    for (;;) {
      skipWs();
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else return;
    }
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) return fail('expected a name');
    i += m[0].length;
    return m[0];
  };
  const element = (depth: number): XmlElement => {
    if (depth > XML_DEPTH_MAX) fail(`nesting deeper than ${XML_DEPTH_MAX}`);
    if (xml[i] !== '<') fail("expected '<'");
    i++;
    const tag = name();
    const attrs: Record<string, string> = {};
    for (;;) {
      skipWs();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name: tag, attrs, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const a = name();
      skipWs();
      if (xml[i] !== '=') fail(`expected '=' after attribute ${a}`);
      i++;
      skipWs();
      const q = xml[i];
      if (q !== '"' && q !== "'") return fail(`attribute ${a} not quoted`);
      const end = xml.indexOf(q, i + 1);
      if (end < 0) fail(`unterminated attribute ${a}`);
      if (a in attrs) fail(`attribute ${a} repeated`);
      attrs[a] = unescape(xml.slice(i + 1, end), i);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= xml.length) fail(`element ${tag} not closed`);
      if (xml.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        skipWs();
        if (xml[i] !== '>') fail("expected '>'");
        i++;
        if (children.length > 0 && text.trim() !== '') fail(`text beside child elements in ${tag}`);
        return { name: tag, attrs, children, text: children.length > 0 ? '' : text };
      }
      if (xml.startsWith('<!--', i)) {
        skipMisc();
        continue;
      }
      if (xml.startsWith('<![CDATA[', i) || xml.startsWith('<!', i) || xml.startsWith('<?', i)) fail('CDATA, DTD and processing instructions are not accepted');
      if (xml[i] === '<') {
        children.push(element(depth + 1));
        continue;
      }
      const next = xml.indexOf('<', i);
      if (next < 0) fail(`element ${tag} not closed`);
      text += unescape(xml.slice(i, next), i);
      i = next;
    }
  };

  skipWs();
  if (xml.startsWith('<?xml', i)) {
    const end = xml.indexOf('?>', i);
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  skipMisc();
  if (xml.startsWith('<!', i)) fail('a DTD is not accepted');
  const root = element(0);
  skipMisc();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

/** The only child named `name`; throws when absent or repeated (a strict reading of a 1..1 element). */
export function one(e: XmlElement, name: string): XmlElement {
  const found = e.children.filter((c) => c.name === name);
  if (found.length !== 1) throw new XmlParseError(`${e.name}: expected exactly one ${name}, found ${found.length}`);
  return found[0]!;
}

/** The child named `name` if present (0..1); throws when repeated. */
export function opt(e: XmlElement, name: string): XmlElement | null {
  const found = e.children.filter((c) => c.name === name);
  if (found.length > 1) throw new XmlParseError(`${e.name}: expected at most one ${name}, found ${found.length}`);
  return found[0] ?? null;
}

export function many(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c) => c.name === name);
}

/** Text at a path of 1..1 elements, e.g. textAt(doc, 'TradDtls', 'SttlmDt', 'Dt', 'Dt'). */
export function textAt(e: XmlElement, ...path: string[]): string {
  let cur = e;
  for (const p of path) cur = one(cur, p);
  return cur.text;
}

/** Text at a path where every step may be absent: null when one is. */
export function optTextAt(e: XmlElement, ...path: string[]): string | null {
  let cur: XmlElement | null = e;
  for (const p of path) {
    cur = opt(cur, p);
    if (!cur) return null;
  }
  return cur.text;
}
