import type { SourceRuntime } from '../../connectors/define.js';
import { splitQualifiedName } from '../../connectors/sql/identifiers.js';
import { RunError } from '../errors.js';
import type { Plan, SinkStagePlan, TransformStagePlan } from '../plan/types.js';
import { sourceContext } from './context.js';
import type { ContextBase } from './context.js';

/** `{stream}` is the name as listed ('sales.orders'), `{stream_table}` its table part ('orders'). */
export function resolveStream(text: string, stream: string): string {
  if (!text.includes('{stream')) return text;
  return text.replaceAll('{stream}', stream).replaceAll('{stream_table}', splitQualifiedName(stream).name);
}

function templateValue(value: unknown, stream: string): unknown {
  if (typeof value === 'string') return resolveStream(value, stream);
  if (Array.isArray(value)) return value.map((v) => templateValue(v, stream));
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, templateValue(v, stream)]));
  }
  return value;
}

/**
 * The sub-plan of one stream: the source reads `table: <stream>`, every sink option string has
 * `{stream}` resolved, labels name the stream, and the dead letter gets its own file
 * (`rejects.ndjson` → `rejects.<stream>.ndjson` when the path has no `{stream}`).
 */
export function streamPlan(plan: Plan, stream: string): Plan {
  const tag = (label: string): string => `${label} [${stream}]`;
  const { streams: _streams, ...extract } = plan.extract;
  const dl = plan.errors.dead_letter;
  return {
    ...plan,
    extract: { ...extract, stream, label: tag(extract.label), options: { ...extract.options, table: stream } },
    transforms: plan.transforms.map((t): TransformStagePlan => ({ ...t, label: tag(t.label) })),
    loads: plan.loads.map((l): SinkStagePlan => ({ ...l, label: tag(l.label), options: templateValue(l.options, stream) as Record<string, unknown> })),
    errors: { ...plan.errors, ...(dl === undefined ? {} : { dead_letter: streamDeadLetter(dl, stream) }) },
  };
}

function streamDeadLetter(path: string, stream: string): string {
  if (path.includes('{stream')) return resolveStream(path, stream);
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const safe = stream.replace(/[^A-Za-z0-9._-]/g, '_');
  return dot > slash ? `${path.slice(0, dot)}.${safe}${path.slice(dot)}` : `${path}.${safe}`;
}

/** A glob over catalog names: `*` any run of characters (dots too), `?` one; case-sensitive, whole name. */
export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'u');
}

export function isPattern(text: string): boolean {
  return /[*?]/.test(text);
}

/** The streams to run, in order: the list as written, or the catalog names a pattern matches (sorted). */
export async function expandStreams(base: ContextBase, source: SourceRuntime): Promise<string[]> {
  const spec = base.plan.extract.streams;
  if (!spec) return [];
  if ('list' in spec) return [...spec.list];
  if (!isPattern(spec.pattern)) return [spec.pattern];
  const where = { stage: base.plan.extract.label };
  if (!source.listTables) {
    throw new RunError('E_STREAMS_PATTERN', `${base.plan.extract.definition.name} cannot list its tables for the pattern ${JSON.stringify(spec.pattern)}`, {
      where, hint: 'list the tables under `streams:` instead of a pattern',
    });
  }
  const names = await source.listTables({ ...base.plan.extract.options }, sourceContext(base, {}));
  const re = globToRegExp(spec.pattern);
  const matched = [...new Set(names.filter((n) => re.test(n)))].sort();
  if (matched.length === 0) {
    throw new RunError('E_STREAMS_EMPTY', `streams pattern ${JSON.stringify(spec.pattern)} matches no table (${names.length} in the catalog)`, {
      where, hint: 'names are matched whole and case-sensitively, with the schema (postgres: "sales.*"); `*` matches any characters',
    });
  }
  return matched;
}

/** Runs `fn` over `items`, at most `size` at once, in order of start; never rejects (results are settled). */
export async function pool<T, R>(items: readonly T[], size: number, fn: (item: T, index: number) => Promise<R>, stop?: () => boolean): Promise<(PromiseSettledResult<R> | undefined)[]> {
  const results: (PromiseSettledResult<R> | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && !stop?.()) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, () => worker()));
  return results;
}
