import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunError } from '../../core/errors.js';
import { collectBatches, createTestContext, type TestContext } from '../../testing/context.js';
import { xmlSource } from './source.js';

const contexts: TestContext[] = [];
afterEach(() => {
  for (const c of contexts.splice(0)) c.cleanup();
});

async function readError(body: string): Promise<{ error: RunError; rows: number }> {
  const c = createTestContext();
  contexts.push(c);
  writeFileSync(join(c.dir, 'hostile.xml'), body);
  let rows = 0;
  try {
    for await (const batch of xmlSource.read({ path: 'hostile.xml', record_element: 'r' }, c)) rows += batch.rows.length;
  } catch (err) {
    expect(err).toBeInstanceOf(RunError);
    return { error: err as RunError, rows };
  }
  throw new Error('expected the read to fail');
}

describe('xml source on hostile input', () => {
  it('never reads a local file through an external entity (XXE)', async () => {
    const { error } = await readError(
      '<?xml version="1.0"?>\n<!DOCTYPE rs [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<rs><r><v>&xxe;</v></r></rs>',
    );
    expect(error.code).toBe('E_XML_ENTITY');
    expect(error.message).toMatch(/^hostile\.xml:3:\d+: undefined entity/);
    expect(error.message).not.toContain('root:');
  });

  it('never fetches a remote DTD', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('<!ENTITY remote "FETCHED">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const c = createTestContext();
      contexts.push(c);
      writeFileSync(join(c.dir, 'dtd.xml'), `<!DOCTYPE rs SYSTEM "http://127.0.0.1:${port}/evil.dtd">\n<rs><r><v>safe</v></r></rs>`);
      const { rows } = await collectBatches(xmlSource.read({ path: 'dtd.xml', record_element: 'r' }, c));
      expect(rows).toEqual([{ v: 'safe' }]);
      const { error } = await readError(`<!DOCTYPE rs SYSTEM "http://127.0.0.1:${port}/evil.dtd">\n<rs><r><v>&remote;</v></r></rs>`);
      expect(error.code).toBe('E_XML_ENTITY');
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('does not expand a billion-laughs entity bomb', async () => {
    const decls = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) decls.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const started = Date.now();
    const before = process.memoryUsage().rss;
    const { error } = await readError(`<?xml version="1.0"?>\n<!DOCTYPE rs [\n${decls.join('\n')}\n]>\n<rs><r><v>&lol9;</v></r></rs>`);
    expect(error.code).toBe('E_XML_ENTITY');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('stops on a malformed record with file:line:col and keeps the records before it', async () => {
    const { error, rows } = await readError('<rs>\n<r><v>1</v></r>\n<r><v>2</w></r>\n</rs>');
    expect(error.code).toBe('E_XML_PARSE');
    expect(error.message).toMatch(/^hostile\.xml:3:\d+: unexpected close tag/);
    expect(error.message).not.toContain('\n');
    expect(error.hint).toBeDefined();
    expect(rows).toBe(0);
  });

  it('treats an empty or truncated document as malformed', async () => {
    expect((await readError('')).error.code).toBe('E_XML_PARSE');
    expect((await readError('<rs><r><v>1</v></r>')).error.code).toBe('E_XML_PARSE');
  });
});
