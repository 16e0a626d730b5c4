import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RunError } from '../../core/errors.js';
import type { PipelineInfo } from '../define.js';

/** The path that means stdout (sinks) or stdin (sources). */
export const STDIO_PATH = '-';

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN = ['pipeline', 'date', 'run_id'] as const;

/**
 * Expands `{pipeline}`, `{date}` (YYYY-MM-DD of the run start) and `{run_id}` in a path template
 * and resolves it against the pipeline directory. `-` stays `-` (stdin/stdout).
 * An unknown `{name}` is an error rather than a file literally named `{name}`.
 */
export function resolveTargetPath(template: string, ctx: { readonly pipeline: PipelineInfo }): string {
  if (template === STDIO_PATH) return STDIO_PATH;
  const { pipeline } = ctx;
  const expanded = template.replace(PLACEHOLDER, (whole, name: string) => {
    switch (name) {
      case 'pipeline':
        return pipeline.name;
      case 'date':
        return runDate(pipeline.started_at);
      case 'run_id':
        return pipeline.run_id;
      default:
        throw new RunError('E_PATH_TEMPLATE', `unknown placeholder ${whole} in path "${template}"`, {
          hint: `path templates know ${KNOWN.map((k) => `{${k}}`).join(', ')}`,
        });
    }
  });
  return isAbsolute(expanded) ? resolve(expanded) : resolve(pipeline.dir, expanded);
}

/** YYYY-MM-DD of an ISO timestamp as written (the run's own date, not re-zoned). */
function runDate(startedAt: string): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(startedAt)) return startedAt.slice(0, 10);
  const d = new Date(startedAt);
  return Number.isNaN(d.getTime()) ? new Date().toISOString().slice(0, 10) : d.toISOString().slice(0, 10);
}

/** A path for messages and plans: relative to the pipeline dir when inside it ("data/in.csv"). */
export function displayPath(path: string, ctx: { readonly pipeline: PipelineInfo }): string {
  if (path === STDIO_PATH) return path;
  const rel = relative(ctx.pipeline.dir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}
