import type { TObject, TUnion } from '@sinclair/typebox';
import type { Issue } from '../../core/issues.js';
import type { LintContext } from '../define.js';

/**
 * Precise issues for a `{ type: …, … }` option (auth, pagination): the schema's anyOf only says
 * "must be one of", so the branch named by `type` is checked here for missing and unknown keys.
 */
export function lintTagged(value: unknown, union: TUnion<TObject[]>, path: string, what: string, ctx: LintContext): Issue[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const obj = value as Record<string, unknown>;
  const branches = union.anyOf;
  const types = branches.map((b) => String((b.properties['type'] as { const?: unknown }).const));
  const branch = branches.find((b) => (b.properties['type'] as { const?: unknown }).const === obj['type']);
  if (!branch) {
    return [ctx.issue(`${path}/type`, 'E_REST_TYPE', `${what} type must be one of ${types.join(', ')} (got ${JSON.stringify(obj['type'] ?? null)})`)];
  }
  const issues: Issue[] = [];
  for (const key of branch.required ?? []) {
    if (!(key in obj)) issues.push(ctx.issue(`${path}/${key}`, 'E_REST_MISSING', `${what} of type ${String(obj['type'])} needs \`${key}\``));
  }
  const allowed = Object.keys(branch.properties);
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      issues.push(ctx.issue(`${path}/${key}`, 'E_REST_UNKNOWN_KEY', `unknown key \`${key}\` in ${what} of type ${String(obj['type'])}`, `allowed keys: ${allowed.join(', ')}`));
    }
  }
  return issues;
}
