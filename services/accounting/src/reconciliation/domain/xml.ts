/**
 * A small strict XML reader for the statements (no dependency): well-formedness is checked (every
 * tag closed in order, one root, attributes quoted), DTDs and entity declarations are refused (no
 * entity expansion attacks), only the five predefined entities and character references are
 * decoded, and inputs are bounded in length and depth.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

export const XML_LENGTH_MAX = 8_000_000;
export const XML_DEPTH_MAX = 64;

const NAME = /^[A-Za-z_][\w.:-]*$/;

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);|&/g, (m, e: string | undefined) => {
    if (e === undefined) throw new XmlError('a bare & (not an entity reference)');
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlError(`bad character reference ${m}`);
    return String.fromCodePoint(code);
  });
}

export function parseXml(xml: string): XmlElement {
  if (xml.length > XML_LENGTH_MAX) throw new XmlError(`document longer than ${XML_LENGTH_MAX} characters`);
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    if (text.length > 0) {
      if (stack.length === 0) {
        if (text.trim() !== '') throw new XmlError('text outside the root element');
      } else stack[stack.length - 1]!.text += decode(text);
    }
    if (lt < 0) break;
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt);
      if (end < 0) throw new XmlError('unterminated processing instruction');
      if (root || stack.length > 0 || !/^<\?xml[\s?]/.test(xml.slice(lt, lt + 6))) throw new XmlError('processing instructions are not accepted');
      i = end + 2;
    } else if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end < 0) throw new XmlError('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (end < 0 || stack.length === 0) throw new XmlError('misplaced or unterminated CDATA');
      stack[stack.length - 1]!.text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlError('DTDs and declarations are not accepted');
    } else if (xml.startsWith('</', lt)) {
      const end = xml.indexOf('>', lt);
      if (end < 0) throw new XmlError('unterminated end tag');
      const name = xml.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlError(`end tag </${name}> does not close <${open?.name ?? '(none)'}>`);
      i = end + 1;
    } else {
      const end = xml.indexOf('>', lt);
      if (end < 0) throw new XmlError('unterminated start tag');
      let body = xml.slice(lt + 1, end);
      const selfClosing = body.endsWith('/');
      if (selfClosing) body = body.slice(0, -1);
      const m = /^([^\s/>]+)([\s\S]*)$/.exec(body);
      if (!m || !NAME.test(m[1]!)) throw new XmlError(`bad tag <${body.slice(0, 40)}>`);
      const attrs: Record<string, string> = {};
      const rest = m[2]!.trim();
      if (rest.length > 0) {
        const re = /([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')\s*/y;
        let pos = 0;
        while (pos < rest.length) {
          re.lastIndex = pos;
          const a = re.exec(rest);
          if (!a) throw new XmlError(`bad attributes in <${m[1]}>`);
          if (a[1]! in attrs) throw new XmlError(`attribute ${a[1]} twice in <${m[1]}>`);
          attrs[a[1]!] = decode(a[3] ?? a[4] ?? '');
          pos = re.lastIndex;
        }
      }
      const element: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
      if (stack.length === 0) {
        if (root) throw new XmlError('more than one root element');
        root = element;
      } else stack[stack.length - 1]!.children.push(element);
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > XML_DEPTH_MAX) throw new XmlError(`nesting deeper than ${XML_DEPTH_MAX}`);
      }
      i = end + 1;
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** The local name (namespace prefix dropped). */
const local = (n: string) => n.slice(n.indexOf(':') + 1);

export function children(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c) => local(c.name) === name);
}

/** Exactly one child of that name, or an error naming the path. */
export function one(e: XmlElement, ...path: string[]): XmlElement {
  let cur = e;
  for (const p of path) {
    const found = children(cur, p);
    if (found.length !== 1) throw new XmlError(`${local(cur.name)}/${p}: expected exactly one, found ${found.length}`);
    cur = found[0]!;
  }
  return cur;
}

export function optional(e: XmlElement, ...path: string[]): XmlElement | null {
  let cur = e;
  for (const p of path) {
    const found = children(cur, p);
    if (found.length > 1) throw new XmlError(`${local(cur.name)}/${p}: more than one`);
    if (found.length === 0) return null;
    cur = found[0]!;
  }
  return cur;
}

export function text(e: XmlElement, ...path: string[]): string {
  const t = one(e, ...path).text.trim();
  if (t === '') throw new XmlError(`${path.join('/')}: empty`);
  return t;
}

export function localName(e: XmlElement): string {
  return local(e.name);
}

/** The default or prefixed namespace the root declares for its own name. */
export function namespaceOf(e: XmlElement): string | null {
  const i = e.name.indexOf(':');
  return (i < 0 ? e.attrs.xmlns : e.attrs[`xmlns:${e.name.slice(0, i)}`]) ?? null;
}
