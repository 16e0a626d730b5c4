import { DataQualityError, throwIfAborted } from '../../core/errors.js';
import type { QualityRuleSummary } from '../../core/engine/types.js';
import type { RecordBatch, RecordSchema, Row, SourcePosition, Value } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, formatPosition, requireColumns, sameSchema, stepError } from '../shared/batch.js';
import type { ValidateOptions } from './index.js';
import { buildEndChecks, buildRowChecks, ruleColumns, type EndCheck, type RowCheck } from './rules.js';

const MAX_SAMPLES = 5;
const MAX_WARNINGS_PER_RULE = 10;

interface Stats {
  checked: number;
  failed: number;
  samples: { value: Value; position?: string }[];
}

interface Failure {
  readonly check: RowCheck;
  readonly reason: string;
}

export function createValidate(options: ValidateOptions, ctx: TransformContext): BatchTransform {
  return async function* validateBatches(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    const ends: EndCheck[] = buildEndChecks(options, ctx.pipeline.started_at);
    let checks: RowCheck[] | undefined;
    let schema: RecordSchema | undefined;
    const stats = new Map<string, Stats>();
    const stat = (name: string): Stats => stats.get(name) ?? stats.set(name, { checked: 0, failed: 0, samples: [] }).get(name)!;
    const summary = () => emitSummary(ctx, stats);
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!checks || !sameSchema(schema, batch.schema)) {
        requireColumns(batch.schema, options.rules.flatMap(ruleColumns), ctx, 'rules');
        // unique keeps its memory across schema objects: build checks once
        try {
          checks ??= buildRowChecks(options, batch.schema, ctx.pipeline.started_at);
        } catch (err) {
          throw stepError(err, ctx, 'rules');
        }
        for (const c of [...checks, ...ends]) stat(c.name);
        schema = batch.schema;
      }
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const row = batch.rows[i]!;
        const position = batch.origin?.[i];
        for (const end of ends) end.observe(row);
        const failures = runChecks(checks, row, position, stat);
        if (failures.length === 0 || decide(failures, row, position, ctx, stat, summary)) out.push(row, position);
      }
      yield out.build(batch.schema);
    }
    for (const end of ends) finishEnd(end, ctx, stat(end.name), summary);
    summary();
  };
}

function runChecks(checks: readonly RowCheck[], row: Row, position: SourcePosition | undefined, stat: (n: string) => Stats): Failure[] {
  const failures: Failure[] = [];
  for (const check of checks) {
    const s = stat(check.name);
    s.checked++;
    const failed = check.check(row);
    if (!failed) continue;
    s.failed++;
    if (s.samples.length < MAX_SAMPLES) {
      const at = formatPosition(position);
      s.samples.push(at === undefined ? { value: failed.value } : { value: failed.value, position: at });
    }
    failures.push({ check, reason: failed.reason });
  }
  return failures;
}

/** Applies the strongest action among the failures; true when the row passes on. */
function decide(failures: readonly Failure[], row: Row, position: SourcePosition | undefined, ctx: TransformContext, stat: (n: string) => Stats, summary: () => void): boolean {
  const text = (f: Failure) => `rule ${f.check.name}: ${f.reason}`;
  const fatal = failures.find((f) => f.check.action === 'fail');
  if (fatal) {
    summary();
    const at = formatPosition(position);
    throw new DataQualityError(`${ctx.stage}: ${text(fatal)}${at ? ` (${at})` : ''}`, {
      hint: 'fix the data, or set on_fail: reject to send failing rows to the dead letter',
      where: { stage: ctx.stage, ...(fatal.check.column ? { column: fatal.check.column } : {}), ...(at ? { position: at } : {}) },
    });
  }
  const rejects = failures.filter((f) => f.check.action === 'reject');
  if (rejects.length > 0) {
    const first = rejects[0]!;
    ctx.reject({
      record: row, reason: rejects.map(text).join('; '), rule: first.check.name,
      ...(first.check.column ? { column: first.check.column } : {}), ...(position ? { position } : {}),
    });
    return false;
  }
  for (const f of failures.filter((x) => x.check.action === 'warn')) {
    const failed = stat(f.check.name).failed;
    if (failed <= MAX_WARNINGS_PER_RULE) {
      const at = formatPosition(position);
      const more = failed === MAX_WARNINGS_PER_RULE ? ' (further failures of this rule are only counted)' : '';
      ctx.events({ type: 'warning', stage: ctx.stage, message: `${text(f)}${at ? ` (${at})` : ''}${more}` });
    }
  }
  return !failures.some((f) => f.check.action === 'drop');
}

function finishEnd(end: EndCheck, ctx: TransformContext, s: Stats, summary: () => void): void {
  s.checked = 1;
  const reason = end.finish();
  if (reason === undefined) return;
  s.failed = 1;
  s.samples.push({ value: reason });
  const message = `rule ${end.name}: ${reason}`;
  if (end.action === 'fail') {
    summary();
    throw new DataQualityError(`${ctx.stage}: ${message}`, { hint: 'check the source, or set severity: warning', where: { stage: ctx.stage } });
  }
  ctx.events({ type: 'warning', stage: ctx.stage, message });
}

function emitSummary(ctx: TransformContext, stats: Map<string, Stats>): void {
  const rules: QualityRuleSummary[] = [...stats].map(([rule, s]) => ({
    stage: ctx.stage, rule, checked: s.checked, failed: s.failed,
    failure_rate: s.checked === 0 ? 0 : s.failed / s.checked, samples: s.samples,
  }));
  ctx.events({ type: 'quality.summary', stage: ctx.stage, rules });
}
