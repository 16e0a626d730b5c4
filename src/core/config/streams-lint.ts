import type { LintContext } from '../../connectors/define.js';
import type { Issue } from '../issues.js';
import { pointerJoin } from './locate.js';

type Obj = Record<string, unknown>;

/** Placeholders a sink option may use to name its per-stream target. */
export const STREAM_PLACEHOLDERS = ['{stream}', '{stream_table}'] as const;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function templated(value: unknown): boolean {
  if (typeof value === 'string') return STREAM_PLACEHOLDERS.some((p) => value.includes(p));
  if (Array.isArray(value)) return value.some(templated);
  return isObject(value) && Object.values(value).some(templated);
}

/**
 * `streams:` rules: exclusive with `table`/`query`; with more than one stream every sink must
 * name its target per stream (else each stream overwrites the one before); `parallelism`
 * without streams does nothing.
 */
export function lintStreams(doc: Obj, ctx: LintContext, sinks: readonly string[]): Issue[] {
  const extract = isObject(doc['extract']) ? doc['extract'] : {};
  const streams = extract['streams'];
  if (streams === undefined) {
    if (typeof doc['parallelism'] === 'number' && doc['parallelism'] > 1) {
      const issue = ctx.issue('/parallelism', 'W_PARALLELISM_UNUSED', '`parallelism` only applies to `extract.streams`', 'remove it, or list tables under `extract.streams`');
      return [{ ...issue, severity: 'warning' }];
    }
    return [];
  }
  const issues: Issue[] = [];
  for (const key of ['table', 'query']) {
    if (extract[key] !== undefined) {
      issues.push(ctx.issue(pointerJoin('/extract', key), 'E_STREAMS_EXCLUSIVE', `\`streams\` and \`${key}\` cannot be used together`,
        `remove \`${key}\`: each stream is read as \`table: <stream>\``));
    }
  }
  // a pattern may match several tables; a plain name is one stream
  const several = (typeof streams === 'string' && /[*?]/.test(streams)) || (Array.isArray(streams) && streams.length > 1);
  if (!several) return issues;
  for (const path of sinks) {
    const sink = pointerAt(doc, path);
    if (!isObject(sink) || templated(sink)) continue;
    const key = ['path', 'table'].find((k) => typeof sink[k] === 'string');
    issues.push(ctx.issue(key ? pointerJoin(path, key) : path, 'E_STREAM_TEMPLATE',
      `with several streams, ${sinkLabel(path)} must name its target per stream: every stream would overwrite the same ${key ?? 'target'}`,
      key === 'table' ? 'use `{stream}` (sales.orders) or `{stream_table}` (orders) in it, e.g. `table: staging.{stream_table}`'
        : 'use `{stream}` (sales.orders) or `{stream_table}` (orders) in it, e.g. `path: out/{stream}.parquet`'));
  }
  return issues;
}

/** The options a connector's own lint sees for a streams extract: as if `table:` were the first stream. */
export function streamLintOptions(options: Obj): Obj {
  const { streams, ...rest } = options;
  if (rest['table'] !== undefined || rest['query'] !== undefined) return rest;
  const first = Array.isArray(streams) && typeof streams[0] === 'string' ? streams[0] : typeof streams === 'string' ? streams : 'stream';
  return { ...rest, table: first };
}

/** '/load' → 'load', '/load/1' → 'load[1]'. */
function sinkLabel(path: string): string {
  const [, head, index] = path.split('/');
  return index === undefined ? String(head) : `${String(head)}[${index}]`;
}

function pointerAt(doc: Obj, path: string): unknown {
  const parts = path.split('/').slice(1);
  let cur: unknown = doc;
  for (const p of parts) cur = isObject(cur) || Array.isArray(cur) ? (cur as Obj)[p] : undefined;
  return cur;
}
