import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordBatch, Row } from '../../core/records/types.js';
import { collectBatches, createTestContext, type TestContext } from '../../testing/context.js';
import { xml } from './index.js';
import { xmlSink } from './sink.js';
import { xmlSource } from './source.js';

const contexts: TestContext[] = [];
function ctx(options: Parameters<typeof createTestContext>[0] = {}): TestContext {
  const c = createTestContext(options);
  contexts.push(c);
  return c;
}
afterEach(() => {
  for (const c of contexts.splice(0)) c.cleanup();
});

const ORDERS = `<?xml version="1.0" encoding="UTF-8"?>
<export>
  <orders>
    <order id="1" status="paid">
      <code>00123</code>
      <customer id="c1"><name>Zoë &amp; Co</name><city>Köln</city></customer>
      <note><![CDATA[<b>bold</b> & raw]]></note>
      <amount>12.50</amount>
      <item>a</item><item>b</item>
      <comment>  spaced  </comment>
      <gone xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>
    </order>
    <order id="2" status="open">
      <code>00456</code>
      <customer id="c2"><name>日本</name><city/></customer>
      <note>plain</note>
      <amount>7</amount>
      <item>c</item>
      <comment/>
    </order>
  </orders>
</export>
`;

async function readXml(c: TestContext, file: string, options: Record<string, unknown> = {}) {
  return collectBatches(xmlSource.read({ path: file, record_element: 'order', ...options }, c));
}

describe('xml source', () => {
  it('flattens attributes, nested elements, CDATA, entities and repeats, keeping text exact', async () => {
    const c = ctx();
    writeFileSync(join(c.dir, 'orders.xml'), ORDERS);
    const { batches, rows } = await readXml(c, 'orders.xml');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      id: 1, status: 'paid', code: '00123', 'customer.@id': 'c1', 'customer.name': 'Zoë & Co', 'customer.city': 'Köln',
      note: '<b>bold</b> & raw', amount: 12.5, item: ['a', 'b'], comment: '  spaced  ', gone: null,
    });
    // item repeated in record 1, so it is an array in record 2 too; an empty element is ''
    expect(rows[1]).toMatchObject({ id: 2, code: '00456', 'customer.name': '日本', 'customer.city': '', item: ['c'], comment: '' });
    const types = Object.fromEntries(batches[0]!.schema.columns.map((col) => [col.name, col.type]));
    expect(types).toMatchObject({ id: 'integer', code: 'string', amount: 'number', item: 'json', note: 'string' });
    expect(batches[0]!.origin?.map((o) => o?.line)).toEqual([4, 13]);
    expect(batches[0]!.origin?.[0]).toMatchObject({ file: 'orders.xml', row: 1 });
  });

  it('matches slash paths, anchored paths, and applies columns/infer/attribute_prefix', async () => {
    const c = ctx();
    writeFileSync(join(c.dir, 'o.xml'), '<a><order n="1"><x>5</x></order><b><order n="2"><x>6</x></order></b></a>');
    expect((await readXml(c, 'o.xml', { record_element: 'b/order' })).rows).toEqual([{ n: 2, x: 6 }]);
    expect((await readXml(c, 'o.xml', { record_element: '/a/order' })).rows).toEqual([{ n: 1, x: 5 }]);
    expect((await readXml(c, 'o.xml', { record_element: '/order' })).rows).toEqual([]);
    const typed = await readXml(c, 'o.xml', { infer: false, attribute_prefix: '@', columns: { x: 'decimal' } });
    expect(typed.rows).toEqual([{ '@n': '1', x: '5' }, { '@n': '2', x: '6' }]);
    expect(typed.batches[0]!.schema.columns.map((col) => col.type)).toEqual(['string', 'decimal']);
  });

  it('rejects values that do not fit the inferred type, with their line', async () => {
    const c = ctx({ batch_size: 2 });
    const body = ['1', '2', 'x3', '4'].map((v) => `<r>\n<n>${v}</n></r>`).join('\n');
    writeFileSync(join(c.dir, 'r.xml'), `<rs>\n${body}\n</rs>`);
    const { rows, batches } = await readXml(c, 'r.xml', { record_element: 'r' });
    expect(rows).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    expect(batches).toHaveLength(2);
    expect(c.rejects).toHaveLength(1);
    expect(c.rejects[0]).toMatchObject({ column: 'n', position: { line: 6, row: 3 } });
    expect(c.rejects[0]!.reason).toContain("'x3' is not an integer");
  });

  it('checks that the file exists for validate --connections', async () => {
    const c = ctx();
    writeFileSync(join(c.dir, 'here.xml'), '<r/>');
    const check = { signal: c.signal, pipeline: c.pipeline, path: '/extract', issue: (path: string, code: string, message: string) => ({ severity: 'error' as const, code, message, path }) };
    expect(await xmlSource.check!({ path: 'here.xml', record_element: 'r' }, check)).toEqual([]);
    expect(await xmlSource.check!({ path: 'gone.xml', record_element: 'r' }, check)).toMatchObject([{ code: 'E_INPUT_NOT_FOUND', path: '/extract/path', message: 'no such file gone.xml' }]);
  });

  it('reads gzip input, a declared latin1 encoding, and honours limit', async () => {
    const c = ctx({ limit: 1 });
    writeFileSync(join(c.dir, 'o.xml.gz'), gzipSync(ORDERS));
    expect((await readXml(c, 'o.xml.gz')).rows).toHaveLength(1);
    const latin = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r><order><v>caf\xe9</v></order></r>', 'latin1');
    writeFileSync(join(c.dir, 'l.xml'), latin);
    expect((await readXml(c, 'l.xml')).rows).toEqual([{ v: 'café' }]);
  });
});

