import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorDefinition, SinkMode, SourceRuntime, SinkRuntime } from '../connectors/define.js';
import type { RecordBatch, RecordSchema, Row } from '../core/records/types.js';
import { collectBatches, createTestContext, type TestContext } from './context.js';

export interface FileConformanceOptions {
  /** file extension with the dot: '.csv'. */
  readonly extension: string;
  /** source options reading `path` (relative to the pipeline dir), e.g. { path, infer: false }. */
  sourceOptions(path: string): Record<string, unknown>;
  /** sink options writing `path`; the kit adds `mode`. */
  sinkOptions(path: string): Record<string, unknown>;
  /** batch size used for writes and reads (default 25). */
  readonly batch_size?: number;
}

/** Three string columns; values avoid anything a source would infer as another type. */
export const CONFORMANCE_SCHEMA: RecordSchema = {
  columns: [
    { name: 'id', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'note', type: 'string' },
  ],
};

export function conformanceRows(n: number, start = 0): Row[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return { id: `r${String(i).padStart(5, '0')}`, name: `name ${i}`, note: i % 3 === 0 ? null : `note-${i}` };
  });
}

export const UNICODE_ROWS: Row[] = [
  { id: 'emoji', name: '😀🎉👩‍👩‍👧', note: 'flag 🇫🇷' },
  { id: 'cjk', name: '日本語テキスト', note: '中文，标点' },
  { id: 'rtl', name: 'مرحبا بالعالم', note: 'שלום' },
  { id: 'marks', name: 'e\u0301 café naïve', note: 'a,b "quoted"\nsecond line' },
  { id: 'spaces', name: ' padded ', note: null },
  { id: 'nulls', name: null, note: null },
];

async function* batchesOf(rows: readonly Row[], size: number, schema = CONFORMANCE_SCHEMA): AsyncGenerator<RecordBatch> {
  for (let i = 0; i < rows.length; i += size) yield { schema, rows: rows.slice(i, i + size) };
}

/** Per-test state: a fresh temp pipeline dir, the loaded runtimes, write/read helpers. */
class Harness {
  ctx!: TestContext;
  source!: SourceRuntime;
  sink!: SinkRuntime;
  readonly file: string;
  readonly sinkModes: readonly string[];

  constructor(
    readonly definition: ConnectorDefinition,
    readonly options: FileConformanceOptions,
    readonly size: number,
  ) {
    this.file = `data${options.extension}`;
    this.sinkModes = definition.sink?.capabilities.modes ?? [];
  }

  async setup(): Promise<void> {
    this.ctx = createTestContext({ batch_size: this.size, run_id: 'conf-run' });
    const runtime = await this.definition.load();
    if (!runtime.source || !runtime.sink) throw new Error(`${this.definition.name} must have a source and a sink`);
    this.source = runtime.source;
    this.sink = runtime.sink;
  }

  plan(mode: SinkMode = 'overwrite', c: TestContext = this.ctx) {
    return this.sink.plan({ ...this.options.sinkOptions(this.file), mode }, CONFORMANCE_SCHEMA, c);
  }

  async write(rows: readonly Row[], mode: SinkMode = 'overwrite') {
    return this.sink.apply(await this.plan(mode), batchesOf(rows, this.size), this.ctx);
  }

  read() {
    return collectBatches(this.source.read(this.options.sourceOptions(this.file), this.ctx));
  }

  files() {
    return readdir(this.ctx.dir);
  }
}

/**
 * Registers the file-connector conformance suite for a definition with a source and a sink:
 * real temp files, round trips through sink then source, batch boundaries, unicode and nulls,
 * aborted writes (no target, no temp file), deterministic plans, overwrite and append.
 */
export function describeFileConnectorConformance(definition: ConnectorDefinition, options: FileConformanceOptions): void {
  const h = new Harness(definition, options, options.batch_size ?? 25);
  describe(`${definition.name} file connector conformance (${options.extension})`, () => {
    beforeEach(() => h.setup());
    afterEach(() => h.ctx.cleanup());
    roundTripCases(h);
    safetyCases(h);
    modeCases(h);
  });
}

