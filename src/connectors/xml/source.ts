import { stat } from 'node:fs/promises';
import { EtlError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch } from '../../core/records/types.js';
import type { Issue } from '../../core/issues.js';
import type { CheckContext, SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { openInput, readError } from '../shared/input.js';
import { readOptions } from '../shared/options.js';
import { displayPath, resolveTargetPath, STDIO_PATH } from '../shared/resolve-path.js';
import { decodeText } from '../shared/text-decode.js';
import { xmlSourceOptions, type XmlSourceOptions } from './options.js';
import { XmlRecordReader } from './record-reader.js';
import { BatchTyper, type PendingRow } from './typing.js';

/** The encoding named by a BOM or the XML declaration; UTF-8 otherwise. */
export function detectXmlEncoding(head: Uint8Array): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0x3c && head[1] === 0x00)) return 'utf-16le';
  if ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0x00 && head[1] === 0x3c)) return 'utf-16be';
  const start = Buffer.from(head.subarray(0, 512)).toString('latin1');
  const decl = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(start);
  return decl?.[1] ?? 'utf-8';
}

/** Replays the first chunk (already read to sniff the encoding) before the rest of the stream. */
async function* withHead(head: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* decodedChunks(path: string, opts: XmlSourceOptions, display: string, signal: AbortSignal): AsyncGenerator<string> {
  const input = await openInput(path, { compression: opts.compression ?? 'auto', signal, display });
  const bytes = input[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  try {
    const first = await bytes.next();
    if (first.done) return;
    const encoding = opts.encoding ?? detectXmlEncoding(first.value);
    yield* decodeText(withHead(first.value, bytes), encoding);
  } catch (err) {
    throw err instanceof EtlError ? err : readError(err, display);
  } finally {
    input.destroy();
  }
}

async function* readXml(options: Record<string, unknown>, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  const opts = readOptions(xmlSourceOptions, options, 'xml source');
  const path = resolveTargetPath(opts.path, ctx);
  const display = path === STDIO_PATH ? 'stdin' : displayPath(path, ctx);
  const reader = new XmlRecordReader(opts.record_element, display);
  const typer = new BatchTyper(opts.columns ?? {}, opts.infer ?? true, opts.attribute_prefix ?? '', ctx);
  const limit = ctx.limit ?? Infinity;
  let pending: PendingRow[] = [];
  let count = 0;
  const take = (records: ReturnType<XmlRecordReader['write']>): void => {
    for (const record of records) {
      if (count >= limit) return;
      count++;
      pending.push({ node: record.node, position: { file: display, line: record.line, row: count }, repeats: record.repeats });
    }
  };
  for await (const text of decodedChunks(path, opts, display, ctx.signal)) {
    throwIfAborted(ctx.signal);
    take(reader.write(text));
    while (pending.length >= ctx.batch_size) yield typer.batch(pending.splice(0, ctx.batch_size));
    if (count >= limit) break;
  }
  if (count < limit) take(reader.close());
  if (pending.length > 0) {
    const last = pending;
    pending = [];
    yield typer.batch(last);
  }
}

async function describeXml(options: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const opts = readOptions(xmlSourceOptions, options, 'xml source');
  const display = displayPath(resolveTargetPath(opts.path, ctx), ctx);
  return { summary: `${display} (xml, one record per <${opts.record_element}>, streamed)` };
}

/** validate --connections: the file exists and is a regular file. */
async function checkXml(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const opts = readOptions(xmlSourceOptions, options, 'xml source');
  if (opts.path === STDIO_PATH) return [];
  const path = resolveTargetPath(opts.path, ctx);
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) return [];
  const display = displayPath(path, ctx);
  return [ctx.issue(`${ctx.path}/path`, 'E_INPUT_NOT_FOUND', info ? `${display} is not a file` : `no such file ${display}`, `it resolved to ${path}`)];
}

export const xmlSource: SourceRuntime = { read: readXml, describe: describeXml, check: checkXml };
