import { describe, it, expect, afterEach } from 'vitest';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { createTestContext, type TestContext } from '../../testing/context.js';
import { RunError } from '../../core/errors.js';
import { displayPath, resolveTargetPath } from './resolve-path.js';
import { openInput, readError } from './input.js';
import { openAtomicWriter, tempPathFor } from './atomic-writer.js';
import { applyFileSink, planFileSink } from './file-sink-base.js';
import { countLineEnds, decodeText, InvalidTextError } from './text-decode.js';

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

async function readAll(path: string, compression: 'auto' | 'gzip' | 'none' = 'auto'): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await openInput(path, { compression })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('resolveTargetPath', () => {
  it('expands templates relative to the pipeline dir', () => {
    ctx = createTestContext({ name: 'orders', run_id: 'r42' });
    expect(resolveTargetPath('out/{pipeline}-{date}-{run_id}.csv', ctx)).toBe(join(ctx.dir, 'out/orders-2024-05-06-r42.csv'));
    expect(resolveTargetPath('/abs/x.csv', ctx)).toBe('/abs/x.csv');
    expect(resolveTargetPath('-', ctx)).toBe('-');
    expect(displayPath(join(ctx.dir, 'a/b.csv'), ctx)).toBe('a/b.csv');
  });
  it('rejects unknown placeholders', () => {
    ctx = createTestContext();
    expect(() => resolveTargetPath('{data}.csv', ctx)).toThrow(/unknown placeholder \{data\}/);
  });
});

describe('openInput', () => {
  it('reads plain, .gz and magic-sniffed gzip files', async () => {
    ctx = createTestContext();
    await writeFile(join(ctx.dir, 'a.txt'), 'hello');
    await writeFile(join(ctx.dir, 'b.txt.gz'), gzipSync('zipped'));
    await writeFile(join(ctx.dir, 'c.bin'), gzipSync('sniffed'));
    expect(await readAll(join(ctx.dir, 'a.txt'))).toBe('hello');
    expect(await readAll(join(ctx.dir, 'b.txt.gz'))).toBe('zipped');
    expect(await readAll(join(ctx.dir, 'c.bin'))).toBe('sniffed');
    expect((await readAll(join(ctx.dir, 'c.bin'), 'none')).length).toBeGreaterThan(0);
  });
  it('names a missing file without a stack', async () => {
    ctx = createTestContext();
    const err = await openInput(join(ctx.dir, 'data.csv')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toBe('no such file data.csv');
    expect((err as RunError).hint).toMatch(/resolved to/);
  });
  it('turns corrupt gzip into a RunError', async () => {
    ctx = createTestContext();
    await writeFile(join(ctx.dir, 'bad.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]));
    const err = await readAll(join(ctx.dir, 'bad.gz')).catch((e: unknown) => readError(e, 'bad.gz'));
    expect((err as RunError).code).toBe('E_INPUT_GZIP');
  });
});

describe('decodeText', () => {
  it('joins multi-byte characters split across chunks and reports invalid bytes', async () => {
    const bytes = Buffer.from('a€b', 'utf8');
    const parts: string[] = [];
    for await (const t of decodeText([bytes.subarray(0, 2), bytes.subarray(2)], 'utf8')) parts.push(t);
    expect(parts.join('')).toBe('a€b');
    const bad = async () => {
      for await (const _ of decodeText([Buffer.from([0x61, 0x0a, 0x62, 0xff])], 'utf8')) void _;
    };
    const err = await bad().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTextError);
    expect((err as InvalidTextError).textBefore).toBe('a\nb');
    expect(countLineEnds('a\r\nb\nc', 0, 6)).toBe(2);
  });
});

describe('openAtomicWriter', () => {
  it('writes to a temp file and renames on commit', async () => {
    ctx = createTestContext();
    const target = join(ctx.dir, 'sub/out.txt');
    const w = await openAtomicWriter(target, { run_id: 'r1' });
    expect(w.tempPath).toBe(tempPathFor(target, 'r1'));
    await w.write('one ');
    await w.write(new TextEncoder().encode('two'));
    expect(await readdir(join(ctx.dir, 'sub'))).toEqual(['.out.txt.tmp-r1']);
    await w.commit();
    expect(await readFile(target, 'utf8')).toBe('one two');
    expect(await readdir(join(ctx.dir, 'sub'))).toEqual(['out.txt']);
  });
  it('abort leaves the original untouched and removes the temp file', async () => {
    ctx = createTestContext();
    const target = join(ctx.dir, 'out.txt');
    await writeFile(target, 'original');
    const w = await openAtomicWriter(target, { mode: 'append' });
    expect(w.existingBytes).toBe(8);
    await w.write('+more');
    await w.abort();
    expect(await readFile(target, 'utf8')).toBe('original');
    expect(await readdir(ctx.dir)).toEqual(['out.txt']);
  });
  it('reports a target that is a directory as a RunError and removes the temp file', async () => {
    ctx = createTestContext();
    await mkdir(join(ctx.dir, 'out.txt'));
    const w = await openAtomicWriter(join(ctx.dir, 'out.txt'), { run_id: 'r2' });
    await w.write('x');
    const err = await w.commit().catch((e: unknown) => e);
    expect((err as RunError).code).toBe('E_OUTPUT_WRITE');
    await w.abort();
    expect(await readdir(ctx.dir)).toEqual(['out.txt']);
  });
  it('appends (gzip appends add a member) and keeps a prefix when asked', async () => {
    ctx = createTestContext();
    const target = join(ctx.dir, 'out.txt.gz');
    for (const part of ['a', 'b']) {
      const w = await openAtomicWriter(target, { mode: 'append', compression: 'gzip' });
      await w.write(part);
      await w.commit();
    }
    expect(gunzipSync(await readFile(target)).toString()).toBe('ab');
    const plain = join(ctx.dir, 'arr.json');
    await writeFile(plain, '[1]\n');
    const w = await openAtomicWriter(plain, { mode: 'append', keep_bytes: async () => 2 });
    await w.write(',2]\n');
    await w.commit();
    expect(await readFile(plain, 'utf8')).toBe('[1,2]\n');
  });
});

describe('planFileSink / applyFileSink', () => {
  const schema = { columns: [{ name: 'a', type: 'string' as const }] };
  it('plans the same steps every time and applies them', async () => {
    ctx = createTestContext({ run_id: 'r9' });
    const input = { path: 'out/{pipeline}.txt', format: 'text', schema, options: {} };
    const plan = planFileSink(input, ctx);
    expect(planFileSink(input, ctx)).toEqual(plan);
    expect(plan.target).toBe('out/test_pipeline.txt');
    expect(plan.steps).toEqual(['write text to ./out/.test_pipeline.txt.tmp-r9', 'fsync and rename to out/test_pipeline.txt (replaces the existing file)']);
    async function* batches() {
      yield { schema, rows: [{ a: 'x' }, { a: 'y' }] };
    }
    const encoder = { start: () => 'H\n', batch: (b: { rows: readonly Record<string, unknown>[] }) => b.rows.map((r) => `${String(r.a)}\n`).join(''), end: () => 'END\n' };
    const result = await applyFileSink(plan, batches(), ctx, encoder);
    expect(result).toEqual({ rows_written: 2, target: 'out/test_pipeline.txt' });
    expect(await readFile(join(ctx.dir, 'out/test_pipeline.txt'), 'utf8')).toBe('H\nx\ny\nEND\n');
  });
});
