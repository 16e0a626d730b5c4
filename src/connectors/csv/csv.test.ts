import { describe, it, expect, afterEach } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestContext, collectBatches, type TestContext } from '../../testing/context.js';
import { RunError } from '../../core/errors.js';
import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import { csvSource } from './source.js';
import { csvSink } from './sink.js';
import { CsvSplitter, isBlank, type CsvRecord } from './splitter.js';
import { csv } from './index.js';
import { conformancePath } from '../../testing/shared-corpus.js';

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

async function readCsv(content: string | Buffer, options: Record<string, unknown> = {}, batchSize = 2000) {
  ctx = createTestContext({ batch_size: batchSize });
  const name = (options.path as string | undefined) ?? 'data.csv';
  await writeFile(join(ctx.dir, name), content);
  const { batches, rows } = await collectBatches(csvSource.read({ path: name, ...options }, ctx));
  return { batches, rows, rejects: ctx.rejects, events: ctx.emitted };
}

describe('CsvSplitter', () => {
  it('gives the same records and lines whatever the chunking', () => {
    const dir = conformancePath('csv-spectrum', 'csvs');
    const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    texts.push('a,b\n1,"x\n\ny"\n\n2,3\n3,"ab""c"\n4,"open\n5,6\n');
    // a multi-line record still pending at the end (its last line end made a blank record)
    texts.push('a,b\n1,"x\nyyyyyyyyyyyyyy"\n2,3\n3,4\n');
    for (const text of texts) {
      const whole = new CsvSplitter({ delimiter: ',', quote: '"', escape: '"', first_line: 1 });
      const nonBlank = (r: CsvRecord) => !isBlank(r.fields);
      const expected = [...whole.push(text), ...whole.end()].filter(nonBlank);
      const bytewise = new CsvSplitter({ delimiter: ',', quote: '"', escape: '"', first_line: 1 });
      const got = [...text].flatMap((ch) => bytewise.push(ch)).concat(bytewise.end()).filter(nonBlank);
      expect(got).toEqual(expected);
    }
  });
});

describe('records longer than max_record_bytes', () => {
  const REASON = 'record is longer than max_record_bytes (2048 bytes); raise max_record_bytes to read it';
  // 10 KB quoted field with line breaks, doubled quotes and delimiters: 99 line breaks inside
  const quoted = `"${Array.from({ length: 100 }, (_, i) => `${'q'.repeat(90)},""${i}""`).join('\n')}"`;
  const text = `id,name,amount\n1,a,1.5\n2,${quoted},2.5\n3,c,3.5\n4,"x\ny",4.5\n5,${'z'.repeat(10_000)},5.5\n6,f,6.5\n`;

  function split(input: string, chunk: number, follow_from?: number): CsvRecord[] {
    const s = new CsvSplitter({ delimiter: ',', quote: '"', escape: '"', first_line: 1, max_record: 2048, ...(follow_from ? { follow_from } : {}) });
    const out: CsvRecord[] = [];
    for (let i = 0; i < input.length; i += chunk) out.push(...s.push(input.slice(i, i + chunk)));
    return out.concat(s.end()).filter((r) => !isBlank(r.fields));
  }

  it('skips a long quoted field and a long unquoted line, with exact lines after them', async () => {
    const { rows, batches, rejects } = await readCsv(text, { max_record_bytes: 2048 });
    expect(rows.map((r) => r.id)).toEqual([1, 3, 4, 6]);
    expect(rows[2]).toEqual({ id: 4, name: 'x\ny', amount: 4.5 });
    expect(batches[0]!.origin?.map((o) => o?.line)).toEqual([2, 103, 104, 107]);
    expect(rejects.map((r) => [r.position?.line, r.reason])).toEqual([[3, REASON], [106, REASON]]);
    expect(rejects[0]!.record).toBe(`2,${quoted.slice(0, 1022)}…`);
    expect(rejects[1]!.record).toBe(`5,${'z'.repeat(1022)}…`);
  });

  it('gives the same records and lines whatever the chunking', () => {
    const expected = split(text, text.length);
    expect(expected.map((r) => [r.line, r.error === undefined ? r.fields[0] : r.error])).toEqual([
      [1, 'id'], [2, '1'], [3, REASON], [103, '3'], [104, '4'], [106, REASON], [107, '6'],
    ]);
    for (const chunk of [1, 7, 1000, 3000]) {
      expect(split(text, chunk), `chunk ${chunk}`).toEqual(expected);
      // a record pending past follow_from is followed by the scanner in pieces instead of re-parsed
      expect(split(text, chunk, 100), `chunk ${chunk}, followed`).toEqual(expected);
    }
    const crlf = split(text.replaceAll('\n', '\r\n'), 333);
    expect(crlf.map((r) => [r.line, r.error === undefined ? r.fields[0] : r.error])).toEqual(expected.map((r) => [r.line, r.error === undefined ? r.fields[0] : r.error]));
  });

  it('rejects an unterminated quote that runs past the limit, and a too-long header stops the run', async () => {
    const open = await readCsv(`a,b\n1,2\n3,"${'o\n'.repeat(2000)}`, { max_record_bytes: 2048 });
    expect(open.rows).toEqual([{ a: 1, b: 2 }]);
    expect(open.rejects.map((r) => [r.position?.line, r.reason])).toEqual([[3, REASON]]);
    const header = await readCsv(`${'h'.repeat(3000)}\n1\n`, { max_record_bytes: 2048 }).catch((e: unknown) => e);
    expect((header as RunError).message).toBe(`the first record of data.csv (line 1) is malformed: ${REASON}`);
    const tooSmall = await readCsv('a\n1\n', { max_record_bytes: 100 }).catch((e: unknown) => e);
    expect((tooSmall as RunError).message).toMatch(/max_record_bytes/);
  });
});

