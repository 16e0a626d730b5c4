import { describe, it, expect, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createTestContext, type TestContext } from '../../testing/context.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

/**
 * Bundles a TypeScript snippet (esbuild, which vitest already depends on) and runs it in a child
 * process with real stdin/stdout; returns its stdout. vite-node is not used: it leaves stdin unread.
 */
async function run(script: string, input: Buffer | string): Promise<string> {
  const { build } = await import('esbuild');
  const file = join(ctx.dir, 'script.ts');
  const out = join(root, `.stdio-test-${process.pid}.mjs`); // inside the repo, so node_modules resolve
  writeFileSync(file, script.replaceAll('@src', join(root, 'src')));
  await build({ entryPoints: [file], outfile: out, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  try {
    return execFileSync(process.execPath, [out], { input, cwd: root, encoding: 'utf8', timeout: 30_000 });
  } finally {
    rmSync(out, { force: true });
  }
}

const COPY = `
import { createTestContext } from '@src/testing/context.js';
import { csvSource } from '@src/connectors/csv/source.js';
import { ndjsonSink } from '@src/connectors/ndjson/sink.js';
const ctx = createTestContext();
const batches = csvSource.read({ path: '-' }, ctx);
const first = await batches.next();
async function* all() { if (!first.done) yield first.value; yield* { [Symbol.asyncIterator]: () => batches }; }
const schema = first.done ? { columns: [] } : first.value.schema;
await ndjsonSink.apply(await ndjsonSink.plan({ path: '-' }, schema, ctx), all(), ctx);
ctx.cleanup();
`;

describe('stdin and stdout (`-`)', () => {
  it('reads CSV from stdin (plain and gzip-sniffed) and writes NDJSON to stdout', async () => {
    ctx = createTestContext();
    expect(await run(COPY, 'id,name\n1,a\n2,b\n')).toBe('{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n');
    expect(await run(COPY, gzipSync('id\n7\n'))).toBe('{"id":7}\n');
  });
});
