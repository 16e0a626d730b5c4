import { RunError, throwIfAborted } from '../../core/errors.js';
import { compareWatermarks } from '../../core/engine/watermark.js';
import type { Issue } from '../../core/issues.js';
import type { RecordBatch, Value } from '../../core/records/types.js';
import type { CheckContext, IncrementalWindow, SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { JsonBatchBuilder } from '../shared/json-rows.js';
import { readOptions } from '../shared/options.js';
import type { HttpResponse } from './client.js';
import { parseExactJson, restoreRecord } from '../shared/exact-json.js';
import { getPath, parsePath, type PathSegment } from './json-path.js';
import { restSourceOptions, type RestSourceOptions } from './options.js';
import { createPager, type PageRequest, type Pager } from './pagination.js';
import { CHECK_RETRY, openStage, type StageHttp } from './stage.js';

interface Prepared {
  readonly o: RestSourceOptions;
  readonly http: StageHttp;
  readonly pager: Pager;
  readonly records: PathSegment[];
  readonly body?: string;
}

/** What prepare() needs; a SourceContext and a CheckContext both fit. */
interface PrepareContext {
  readonly signal: AbortSignal;
  readonly retry?: SourceContext['retry'];
  readonly events?: SourceContext['events'];
  readonly stage?: string;
  readonly secrets?: SourceContext['secrets'];
  readonly connection?: Record<string, unknown>;
  readonly incremental?: IncrementalWindow;
}

function prepare(raw: Record<string, unknown>, ctx: PrepareContext): Prepared {
  const o = readOptions(restSourceOptions, raw, 'rest source');
  const http = openStage(o, {
    signal: ctx.signal, retry: ctx.retry ?? CHECK_RETRY,
    ...(ctx.events ? { events: ctx.events } : {}),
    ...(ctx.stage !== undefined ? { stage: ctx.stage } : {}),
    ...(ctx.secrets ? { secrets: ctx.secrets } : {}),
    ...(ctx.connection ? { connection: ctx.connection } : {}),
  });
  const start = new URL(http.url);
  for (const [k, v] of Object.entries(o.params ?? {})) start.searchParams.set(k, String(v));
  addWindow(start, o, ctx.incremental);
  let records: PathSegment[];
  try {
    records = parsePath(o.records);
  } catch (err) {
    throw new RunError('E_REST_RECORDS_PATH', `rest source: records: ${(err as Error).message}`, { hint: 'use a dotted path like data.items, or $ for the body itself' });
  }
  const pager = createPager(o.pagination, start, ctx.events ?? (() => {}), ctx.stage ?? 'extract rest');
  const body = o.method === 'POST' && o.body !== undefined ? JSON.stringify(o.body) : undefined;
  return { o, http, pager, records, ...(body === undefined ? {} : { body }) };
}

function addWindow(url: URL, o: RestSourceOptions, w: IncrementalWindow | undefined): void {
  if (w?.after !== undefined && o.incremental_param) url.searchParams.set(o.incremental_param, w.after);
  if (w?.until !== undefined && o.incremental_until_param) url.searchParams.set(o.incremental_until_param, w.until);
}

/** Rows outside the incremental window (an API whose `since` is inclusive) are skipped. */
function inWindow(obj: Record<string, unknown>, w: IncrementalWindow | undefined): boolean {
  if (!w || !(w.column in obj)) return true;
  const v = obj[w.column];
  if (v === null || v === undefined || typeof v === 'object') return true;
  const value = v as Value;
  return (w.after === undefined || compareWatermarks(value, w.after) > 0) && (w.until === undefined || compareWatermarks(value, w.until) <= 0);
}

async function fetchPage(p: Prepared, req: PageRequest): Promise<{ res: HttpResponse; body: unknown; items: unknown[] }> {
  const res = await p.http.client.send({ method: p.o.method ?? 'GET', url: req.url, what: `page ${req.number}`, ...(p.body === undefined ? {} : { body: p.body }) });
  const where = `page ${req.number} (${p.http.client.describe({ method: p.o.method ?? 'GET', url: req.url })})`;
  let body: unknown;
  try {
    body = res.text.trim() === '' ? null : parseExactJson(res.text);
  } catch (err) {
    throw new RunError('E_REST_BAD_JSON', `rest source: ${where}: the answer is not valid JSON (${(err as Error).message})`, {
      hint: `the body starts with: ${p.http.redact.text(res.text.slice(0, 80))}`,
    });
  }
  const found = getPath(body, p.records);
  if (found === undefined) {
    throw new RunError('E_REST_RECORDS', `rest source: ${where}: no \`${p.o.records ?? '$'}\` in the answer`, {
      hint: 'set `records` to the path of the array of records, e.g. data.items',
    });
  }
  const items = found === null ? [] : Array.isArray(found) ? found : [found];
  return { res, body, items };
}

async function* read(raw: Record<string, unknown>, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  const p = prepare(raw, ctx);
  const builder = new JsonBatchBuilder(ctx, p.o.columns ?? {});
  const room = (): number => (ctx.limit === undefined ? Infinity : ctx.limit - emitted);
  let emitted = 0;
  let row = 0;
  const flush = (): RecordBatch | undefined => {
    const batch = builder.flush();
    if (!batch) return undefined;
    const n = Math.min(room(), batch.rows.length);
    emitted += n;
    return n === batch.rows.length ? batch : { schema: batch.schema, rows: batch.rows.slice(0, n), origin: batch.origin?.slice(0, n) ?? [] };
  };
  for (let req: PageRequest | undefined = p.pager.first; req; ) {
    throwIfAborted(ctx.signal);
    const { res, body, items } = await fetchPage(p, req);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const position = { row: ++row, locator: `page ${req.number}, record ${i + 1}` };
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        ctx.reject({ record: JSON.stringify(item) ?? String(item), reason: 'record is not a JSON object', position });
        continue;
      }
      const obj = restoreRecord(item as Record<string, unknown>);
      if (!inWindow(obj, ctx.incremental)) continue;
      builder.add(obj, position);
      if (builder.size >= ctx.batch_size) {
        const batch = flush();
        if (batch) yield batch;
        if (room() <= 0) return;
      }
    }
    const batch = flush();
    if (batch) yield batch;
    if (room() <= 0) return;
    req = p.pager.next(req, { records: items.length, body, headers: res.headers, url: res.url });
  }
}

async function describe(raw: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const p = prepare(raw, ctx);
  const first = p.http.client.describeSent({ method: p.o.method ?? 'GET', url: p.pager.first.url });
  return {
    summary: `rest ${first} (pagination: ${p.pager.summary}; records: ${p.o.records || '$'})`,
    statements: [p.body === undefined ? first : `${first} ${p.http.redact.text(p.body)}`],
  };
}

async function check(raw: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const p = prepare(raw, ctx);
  await fetchPage(p, p.pager.first);
  return [];
}

export const restSource: SourceRuntime = { read, describe, check };
