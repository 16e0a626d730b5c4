import { describe, expect, it } from 'vitest';
import { RunError } from '../../core/errors.js';
import { XmlRecordReader } from './record-reader.js';

/** Records (tree and line) or the error, reading `text` cut at `cuts`. */
function read(text: string, options: { scan?: boolean; cuts?: readonly number[]; record?: string } = {}): string {
  const reader = new XmlRecordReader(options.record ?? 'r', 'f.xml', { scan: options.scan ?? true });
  const out: unknown[] = [];
  try {
    let from = 0;
    for (const cut of [...(options.cuts ?? []), text.length]) {
      for (const { node, line } of reader.write(text.slice(from, cut))) out.push({ node, line });
      from = cut;
    }
    for (const { node, line } of reader.close()) out.push({ node, line });
  } catch (err) {
    expect(err).toBeInstanceOf(RunError);
    return `${(err as RunError).code} ${(err as RunError).message}`;
  }
  return JSON.stringify(out);
}

/** Same records, lines and errors with the body scanner as with saxes alone. */
function expectSameAsSaxes(text: string, cuts: readonly number[] = [], record = 'r'): string {
  const reference = read(text, { scan: false, record });
  expect(read(text, { cuts, record })).toBe(reference);
  return reference;
}

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'b', 'a.b', 'x-y', 'n:v', 'r', 'é', '_1'];
const TEXTS = ['1', 'abc', '', '  ', '\n', '\r\n', 'x\ry', '\t', '&amp;', '&lt;&gt;&quot;&apos;', '&#65;', '<![CDATA[c<d]]]>', '😀', 'é日本', '>',
  '<!-- c -->', '<?pi x?>', '&bad;', ']]>', '\u0001', '\uFFFE', '\uD800x', '\u0085'];
const VALUES = ['1', '', 'a&amp;b', 'a\nb', 'a\r\nb', 'a\tb', 'a>b', '😀', 'true', 'a<b', '&#10;', '&bad;'];