describe('csv source', () => {
  it('infers types and emits schema.inferred', async () => {
    const { rows, batches, events } = await readCsv(
      'id,amount,ok,day,at,zip,big,name\n1,12.50,true,2024-01-02,2024-01-02 03:04:05.123456,00123,9007199254740993,x\n2,3,false,2024-01-03,2024-01-02T03:04:05Z,00045,1,\n',
    );
    expect(batches[0]!.schema.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:integer', 'amount:number', 'ok:boolean', 'day:date', 'at:timestamp', 'zip:string', 'big:integer', 'name:string',
    ]);
    expect(rows[0]).toEqual({ id: 1, amount: 12.5, ok: true, day: '2024-01-02', at: '2024-01-02T03:04:05.123456', zip: '00123', big: 9007199254740993n, name: 'x' });
    expect(rows[1]!.name).toBeNull();
    expect(events.some((e) => e.type === 'schema.inferred')).toBe(true);
    expect(batches[0]!.origin?.[1]).toEqual({ file: 'data.csv', line: 3, row: 2 });
  });

  it('rejects values that break the inferred type with their line', async () => {
    const lines = ['id,amount'];
    for (let i = 1; i <= 1001; i++) lines.push(`${i},${i}.5`);
    lines.push('"x\ny",abc', '1003,1.5');
    const { rows, rejects } = await readCsv(lines.join('\n'), { columns: { amount: 'decimal' }, infer: true });
    expect(rows).toHaveLength(1002);
    expect(rows[0]).toEqual({ id: 1, amount: '1.5' });
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.reason).toMatch(/^column (id: 'x\ny' is not an integer|amount: 'abc' is not a decimal)$/);
    expect(rejects[0]!.position).toEqual({ file: 'data.csv', line: 1003, row: 1002 });
  });

  it('rejects malformed records with raw text and exact physical lines', async () => {
    const text = 'a,b,c\n1,"multi\nline",3\n2,3\n\n4,5,6,7\n5,"x"y,6\n6,7,8\n7,"open,8\n9,9,9\n';
    const { rows, rejects } = await readCsv(text, { infer: false }, 2);
    expect(rows).toEqual([
      { a: '1', b: 'multi\nline', c: '3' },
      { a: '6', b: '7', c: '8' },
    ]);
    expect(rejects.map((r) => [r.position?.line, r.reason, r.record])).toEqual([
      [4, 'expected 3 fields, found 2', '2,3'],
      [6, 'expected 3 fields, found 4', '4,5,6,7'],
      [7, 'malformed quotes (text after a closing quote)', '5,"x"y,6'],
      [9, 'unterminated quoted field', '7,"open,8\n9,9,9'],
    ]);
  });

  it('handles a backslash escape, CR-only and CRLF files with exact lines', async () => {
    const esc = await readCsv('a,b\n1,"x\\"y"\n2,"z"\n', { escape: '\\', infer: false });
    expect(esc.rows).toEqual([{ a: '1', b: 'x"y' }, { a: '2', b: 'z' }]);
    const single = await readCsv("a,b\n1,'x''y, z'\n", { quote: "'", infer: false });
    expect(single.rows).toEqual([{ a: '1', b: "x'y, z" }]);
    const cr = await readCsv('a,b\r1,"p\rq"\r2,x\r3\r', { infer: false });
    expect(cr.rows).toEqual([{ a: '1', b: 'p\rq' }, { a: '2', b: 'x' }]);
    expect(cr.batches[0]!.origin?.map((o) => o?.line)).toEqual([2, 4]);
    expect(cr.rejects[0]?.position?.line).toBe(5);
    const crlf = await readCsv('a,b\r\n1,"p\r\nq"\r\n2,x,y\r\n', { infer: false });
    expect(crlf.rejects.map((r) => [r.position?.line, r.record])).toEqual([[4, '2,x,y']]);
  });

  it('checks the header', async () => {
    const dup = await readCsv('id,name,id,name\n1,2,3,4\n').catch((e: unknown) => e);
    expect((dup as RunError).message).toBe('the header of data.csv repeats column names id, name');
    const empty = await readCsv('id,,x\n1,2,3\n').catch((e: unknown) => e);
    expect((empty as RunError).message).toMatch(/empty column name at position 2/);
    const unknown = await readCsv('id\n1\n', { columns: { idd: 'integer' } }).catch((e: unknown) => e);
    expect((unknown as RunError).message).toBe('columns: "idd" is not a column of data.csv');
  });

  it('reports invalid UTF-8 with its line', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const err = await readCsv(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toBe('data.csv:3: invalid utf8 byte sequence');
  });

  it('reads gzip, latin1, utf16le with BOM, tabs, skip_lines, header: false, limit', async () => {
    expect((await readCsv(gzipSync('a\nx\n'), { path: 'd.csv.gz' })).rows).toEqual([{ a: 'x' }]);
    expect((await readCsv(Buffer.from('n\ncaf\xe9\n', 'latin1'), { encoding: 'latin1' })).rows).toEqual([{ n: 'café' }]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('n;m\n日本;😀\n', 'utf16le')]);
    expect((await readCsv(utf16, { encoding: 'utf16le', delimiter: ';' })).rows).toEqual([{ n: '日本', m: '😀' }]);
    expect((await readCsv('\uFEFFa\tb\n1\t2\n', { delimiter: '\\t' })).rows).toEqual([{ a: 1, b: 2 }]);
    const skipped = await readCsv('title\nmore\na,b\n1,x\n', { skip_lines: 2 });
    expect(skipped.rows).toEqual([{ a: 1, b: 'x' }]);
    expect(skipped.batches[0]!.origin?.[0]?.line).toBe(4);
    expect((await readCsv('1,2\r\n3,4\r\n', { header: false })).rows).toEqual([{ column_1: 1, column_2: 2 }, { column_1: 3, column_2: 4 }]);
    ctx.cleanup();
    ctx = createTestContext({ limit: 2, batch_size: 10 });
    await writeFile(join(ctx.dir, 'l.csv'), 'a\n1\n2\n3\n');
    expect((await collectBatches(csvSource.read({ path: 'l.csv' }, ctx))).rows).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('splits batches at batch_size and reads a header-only file as no rows', async () => {
    const { batches } = await readCsv('a\n1\n2\n3\n4\n5\n', {}, 2);
    expect(batches.map((b) => b.rows.length)).toEqual([2, 2, 1]);
    const headerOnly = await readCsv('a,b\n');
    expect(headerOnly.rows).toEqual([]);
    expect(headerOnly.batches.map((b) => b.schema.columns.map((c) => c.name))).toEqual([['a', 'b']]);
    expect((await readCsv('')).rows).toEqual([]);
  });

  it('says which file is missing', async () => {
    ctx = createTestContext();
    const err = await collectBatches(csvSource.read({ path: 'nope.csv' }, ctx)).catch((e: unknown) => e);
    expect((err as RunError).message).toBe('no such file nope.csv');
  });
});

