import { describe, it, expect } from 'vitest';
import { CsvSplitter, isBlank, type CsvRecord, type SplitterOptions } from './splitter.js';

function split(input: string, chunk: number, extra: Partial<SplitterOptions>): CsvRecord[] {
  const s = new CsvSplitter({ delimiter: ',', quote: '"', escape: '"', first_line: 1, ...extra });
  const out: CsvRecord[] = [];
  for (let i = 0; i < input.length; i += chunk) out.push(...s.push(input.slice(i, i + chunk)));
  return out.concat(s.end()).filter((r) => r.error !== undefined || !isBlank(r.fields));
}
let seed = 11;
/** deterministic pseudo-random numbers, so a failure names a reproducible case. */
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

/** Random well-formed CSV (RFC 4180 quoting, fields with quotes, delimiters and line breaks). */
function randomCsv(t: number, nl: string): { text: string; lines: number[] } {
  const chars = ['a', 'b', ',', '"', ' ', 'x', '\n'];
  let text = 'h1,h2,h3' + nl;
  const lines: number[] = [];
  let line = 2;
  const recs = 20 + rnd(40);
  for (let r = 0; r < recs; r++) {
    const fields: string[] = [];
    let span = 1;
    for (let f = 0; f < 3; f++) {
      const len = rnd(15) === 0 ? 30 + rnd(80) : rnd(8);
      let v = '';
      for (let j = 0; j < len; j++) {
        const c = chars[rnd(chars.length)]!;
        v += c === '\n' ? nl : c;
      }
      if (/[",\r\n]/.test(v) || v.startsWith(' ')) {
        fields.push('"' + v.replaceAll('"', '""') + '"');
        span += v.split(nl).length - 1;
      } else fields.push(v);
    }
    text += fields.join(',') + nl;
    lines.push(line);
    line += span;
  }
  // every fourth text ends inside an unterminated quote
  if (t % 4 === 1) text += '9,"' + ('open' + nl).repeat(rnd(30));
  return { text, lines };
}

describe('long records (max_record 64, followed by the scanner)', () => {
  const isLong = (r: CsvRecord) => r.error?.startsWith('record is longer') === true;
  // the preview of a long record is what was buffered when it was found: it depends on the chunking
  const norm = (rs: CsvRecord[]) => rs.map((r) => (isLong(r) ? { ...r, raw: '' } : r));

  it('are found the same whatever the chunking, with exact lines, and never change other records', () => {
    let longs = 0;
    for (let t = 0; t < 200; t++) {
      const nl = t % 3 === 0 ? '\r\n' : t % 7 === 0 ? '\r' : '\n';
      const { text, lines } = randomCsv(t, nl);
      const plain = split(text, text.length, {});
      const ref = norm(split(text, text.length, { max_record: 64 }));
      if (t % 4 !== 1) {
        expect(plain.slice(1).map((r) => r.line), `t${t}`).toEqual(lines);
        expect(ref.slice(1).map((r) => r.line), `t${t}`).toEqual(lines);
      }
      ref.forEach((r, k) => {
        if (!isLong(r)) expect(r, `t${t} record ${k}`).toEqual(plain[k]);
      });
      longs += ref.filter(isLong).length;
      for (const chunk of [1, 5, 13, 97]) {
        expect(norm(split(text, chunk, { max_record: 64 })), `t${t} chunk ${chunk}`).toEqual(ref);
        expect(norm(split(text, chunk, { max_record: 64, follow_from: 16 })), `t${t} chunk ${chunk}, followed`).toEqual(ref);
        expect(split(text, chunk, { follow_from: 16 }), `t${t} chunk ${chunk}, followed, no limit`).toEqual(plain);
      }
    }
    expect(longs).toBeGreaterThan(100);
  });
});