function roundTripCases(h: Harness): void {
  it('writes and reads back empty input', async () => {
    expect((await h.write([])).rows_written).toBe(0);
    expect(existsSync(join(h.ctx.dir, h.file))).toBe(true);
    expect((await h.read()).rows).toEqual([]);
  });

  it('round-trips one row', async () => {
    const rows = conformanceRows(1, 1);
    expect((await h.write(rows)).rows_written).toBe(1);
    expect((await h.read()).rows).toEqual(rows);
  });

  it('splits exactly at batch_size and batch_size + 1', async () => {
    for (const n of [h.size, h.size + 1]) {
      const rows = conformanceRows(n);
      await h.write(rows);
      const { batches, rows: back } = await h.read();
      expect(back).toEqual(rows);
      expect(batches.map((b) => b.rows.length)).toEqual(n === h.size ? [h.size] : [h.size, 1]);
    }
  });

  it('round-trips unicode, embedded delimiters and nulls', async () => {
    await h.write(UNICODE_ROWS);
    expect((await h.read()).rows).toEqual(UNICODE_ROWS);
  });
}

function safetyCases(h: Harness): void {
  it('leaves no target and no temp file when aborted mid-stream', async () => {
    const controller = new AbortController();
    const c = createTestContext({ dir: h.ctx.dir, batch_size: h.size, run_id: 'conf-abort', signal: controller.signal });
    async function* aborting(): AsyncGenerator<RecordBatch> {
      yield { schema: CONFORMANCE_SCHEMA, rows: conformanceRows(h.size) };
      controller.abort();
      yield { schema: CONFORMANCE_SCHEMA, rows: conformanceRows(h.size, h.size) };
    }
    await expect(h.sink.apply(await h.plan('overwrite', c), aborting(), c)).rejects.toThrow();
    expect(await h.files()).toEqual([]);
  });

  it('keeps the existing target when a write fails', async () => {
    const original = conformanceRows(3);
    await h.write(original);
    async function* failing(): AsyncGenerator<RecordBatch> {
      yield { schema: CONFORMANCE_SCHEMA, rows: conformanceRows(h.size, 100) };
      throw new Error('upstream failed');
    }
    await expect(h.sink.apply(await h.plan(), failing(), h.ctx)).rejects.toThrow('upstream failed');
    expect(await h.files()).toEqual([h.file]);
    expect((await h.read()).rows).toEqual(original);
  });

  it('plans deterministically, with a temp file and a rename, writing nothing', async () => {
    const a = await h.plan();
    expect(await h.plan()).toEqual(a);
    expect(a.target).toBe(h.file);
    expect(a.steps.join('\n')).toContain(`.${h.file}.tmp-conf-run`);
    expect(a.steps.join('\n')).toContain(`rename to ${h.file}`);
    expect(await h.files()).toEqual([]);
  });
}

function modeCases(h: Harness): void {
  if (!h.sinkModes.includes('append')) {
    overwriteOnlyCases(h);
    return;
  }
  it('overwrite replaces and append appends', async () => {
    const first = conformanceRows(4);
    const second = conformanceRows(3, 50);
    await h.write(first);
    await h.write(second, 'overwrite');
    expect((await h.read()).rows).toEqual(second);
    await h.write(first, 'append');
    expect((await h.read()).rows).toEqual([...second, ...first]);
    await writeFile(join(h.ctx.dir, 'unrelated.txt'), 'x');
    expect((await h.files()).sort()).toEqual([h.file, 'unrelated.txt'].sort());
  });

  it('appends to a missing file as a new file', async () => {
    const rows = conformanceRows(2);
    await h.write(rows, 'append');
    expect((await h.read()).rows).toEqual(rows);
  });
}

/** Sinks that only overwrite (xml, parquet): replacing works and append is not offered. */
function overwriteOnlyCases(h: Harness): void {
  it('overwrite replaces the target', async () => {
    await h.write(conformanceRows(4));
    const second = conformanceRows(3, 50);
    await h.write(second, 'overwrite');
    expect((await h.read()).rows).toEqual(second);
    expect(await h.files()).toEqual([h.file]);
  });
}
