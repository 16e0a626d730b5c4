import { randomBytes } from 'node:crypto';
import type { PipelineInfo, RejectInput, SinkContext, SourceContext, StageContext } from '../../connectors/define.js';
import type { TransformContext } from '../../transforms/define.js';
import type { EventSink } from '../events.js';
import type { Plan } from '../plan/types.js';

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
  readonly reject: (stage: string, input: RejectInput) => void;
}

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

export function sourceContext(base: ContextBase, extra: { limit?: number; incremental?: SourceContext['incremental'] }): SourceContext {
  const stage = base.plan.extract;
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
  return { ...stageContext(base, stage.label), batch_size: base.plan.extract.batch_size };
}

export function sinkContext(base: ContextBase, index: number): SinkContext {
  const stage = base.plan.loads[index]!;
  return {
    ...stageContext(base, stage.label),
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