async function* batchesOf(...batches: RecordBatch[]): AsyncGenerator<RecordBatch> {
  yield* batches;
}

async function writeXml(c: TestContext, options: Record<string, unknown>, ...batches: RecordBatch[]) {
  const plan = await xmlSink.plan(options, batches[0]!.schema, c);
  return { plan, result: await xmlSink.apply(plan, batchesOf(...batches), c) };
}

const ALL_TYPES: RecordBatch = {
  schema: {
    columns: [
      { name: 'id', type: 'integer' }, { name: 'big', type: 'integer' }, { name: 'amount', type: 'decimal' },
      { name: 'ratio', type: 'number' }, { name: 'ok', type: 'boolean' }, { name: 'day', type: 'date' },
      { name: 'at', type: 'timestamp', with_zone: true }, { name: 'text', type: 'string' },
      { name: 'unit price', type: 'string' }, { name: '2nd', type: 'string' }, { name: 'tags', type: 'json' },
    ],
  },
  rows: [
    {
      id: 1, big: 9007199254740993n, amount: '123456789012345.67', ratio: 0.25, ok: true, day: '2024-02-29',
      at: '2024-01-02T03:04:05.123456Z', text: 'a & b < c > "d" \'e\'\r\nline2 ✓', 'unit price': '1', '2nd': 'x', tags: { k: [1, 'two'] },
    },
    { id: 2, big: null, amount: null, ratio: null, ok: false, day: null, at: null, text: '', 'unit price': null, '2nd': null, tags: null },
  ],
};

describe('xml sink', () => {
  it('writes well-formed escaped XML with sanitised names and xsi:nil nulls, atomically', async () => {
    const c = ctx();
    const { plan, result } = await writeXml(c, { path: 'out/data.xml', root_element: 'rows', record_element: 'row' }, ALL_TYPES);
    expect(result).toEqual({ rows_written: 2, target: 'out/data.xml' });
    expect(plan.type_map?.['unit price']).toBe('<row><unit_price> text');
    const text = readFileSync(join(c.dir, 'out/data.xml'), 'utf8');
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<rows xmlns:xsi=')).toBe(true);
    expect(text).toContain('<text>a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;&#xD;\nline2 ✓</text>');
    expect(text).toContain('<unit_price>1</unit_price><_2nd>x</_2nd>');
    expect(text).toContain('<amount xsi:nil="true"/>');
    expect(readdirSync(join(c.dir, 'out'))).toEqual(['data.xml']);
  });

  it('round-trips sink → source with the same values', async () => {
    const c = ctx();
    await writeXml(c, { path: 'rt.xml' }, ALL_TYPES);
    const { rows } = await collectBatches(
      xmlSource.read({ path: 'rt.xml', record_element: 'record', columns: { amount: 'decimal', tags: 'string', '_2nd': 'string' } }, c),
    );
    const expected: Row = { ...ALL_TYPES.rows[0]!, tags: '{"k":[1,"two"]}' };
    delete expected['unit price'];
    delete expected['2nd'];
    expect(rows[0]).toEqual({ ...expected, unit_price: 1, _2nd: 'x' });
    expect(rows[1]).toMatchObject({ id: 2, big: null, amount: null, ok: false, text: '', at: null });
  });

  it('rejects (or removes) characters XML 1.0 forbids, and omits nulls when asked', async () => {
    const batch: RecordBatch = { schema: { columns: [{ name: 's', type: 'string' }, { name: 'n', type: 'string' }] }, rows: [{ s: 'a\u0000b', n: null }, { s: 'ok', n: null }] };
    const c = ctx();
    const { result } = await writeXml(c, { path: 'r.xml' }, batch);
    expect(result.rows_written).toBe(1);
    expect(c.rejects[0]).toMatchObject({ column: 's' });
    expect(c.rejects[0]!.reason).toContain('U+0000');
    await writeXml(c, { path: 'm.xml', invalid_chars: 'remove', nulls: 'omit' }, batch);
    const text = readFileSync(join(c.dir, 'm.xml'), 'utf8');
    expect(text).toContain('<record><s>ab</s></record>');
    expect(text).not.toContain('xsi');
  });

  it('leaves no file when the input fails midway', async () => {
    const c = ctx();
    async function* failing(): AsyncGenerator<RecordBatch> {
      yield ALL_TYPES;
      throw new Error('boom');
    }
    const plan = await xmlSink.plan({ path: 'f.xml' }, ALL_TYPES.schema, c);
    await expect(xmlSink.apply(plan, failing(), c)).rejects.toThrow('boom');
    expect(existsSync(join(c.dir, 'f.xml'))).toBe(false);
    expect(readdirSync(c.dir)).toEqual([]);
  });

  it('is declared with lazy load and the documented capabilities', async () => {
    expect(xml.extensions).toEqual(['.xml']);
    expect(xml.source?.capabilities.knows_schema).toBe(false);
    const runtime = await xml.load();
    expect(runtime.source).toBe(xmlSource);
    expect(runtime.sink).toBe(xmlSink);
  });
});
