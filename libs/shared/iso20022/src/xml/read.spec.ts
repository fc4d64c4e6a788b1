import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { refusal } from '../messages/schema-expectations.spec-helper.js';
import { at, codeAt, many, one, opt, optTextAt, parseXml, parseXmlYielding, textAt, XML_CHUNK_CHARS, XML_DEPTH_MAX, XML_ELEMENTS_MAX, XmlReadError } from './read.js';

describe('the XML reader', () => {
  it('reads local names and namespaces the same with or without a prefix, and keeps text as written', () => {
    const plain = parseXml('<Document xmlns="urn:x"><Amt Ccy="EUR">100.00</Amt></Document>');
    const prefixed = parseXml('<?xml version="1.0"?>\n<ns2:Document xmlns:ns2="urn:x">\n  <ns2:Amt Ccy="EUR">100.00</ns2:Amt>\n</ns2:Document>');
    for (const doc of [plain, prefixed]) {
      expect(doc).toMatchObject({ name: 'Document', ns: 'urn:x', attrs: {} });
      expect(one(doc, 'Amt')).toMatchObject({ name: 'Amt', ns: 'urn:x', attrs: { Ccy: 'EUR' }, text: '100.00' });
    }
    expect(one(prefixed, 'Amt').line).toBe(3);
  });

  it('drops a byte-order mark, decodes the predefined entities and character references, and reads bytes as UTF-8', () => {
    const doc = parseXml('\ufeff<a><b>A &amp; B &lt;&#233;&#x20AC;&gt;</b></a>');
    expect(textAt(doc, 'b')).toBe('A & B <é€>');
    expect(textAt(parseXml(new TextEncoder().encode('\ufeff<a><b>Société Générale</b></a>')), 'b')).toBe('Société Générale');
  });

  it('gives each element its path, indexed where a name repeats', () => {
    const doc = parseXml('<D><S><N/><N><A>1</A></N></S><S/></D>');
    expect(many(doc, 'S').map((s) => s.path)).toEqual(['D/S', 'D/S[2]']);
    const first = many(doc, 'S')[0]!;
    expect(first.children.map((n) => n.path)).toEqual(['D/S/N', 'D/S/N[2]']);
    expect(first.children[1]!.children[0]!.path).toBe('D/S/N[2]/A');
  });

  it('refuses a DTD, so no entity is ever declared or expanded', () => {
    const billion = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;&x;">]><a>&y;</a>';
    expect(refusal(() => parseXml(billion)).reason).toBe('a DTD is not accepted');
    expect(refusal(() => parseXml('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>')).reason).toBe('a DTD is not accepted');
    expect(refusal(() => parseXml('<a>&ext;</a>')).reason).toMatch(/undefined entity/);
  });

  it('refuses what is not well-formed, naming the line', () => {
    const e = refusal(() => parseXml('<a>\n<b>\n</a>'));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/line 3/);
    expect(refusal(() => parseXml('<a/><b/>')).reason).toMatch(/only one root/);
    expect(refusal(() => parseXml('')).reason).toMatch(/root/);
    expect(refusal(() => parseXml('<a><b>1</b>stray</a>')).reason).toBe('text beside child elements in a');
    expect(refusal(() => parseXml('<a><?php x?></a>')).reason).toMatch(/processing instruction/);
  });

  it('refuses nesting deeper than its bound', () => {
    const deep = '<a>'.repeat(XML_DEPTH_MAX + 1) + '</a>'.repeat(XML_DEPTH_MAX + 1);
    expect(refusal(() => parseXml(deep)).reason).toBe(`nesting deeper than ${XML_DEPTH_MAX}`);
    const ok = '<a>'.repeat(XML_DEPTH_MAX) + '</a>'.repeat(XML_DEPTH_MAX);
    expect(parseXml(ok).name).toBe('a');
  });

  it('refuses more elements than its bound, by default XML_ELEMENTS_MAX, or the caller\'s maxElements', async () => {
    const of = (n: number) => `<a>${'<b/>'.repeat(n - 1)}</a>`;
    expect(parseXml(of(10), { maxElements: 10 }).children).toHaveLength(9);
    expect(refusal(() => parseXml(of(11), { maxElements: 10 })).reason).toBe('more than 10 elements');
    expect(refusal(() => parseXml(of(XML_ELEMENTS_MAX + 1))).reason).toBe(`more than ${XML_ELEMENTS_MAX} elements`);
    await expect(parseXmlYielding(of(11), { maxElements: 10 })).rejects.toMatchObject({ reason: 'more than 10 elements', path: 'a' });
  });

  it('reads a document in chunks, yielding between them, to the same tree and the same refusals', async () => {
    // Text long enough for several chunks, with a four-byte character astride each chunk boundary.
    const rows = Array.from({ length: 3 * Math.ceil(XML_CHUNK_CHARS / 40) }, (_, i) => `<r n="${i}">𝄞 ligne ${i} &amp; é</r>`).join('\n');
    const xml = `\ufeff<?xml version="1.0"?>\n<doc xmlns="urn:x">\n${rows}\n</doc>`;
    expect(xml.length).toBeGreaterThan(2 * XML_CHUNK_CHARS);
    expect(await parseXmlYielding(xml)).toEqual(parseXml(xml));
    expect(await parseXmlYielding(new TextEncoder().encode(xml))).toEqual(parseXml(xml));
    const broken = `${xml.slice(0, -'</doc>'.length)}<oops>`;
    const sync = refusal(() => parseXml(broken));
    await expect(parseXmlYielding(broken)).rejects.toMatchObject({ reason: sync.reason, line: sync.line });
    await expect(parseXmlYielding('<!DOCTYPE a><a/>')).rejects.toMatchObject({ reason: 'a DTD is not accepted' });
    await expect(parseXmlYielding('')).rejects.toBeInstanceOf(XmlReadError);
  });

  it('navigation names the element and the reason of a refusal', () => {
    const doc = parseXml('<Stmt>\n<Bal><Tp>OPBD</Tp></Bal>\n<Bal><Tp>CLBD</Tp></Bal>\n<Ccy> </Ccy></Stmt>');
    const twice = refusal(() => one(doc, 'Bal'));
    expect([twice.path, twice.line, twice.reason]).toEqual(['Stmt', 3, 'Bal appears 2 times, once expected']);
    expect(refusal(() => opt(doc, 'Bal')).reason).toBe('Bal appears 2 times, at most once expected');
    expect(refusal(() => at(doc, 'Acct', 'Id')).message).toBe('Stmt (line 1): Acct is missing');
    expect(refusal(() => textAt(doc, 'Ccy')).message).toBe('Stmt/Ccy (line 4): empty');
    expect(optTextAt(doc, 'Ccy')).toBeNull();
    expect(optTextAt(doc, 'Acct', 'Id')).toBeNull();
    const bal = many(doc, 'Bal')[1]!;
    expect(codeAt(bal, ['OPBD', 'CLBD'] as const, 'Tp')).toBe('CLBD');
    expect(refusal(() => codeAt(bal, ['OPBD'] as const, 'Tp')).message).toBe('Stmt/Bal[2]/Tp (line 3): CLBD is not one of OPBD');
  });

  it('never throws anything but XmlReadError, whatever the input', () => {
    const pieces = fc.constantFrom(
      '<a>',
      '</a>',
      '<b x="1">',
      '</b>',
      '<c/>',
      'text',
      '&amp;',
      '&',
      '<!--c-->',
      '<![CDATA[x]]>',
      '<!DOCTYPE a>',
      '<?pi?>',
      '"',
      '\ufeff',
      '<',
      '>',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), fc.string({ maxLength: 20 }), (parts, noise) => {
        try {
          parseXml(parts.join('') + noise);
        } catch (e) {
          if (!(e instanceof XmlReadError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});
