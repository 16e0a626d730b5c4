import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EtlEvent } from '../core/events.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/engine/retry-policy.js';
import { SecretRegistry } from '../core/secrets.js';
import { DEFAULT_BATCH_SIZE } from '../core/records/types.js';
import type { IncrementalWindow, PipelineInfo, RejectInput, SinkContext, SourceContext } from '../connectors/define.js';

export interface TestContextOptions {
  /** pipeline dir; a fresh temp dir (removed by cleanup()) when absent. */
  readonly dir?: string;
  readonly name?: string;
  readonly run_id?: string;
  /** default '2024-05-06T07:08:09.000Z', so `{date}` is 2024-05-06. */
  readonly started_at?: string;
  readonly vars?: Record<string, string>;
  readonly stage?: string;
  readonly batch_size?: number;
  readonly limit?: number;
  readonly incremental?: IncrementalWindow;
  readonly connection?: Record<string, unknown>;
  readonly retry?: RetryPolicy;
  /** an outside signal; otherwise the context's own controller drives `signal`. */
  readonly signal?: AbortSignal;
  /** sink contexts: 'reject' (max_rejects allows rejects) or 'fail' (the default). */
  readonly refused_rows?: 'reject' | 'fail';
}

/** A StageContext usable as a source, sink or transform context, recording what it is told. */
export interface TestContext extends SourceContext, SinkContext {
  readonly connection?: Record<string, unknown>;
  /** every event emitted through `events`, in order. */
  readonly emitted: EtlEvent[];
  /** every reject, in order. */
  readonly rejects: RejectInput[];
  readonly controller: AbortController;
  /** the pipeline dir (same as pipeline.dir). */
  readonly dir: string;
  /** removes the temp dir when this context created it. */
  cleanup(): void;
}

/** Builds a context for unit tests: real temp dir, collected events and rejects, no engine. */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'etl-cli-test-'));
  const controller = new AbortController();
  const emitted: EtlEvent[] = [];
  const rejects: RejectInput[] = [];
  const pipeline: PipelineInfo = {
    name: options.name ?? 'test_pipeline',
    run_id: options.run_id ?? 'test-run-1',
    dir,
    started_at: options.started_at ?? '2024-05-06T07:08:09.000Z',
    vars: options.vars ?? {},
  };
  return {
    signal: options.signal ?? controller.signal,
    events: (event) => {
      emitted.push(event);
    },
    stage: options.stage ?? 'test',
    pipeline,
    secrets: new SecretRegistry(),
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    reject: (input) => {
      rejects.push(input);
    },
    batch_size: options.batch_size ?? DEFAULT_BATCH_SIZE,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.incremental !== undefined ? { incremental: options.incremental } : {}),
    ...(options.connection !== undefined ? { connection: options.connection } : {}),
    ...(options.refused_rows !== undefined ? { refused_rows: options.refused_rows } : {}),
    emitted,
    rejects,
    controller,
    dir,
    cleanup: () => {
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects every batch of a source into rows (and the batches, for boundary checks). */
export async function collectBatches<T extends { readonly rows: readonly unknown[] }>(
  iterable: AsyncIterable<T>,
): Promise<{ batches: T[]; rows: T['rows'][number][] }> {
  const batches: T[] = [];
  const rows: T['rows'][number][] = [];
  for await (const batch of iterable) {
    batches.push(batch);
    rows.push(...batch.rows);
  }
  return { batches, rows };
}
