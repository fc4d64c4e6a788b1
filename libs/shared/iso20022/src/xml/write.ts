/**
 * The XML writer of Postera's ISO 20022 messages. Hand-written rather than a dependency: the
 * documents are ours, element-only with text leaves and a few attributes, written in the order of
 * each message's schema. Text is written as given: "100.00" stays "100.00".
 */

/** An element to write: a container of children, or a leaf with its text. */
export interface XmlOut {
  name: string;
  attrs: Record<string, string>;
  children: XmlOut[];
  text: string;
}

export type XmlNode = XmlOut | null | undefined | false;

/** An element; children that are null/undefined/false are left out (optional ISO elements). */
export function el(name: string, content?: string | XmlNode[] | null, attrs: Record<string, string> = {}): XmlOut {
  if (typeof content === 'string') return { name, attrs, children: [], text: content };
  return { name, attrs, children: (content ?? []).filter((c): c is XmlOut => !!c), text: '' };
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function write(e: XmlOut, indent: string, out: string[]): void {
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
export function renderXml(root: XmlOut): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, '', out);
  return out.join('\n') + '\n';
}