function randomDocument(rnd: () => number): string {
  const pick = <T>(list: readonly T[], common = list.length): T => list[Math.floor(rnd() * (rnd() < 0.95 ? common : list.length))] as T;
  const space = (): string => pick([' ', '\n', '\r\n', '\t', '\r']);
  const attributes = (): string => {
    let s = '';
    for (let i = rnd() < 0.7 ? 0 : Math.floor(rnd() * 3); i > 0; i--) {
      s += `${space()}${pick(['id', 'k', 'xmlns', 'xsi:nil', 'é', '1x'], 5)}=${pick(['"', "'"])}${pick(VALUES, 9).replace(/["']/g, '')}"`.replace(/'(.*)"$/, "'$1'");
    }
    return s;
  };
  const element = (depth: number): string => {
    const name = pick(NAMES);
    if (rnd() < 0.1) return `<${name}${attributes()}/>`;
    let inner = '';
    if (depth < 3 && rnd() < 0.3) for (let k = Math.floor(rnd() * 4); k > 0; k--) inner += (rnd() < 0.3 ? space() : '') + element(depth + 1);
    else inner = pick(TEXTS, 17);
    return `<${name}${attributes()}>${inner}</${rnd() < 0.01 ? pick(NAMES) : name}>`;
  };
  let doc = pick(['', '<?xml version="1.0"?>\n', '<?xml version="1.1"?>\n', '\uFEFF']) + '<rs>';
  for (let n = Math.floor(rnd() * 8); n > 0; n--) {
    let body = '';
    for (let k = Math.floor(rnd() * 5); k > 0; k--) body += (rnd() < 0.3 ? space() : '') + element(1);
    doc += rnd() < 0.05 ? `<r${attributes()}/>` : `<r${attributes()}>${body}</r>`;
    doc += rnd() < 0.9 ? space() : pick(['<!-- <r> -->', '<x><r><n>1</n></r></x>', 'text']);
  }
  return `${doc}</rs>\n`;
}

describe('xml record reader with the body scanner', () => {
  it('reads plain records into the same trees and lines as saxes, however the text is cut', () => {
    const text = '<?xml version="1.0"?>\r\n<rs>\r\n  <r id="1" xmlns:q="u"><a>x &amp; y</a><b k=\'v\tw\'/><a>2</a><b xsi:nil="1"/>\r\n  <c><![CDATA[<raw>]]></c></r>\n'
      + '  <r\nid="2"><n:v xsi:nil="true"/><é>日本</é><a>😀</a></r>\t<r id="3"/>\n  <r><!-- note --><a>&#65;</a></r>\n</rs>\n';
    const reference = expectSameAsSaxes(text);
    // saxes gives a start tag the line of the character after its name: `<r\nid="2">` is on line 6
    expect(JSON.parse(reference).map((r: { line: number }) => r.line)).toEqual([3, 6, 6, 7]);
    for (let cut = 1; cut < text.length; cut++) expectSameAsSaxes(text, [cut]);
    expectSameAsSaxes(text, Array.from({ length: text.length }, (_, i) => i));
  });

  it('reports errors inside and after scanned records at saxes\' line and column', () => {
    const records = '<r><a>1</a></r>\n'.repeat(5);
    const entity = expectSameAsSaxes(`<rs>\n${records}<r>\n  <a>x &bad;</a></r></rs>`);
    expect(entity).toMatch(/^E_XML_ENTITY f\.xml:8:12: undefined entity/);
    const mismatch = expectSameAsSaxes(`<rs>\n${records}<r><a>1</b></r></rs>`);
    expect(mismatch).toMatch(/^E_XML_PARSE f\.xml:7:\d+: unexpected close tag/);
    expect(expectSameAsSaxes(`<rs>\n${records}<r><a>]]></a></r></rs>`)).toMatch(/^E_XML_PARSE f\.xml:7:\d+: the string "]]>"/);
    expect(expectSameAsSaxes(`<rs>\n${records}</rs>\n<r/>`)).toMatch(/^E_XML_PARSE f\.xml:8:\d+: documents may contain only one root/);
    expect(expectSameAsSaxes(`<rs>\n${records}<r a="1" a="2"/></rs>`)).toMatch(/^E_XML_PARSE f\.xml:7:\d+: duplicate attribute: a/);
    // a character outside the BMP is one column, as saxes counts
    const wide = '<r><a>😀😀</a></r>'.repeat(3);
    expect(expectSameAsSaxes(`<rs>${wide}<r><a>&bad;</a></r></rs>`)).toMatch(/^E_XML_ENTITY f\.xml:1:63: undefined entity/);
    expect(expectSameAsSaxes(`<rs>\n${wide}\n${wide}<r><a>&bad;</a></r></rs>`)).toMatch(/^E_XML_ENTITY f\.xml:3:59: undefined entity/);
  });

  it('matches saxes on random documents, well-formed or not, cut at random places', () => {
    const rnd = seeded(20240611);
    for (let i = 0; i < 400; i++) {
      const text = randomDocument(rnd);
      const cuts = Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * text.length)).sort((x, y) => x - y);
      expectSameAsSaxes(text, cuts);
    }
  });

  it('leaves XML 1.1, nested record names and slash paths to the same rules', () => {
    expectSameAsSaxes('<?xml version="1.1"?><rs><r><a>\u0085x</a></r><r><a>y</a></r></rs>');
    expectSameAsSaxes('<rs><r><r>inner</r><a>1</a></r><r><a>2</a></r></rs>');
    const text = '<a><order n="1"><x>5</x></order><b><order n="2"><x>6</x></order><order n="3"><x>7</x></order></b></a>';
    expect(JSON.parse(expectSameAsSaxes(text, [], 'b/order'))).toHaveLength(2);
  });

  it('reads nearly every plain record itself, chunk after chunk, and backs off from ones it cannot take', () => {
    const plain = '<r id="1"><a>x</a><b>2</b></r>\n';
    const chunks = (text: string): string[] => Array.from({ length: Math.ceil(text.length / 65536) }, (_, i) => text.slice(i * 65536, (i + 1) * 65536));
    const readAll = (text: string): XmlRecordReader => {
      const reader = new XmlRecordReader('r', 'f.xml');
      let records = 0;
      for (const chunk of chunks(text)) records += reader.write(chunk).length;
      records += reader.close().length;
      expect(records).toBe(20000);
      return reader;
    };
    expect(readAll(`<rs>${plain.repeat(20000)}</rs>`).scanned).toBeGreaterThan(19900);
    const withComments = `<rs>${plain.replace('</r>', '<!-- c --></r>').repeat(10000)}${plain.repeat(10000)}</rs>`;
    const reader = readAll(withComments);
    expect(reader.scanned).toBeGreaterThan(9000);
    expect(reader.scanned).toBeLessThan(10000);
  });

  it('stays linear on start-tag look-alikes and records it cannot take', () => {
    const lookAlikes = `<rs><x><![CDATA[${'<r \'"<r "\''.repeat(20000)}]]></x><r><a>1</a></r></rs>`;
    const comments = `<rs>${'<r><a>1</a><!-- c --></r>'.repeat(20000)}</rs>`;
    for (const text of [lookAlikes, comments]) {
      const started = performance.now();
      const cuts = Array.from({ length: Math.floor(text.length / 65536) }, (_, i) => (i + 1) * 65536);
      expectSameAsSaxes(text, cuts);
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });
});