describe('csv sink', () => {
  const schema: RecordSchema = {
    columns: [
      { name: 'id', type: 'integer' }, { name: 'text', type: 'string' }, { name: 'amount', type: 'decimal' },
      { name: 'ok', type: 'boolean' }, { name: 'blob', type: 'binary' }, { name: 'doc', type: 'json' },
    ],
  };
  async function* one(rows: RecordBatch['rows']): AsyncGenerator<RecordBatch> {
    yield { schema, rows };
  }

  it('quotes per RFC 4180 and renders values canonically', async () => {
    ctx = createTestContext();
    const rows = [
      { id: 12345678901234567890n, text: 'a,b "c"\nd', amount: '1.10', ok: true, blob: new Uint8Array([1, 2]), doc: { k: [1] } },
      { id: 1, text: ' pad', amount: null, ok: false, blob: null, doc: null },
    ];
    const plan = await csvSink.plan({ path: 'out.csv', line_ending: '\r\n', bom: true, null_value: 'NULL' }, schema, ctx);
    const result = await csvSink.apply(plan, one(rows), ctx);
    expect(result.rows_written).toBe(2);
    expect(await readFile(join(ctx.dir, 'out.csv'), 'utf8')).toBe(
      '\uFEFFid,text,amount,ok,blob,doc\r\n12345678901234567890,"a,b ""c""\nd",1.10,true,AQI=,"{""k"":[1]}"\r\n1," pad",NULL,false,NULL,NULL\r\n',
    );
  });

  it('appends without a second header and plans deterministic steps', async () => {
    ctx = createTestContext({ run_id: 'r1' });
    const opts = { path: 'out/{pipeline}.csv', mode: 'append' };
    const plan = await csvSink.plan(opts, schema, ctx);
    expect(plan.steps).toEqual([
      'copy out/test_pipeline.csv to ./out/.test_pipeline.csv.tmp-r1 if it exists (append keeps the original untouched until the rename)',
      'append csv rows to ./out/.test_pipeline.csv.tmp-r1',
      'fsync and rename to out/test_pipeline.csv',
    ]);
    const row = { id: 1, text: 't', amount: '2', ok: true, blob: null, doc: null };
    await csvSink.apply(plan, one([row]), ctx);
    await csvSink.apply(await csvSink.plan(opts, schema, ctx), one([row]), ctx);
    expect(await readFile(join(ctx.dir, 'out/test_pipeline.csv'), 'utf8')).toBe('id,text,amount,ok,blob,doc\n1,t,2,true,,\n1,t,2,true,,\n');
  });

  it('warns about a column that appears after the header', async () => {
    ctx = createTestContext();
    const s1: RecordSchema = { columns: [{ name: 'a', type: 'string' }] };
    const s2: RecordSchema = { columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }] };
    async function* drift(): AsyncGenerator<RecordBatch> {
      yield { schema: s1, rows: [{ a: '1' }] };
      yield { schema: s2, rows: [{ a: '2', b: 'x' }] };
    }
    await csvSink.apply(await csvSink.plan({ path: 'd.csv' }, s1, ctx), drift(), ctx);
    expect(await readFile(join(ctx.dir, 'd.csv'), 'utf8')).toBe('a\n1\n2\n');
    expect(ctx.emitted).toEqual([{ type: 'warning', stage: 'test', message: 'column b first appeared after the CSV header was written: its values are not written to d.csv' }]);
  });

  it('checks that the input exists', async () => {
    ctx = createTestContext();
    const checkCtx = { signal: ctx.signal, pipeline: ctx.pipeline, path: '/extract', issue: (path: string, code: string, message: string) => ({ severity: 'error' as const, code, message, path }) };
    expect(await csvSource.check!({ path: 'missing.csv' }, checkCtx)).toEqual([{ severity: 'error', code: 'E_INPUT_NOT_FOUND', message: 'no such file missing.csv', path: '/extract/path' }]);
    await writeFile(join(ctx.dir, 'here.csv'), 'a\n');
    expect(await csvSource.check!({ path: 'here.csv' }, checkCtx)).toEqual([]);
  });

  it('has valid examples', () => {
    for (const ex of csv.examples) expect(ex.yaml).toMatch(/^version: 1\nname: \w+\nextract:/);
  });
});
