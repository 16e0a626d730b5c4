import { randomBytes } from 'node:crypto';
import type { PipelineInfo, RejectInput, SinkContext, SourceContext, StageContext } from '../../connectors/define.js';
import type { NestedSource, TransformContext } from '../../transforms/define.js';
import type { RecordBatch } from '../records/types.js';
import type { EventSink } from '../events.js';
import type { Plan, SourceStagePlan } from '../plan/types.js';
import { allowsRejects } from './rejects.js';
import { cannot, load } from './runtimes.js';

/** A sortable, unique run id: '20261124T120000Z-ab12'. */
export function makeRunId(at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function pipelineInfo(plan: Plan, run_id: string, started_at: string): PipelineInfo {
  return { name: plan.name, run_id, dir: plan.dir, started_at, vars: plan.vars };
}

export interface ContextBase {
  readonly plan: Plan;
  readonly info: PipelineInfo;
  readonly signal: AbortSignal;
  readonly events: EventSink;
  /** `origin` 'sink': a row the target refused (counted against max_rejects, 0 by default). */
  readonly reject: (stage: string, input: RejectInput, origin?: RejectOrigin) => void;
}

export type RejectOrigin = 'data' | 'sink';

function stageContext(base: ContextBase, stage: string): StageContext {
  return {
    signal: base.signal,
    events: base.events,
    stage,
    pipeline: base.info,
    secrets: base.plan.secrets,
    retry: base.plan.retry,
    reject: (input) => base.reject(stage, input),
  };
}

/** The context of the extract, or of a source nested in a transform step (`stage`). */
export function sourceContext(base: ContextBase, extra: { limit?: number; incremental?: SourceContext['incremental'] }, stage: SourceStagePlan = base.plan.extract): SourceContext {
  return {
    ...stageContext(base, stage.label),
    batch_size: stage.batch_size,
    ...(stage.connection ? { connection: { ...stage.connection.options } } : {}),
    ...(extra.limit === undefined ? {} : { limit: extra.limit }),
    ...(extra.incremental === undefined ? {} : { incremental: extra.incremental }),
  };
}

export function transformContext(base: ContextBase, index: number): TransformContext {
  const stage = base.plan.transforms[index]!;
  const sources = stage.sources ? nestedSources(base, stage.sources) : undefined;
  return { ...stageContext(base, stage.label), batch_size: base.plan.extract.batch_size, ...(sources ? { sources } : {}) };
}

/** Readers for a step's nested sources: loaded on first read, read whole like an extract. */
function nestedSources(base: ContextBase, sources: Readonly<Record<string, SourceStagePlan>>): Record<string, NestedSource> {
  const out: Record<string, NestedSource> = {};
  for (const [key, stage] of Object.entries(sources)) {
    const name = stage.definition.name;
    out[key] = {
      type: name,
      async *read(): AsyncIterable<RecordBatch> {
        const rt = await load(name, stage.label, () => stage.definition.load());
        if (!rt.source) throw cannot(name, 'read (it has no source)', stage.label);
        yield* rt.source.read({ ...stage.options }, sourceContext(base, {}, stage));
      },
    };
  }
  return out;
}

export function sinkContext(base: ContextBase, index: number): SinkContext {
  const stage = base.plan.loads[index]!;
  return {
    ...stageContext(base, stage.label),
    reject: (input) => base.reject(stage.label, input, 'sink'),
    refused_rows: allowsRejects(base.plan.errors) ? 'reject' : 'fail',
    ...(stage.connection ? { connection: { ...stage.connection.options } } : {}),
  };
}

/** Resolves `{pipeline}`, `{date}` and `{run_id}` in a path template. */
export function resolveTemplate(template: string, info: PipelineInfo): string {
  return template
    .replaceAll('{pipeline}', info.name)
    .replaceAll('{date}', info.started_at.slice(0, 10))
    .replaceAll('{run_id}', info.run_id);
}
