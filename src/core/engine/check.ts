import type { CheckContext, ConnectorDefinition, ConnectorRuntime, PipelineInfo } from '../../connectors/define.js';
import { EtlError } from '../errors.js';
import type { Issue, Location } from '../issues.js';
import type { Plan, SourceStagePlan } from '../plan/types.js';
import { makeRunId, pipelineInfo } from './context.js';
import { loadRuntimes } from './runtimes.js';
import { expandStreams, streamPlan } from './streams.js';

interface CheckTarget {
  readonly path: string;
  readonly location?: Location;
  readonly definition: ConnectorDefinition;
  readonly role: 'source' | 'sink';
  readonly options: Record<string, unknown>;
  readonly connection?: Record<string, unknown>;
  readonly connection_name?: string;
}

/**
 * `validate --connections`: opens every connection a stage uses and asks the source and the
 * sinks whether their table/file/endpoint exists. A thrown error becomes an issue at the stage.
 */
export async function checkPipeline(plan: Plan, options: { signal: AbortSignal }): Promise<Issue[]> {
  const started = new Date();
  const pipeline = pipelineInfo(plan, makeRunId(started), started.toISOString());
  const locations = locationIndex(plan);
  const issue = (path: string, code: string, message: string, hint?: string): Issue => {
    const location = locate(locations, path);
    return {
      severity: 'error', code, path, message: plan.secrets.redact(message),
      ...(location ? { location } : {}),
      ...(hint === undefined ? {} : { hint: plan.secrets.redact(hint) }),
    };
  };
  const ctxFor = (path: string, connection?: Record<string, unknown>): CheckContext => ({
    signal: options.signal, pipeline, path, issue, ...(connection ? { connection } : {}),
  });
  const issues: Issue[] = [];
  let targets = checkTargets(plan);
  if (plan.extract.streams) {
    // each stream's table is checked, and the sinks as the first stream would use them
    const subs = await guardedStreams(plan, pipeline, options.signal, issue, issues);
    targets = subs.flatMap((sub, i) => checkTargets(sub).filter((t) => t.path === '/extract' || i === 0));
  }
  const runtimes = new Map<ConnectorDefinition, Promise<ConnectorRuntime>>();
  const runtime = (d: ConnectorDefinition): Promise<ConnectorRuntime> => {
    if (!runtimes.has(d)) runtimes.set(d, d.load());
    return runtimes.get(d)!;
  };
  const unreachable = new Set<string>();
  for (const [name, def] of connectionsInUse(plan)) {
    const conn = plan.connections[name]!;
    const path = `/connections/${name}`;
    const found = await guarded(path, issue, async () => (await runtime(def)).checkConnection?.({ ...conn.options }, ctxFor(path, { ...conn.options })));
    if (found.some((i) => i.severity === 'error')) unreachable.add(name);
    issues.push(...found);
  }
  for (const t of targets) {
    // a stage on a connection that did not open would only repeat the same problem
    if (t.connection_name !== undefined && unreachable.has(t.connection_name)) continue;
    issues.push(...(await guarded(t.path, issue, async () => {
      const rt = await runtime(t.definition);
      const check = t.role === 'source' ? rt.source?.check?.bind(rt.source) : rt.sink?.check?.bind(rt.sink);
      return check?.(t.options, ctxFor(t.path, t.connection));
    })));
  }
  return issues;
}

async function guardedStreams(plan: Plan, info: PipelineInfo, signal: AbortSignal, issue: IssueFn, out: Issue[]): Promise<Plan[]> {
  try {
    const rt = await loadRuntimes(plan);
    const streams = await expandStreams({ plan, info, signal, events: () => undefined, reject: () => undefined }, rt.source);
    return streams.map((s) => streamPlan(plan, s));
  } catch (err) {
    const e = err instanceof EtlError ? err : undefined;
    out.push(issue('/extract/streams', e?.code ?? 'E_CHECK', (err as Error).message, e?.hint));
    return [];
  }
}

type IssueFn = (path: string, code: string, message: string, hint?: string) => Issue;

async function guarded(
  path: string,
  issue: (path: string, code: string, message: string, hint?: string) => Issue,
  fn: () => Promise<readonly Issue[] | undefined>,
): Promise<readonly Issue[]> {
  try {
    return (await fn()) ?? [];
  } catch (err) {
    if (err instanceof EtlError) return [issue(path, err.code, err.message, err.hint)];
    const code = (err as { code?: unknown }).code;
    return [issue(path, 'E_CHECK', `${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message ?? String(err)}`)];
  }
}

function checkTargets(plan: Plan): CheckTarget[] {
  const conn = (c: { name: string; options: Readonly<Record<string, unknown>> } | undefined) =>
    (c ? { connection: { ...c.options }, connection_name: c.name } : {});
  return [
    ...sourcesOf(plan).map((src): CheckTarget => ({ path: src.path, definition: src.definition, role: 'source', options: { ...src.options }, ...opt(src.location), ...conn(src.connection) })),
    ...plan.loads.map((l): CheckTarget => ({ path: l.path, definition: l.definition, role: 'sink', options: { ...l.options }, ...opt(l.location), ...conn(l.connection) })),
  ];
}

/** The extract and the sources nested in transform steps (lookup's `from:`). */
function sourcesOf(plan: Plan): SourceStagePlan[] {
  return [plan.extract, ...plan.transforms.flatMap((t) => Object.values(t.sources ?? {}))];
}

function opt(location: Location | undefined): { location?: Location } {
  return location ? { location } : {};
}

/** Each named connection a stage uses, with the definition that knows how to open it. */
function connectionsInUse(plan: Plan): Map<string, ConnectorDefinition> {
  const used = new Map<string, ConnectorDefinition>();
  for (const stage of [...sourcesOf(plan), ...plan.loads]) {
    if (stage.connection && !used.has(stage.connection.name)) used.set(stage.connection.name, stage.definition);
  }
  const dl = plan.errors.dead_letter_table; // the dead-letter table's connection is opened too
  if (dl && !used.has(dl.connection.name)) used.set(dl.connection.name, dl.definition);
  return used;
}

function locationIndex(plan: Plan): [string, Location][] {
  const out: [string, Location][] = [];
  for (const c of Object.values(plan.connections)) if (c.location) out.push([`/connections/${c.name}`, c.location]);
  for (const s of [...sourcesOf(plan), ...plan.transforms, ...plan.loads]) if (s.location) out.push([s.path, s.location]);
  return out.sort((a, b) => b[0].length - a[0].length);
}

/** The location of the longest stage/connection path that is a prefix of `path`. */
function locate(index: readonly [string, Location][], path: string): Location | undefined {
  return index.find(([p]) => path === p || path.startsWith(`${p}/`))?.[1];
}
