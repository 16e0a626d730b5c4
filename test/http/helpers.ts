import type { ConnectorRuntime } from '../../src/connectors/define.js';
import { rest } from '../../src/connectors/rest/index.js';
import type { RetryPolicy } from '../../src/core/engine/retry-policy.js';
import type { Row } from '../../src/core/records/types.js';
import { collectBatches, createTestContext, type TestContext, type TestContextOptions } from '../../src/testing/context.js';

/** Retries without real waiting, so flaky-server tests stay fast. */
export const FAST_RETRY: RetryPolicy = { attempts: 5, initial_secs: 0.001, max_secs: 0.005, jitter: 0 };

let runtime: ConnectorRuntime | undefined;
export async function restRuntime(): Promise<ConnectorRuntime> {
  runtime ??= await rest.load();
  return runtime;
}

export interface ReadResult {
  readonly ctx: TestContext;
  readonly rows: Row[];
  readonly sizes: number[];
}

/** Reads a rest source to the end with a fresh test context. */
export async function readAll(options: Record<string, unknown>, ctxOptions: TestContextOptions = {}): Promise<ReadResult> {
  const ctx = createTestContext({ retry: FAST_RETRY, stage: 'extract rest', ...ctxOptions });
  try {
    const rt = await restRuntime();
    const { batches, rows } = await collectBatches(rt.source!.read(options, ctx));
    return { ctx, rows: rows as Row[], sizes: batches.map((b) => b.rows.length) };
  } finally {
    ctx.cleanup();
  }
}

/** Reads and returns the error thrown (fails the test when nothing is thrown). */
export async function readError(options: Record<string, unknown>, ctxOptions: TestContextOptions = {}): Promise<{ error: Error & { code?: string; kind?: string; hint?: string }; ctx: TestContext }> {
  const ctx = createTestContext({ retry: FAST_RETRY, stage: 'extract rest', ...ctxOptions });
  try {
    const rt = await restRuntime();
    await collectBatches(rt.source!.read(options, ctx));
  } catch (error) {
    return { error: error as Error, ctx };
  } finally {
    ctx.cleanup();
  }
  throw new Error('expected the read to fail');
}

export const ids = (rows: readonly Row[]): number[] => rows.map((r) => Number(r['id']));
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Everything a user could see: messages, hints, causes and events, as one string. */
export function visibleText(error: unknown, ctx?: TestContext): string {
  const parts: string[] = [];
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const x = e as { message?: string; hint?: string; body?: string };
    parts.push(String(x.message), String(x.hint), String(x.body), String(e));
  }
  if (ctx) parts.push(JSON.stringify(ctx.emitted), JSON.stringify(ctx.rejects, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  return parts.join('\n');
}
