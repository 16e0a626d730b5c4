import { RunError, throwIfAborted } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { CheckContext, SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { stringifyRow } from '../shared/json-write.js';
import { readOptions } from '../shared/options.js';
import type { HttpResponse } from './client.js';
import { parseExactJson } from '../shared/exact-json.js';
import { HttpError } from './http-error.js';
import { getPath, parsePath, type PathSegment } from './json-path.js';
import { restSinkOptions, type RestSinkOptions } from './options.js';
import { recordErrors } from './record-errors.js';
import { CHECK_RETRY, openStage, type StageHttp } from './stage.js';

interface Item {
  readonly row: Row;
  readonly position?: SourcePosition;
}

/** Requests in flight, at most `size`; the first failure is rethrown once the others settle. */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly size: number) {}

  async add(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.size && !this.failure) await Promise.race(this.running);
    if (this.failure) return this.drain();
    const p: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
    if (this.failure) throw this.failure.error;
  }
}

async function plan(raw: Record<string, unknown>, _schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const o = readOptions(restSinkOptions, raw, 'rest sink');
  const http = openStage(o, { signal: ctx.signal, retry: ctx.retry, secrets: ctx.secrets, ...(ctx.connection ? { connection: ctx.connection } : {}) });
  const method = o.method ?? 'POST';
  const target = `${method} ${http.redact.url(http.url)}`;
  const each = o.body_format === 'object'
    ? `send each record as a JSON object, ${http.settings.concurrency} request(s) at a time`
    : `send records as JSON arrays of up to ${o.batch_size ?? 100}${http.settings.concurrency > 1 ? `, ${http.settings.concurrency} requests at a time` : ''}`;
  return {
    target,
    mode: 'append',
    steps: [
      `${target}: ${each}`,
      ...(o.errors_path ? [`reject the records listed at ${o.errors_path} in each answer`] : []),
      'no rollback: if the run fails, batches already sent stay delivered (use an idempotent API or keys)',
    ],
    internal: o,
  };
}

async function apply(p: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const o = p.internal as RestSinkOptions;
  const http = openStage(o, {
    signal: ctx.signal, retry: ctx.retry, events: ctx.events, stage: ctx.stage, secrets: ctx.secrets,
    ...(ctx.connection ? { connection: ctx.connection } : {}),
  });
  const sender = new Sender(o, http, ctx);
  const pool = new InFlight(http.settings.concurrency);
  const size = o.body_format === 'object' ? 1 : (o.batch_size ?? 100);
  let chunk: Item[] = [];
  for await (const batch of input) {
    throwIfAborted(ctx.signal);
    batch.rows.forEach((row, i) => {
      const position = batch.origin?.[i];
      chunk.push(position ? { row, position } : { row });
    });
    while (chunk.length >= size) {
      const items = chunk.slice(0, size);
      chunk = chunk.slice(size);
      await pool.add(() => sender.deliver(items));
    }
  }
  if (chunk.length > 0) {
    const items = chunk;
    await pool.add(() => sender.deliver(items));
  }
  await pool.drain();
  return { rows_written: sender.written, target: p.target };
}

/** Sends one request per chunk and accounts for every record: written or rejected with a reason. */
class Sender {
  written = 0;
  private requests = 0;
  private readonly errorsPath?: PathSegment[];

  constructor(private readonly o: RestSinkOptions, private readonly http: StageHttp, private readonly ctx: SinkContext) {
    if (o.errors_path !== undefined) this.errorsPath = parsePath(o.errors_path);
  }

  async deliver(items: readonly Item[]): Promise<void> {
    const n = ++this.requests;
    const object = this.o.body_format === 'object';
    const body = object ? stringifyRow(items[0]!.row) : `[${items.map((it) => stringifyRow(it.row)).join(',')}]`;
    const what = object ? `record ${n}` : `batch ${n} (${items.length} records)`;
    let res: HttpResponse;
    try {
      res = await this.http.client.send({ method: this.o.method ?? 'POST', url: this.http.url, body, what });
    } catch (err) {
      if (!(err instanceof HttpError) || err.kind !== 'data') throw err;
      // the API refused the whole request (400, 409, 413, 422…): every record of it is rejected
      for (const it of items) this.reject(it, err.message);
      return;
    }
    const failed = this.errorsPath ? this.perRecord(res, items.length, what) : new Map<number, string>();
    for (const [i, reason] of failed) this.reject(items[i]!, `${what}: ${this.http.redact.text(reason)}`);
    this.written += items.length - failed.size;
  }

  private perRecord(res: HttpResponse, count: number, what: string): Map<number, string> {
    if (res.text.trim() === '') return new Map();
    let body: unknown;
    try {
      body = parseExactJson(res.text);
    } catch {
      throw new RunError('E_REST_BAD_JSON', `rest sink: ${what}: the answer is not JSON, so errors_path cannot be read`, {
        hint: 'remove errors_path if the API does not answer with JSON',
      });
    }
    return recordErrors(getPath(body, this.errorsPath!), count, `rest sink: ${what}`);
  }

  private reject(item: Item, reason: string): void {
    this.ctx.reject({ record: item.row, reason, ...(item.position ? { position: item.position } : {}) });
  }
}

async function check(raw: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const o = readOptions(restSinkOptions, raw, 'rest sink');
  const http = openStage(o, { signal: ctx.signal, retry: CHECK_RETRY, ...(ctx.connection ? { connection: ctx.connection } : {}) });
  // nothing may be written: OPTIONS shows that the host answers and the credentials are accepted
  try {
    await http.client.send({ method: 'OPTIONS', url: http.url, what: 'check' });
  } catch (err) {
    if (err instanceof HttpError && err.status !== undefined && ![401, 403, 407].includes(err.status)) return [];
    throw err;
  }
  return [];
}

export const restSink: SinkRuntime = { plan, apply, check };
