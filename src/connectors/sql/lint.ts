import type { Issue } from '../../core/issues.js';
import type { ConnectorLintInput, LintContext } from '../define.js';

/**
 * Cross-field rules shared by the SQL connectors (mysql, oracle): a source reads exactly one of
 * `table`/`query`, `params` needs `query`, and `commit_every` cannot split an overwrite.
 * `label` is the connector name, `prefix` its error-code prefix ('E_MYSQL').
 */
export function lintSqlStage(input: ConnectorLintInput, ctx: LintContext, label: string, prefix: string, placeholders: string): Issue[] {
  const o = input.options;
  const at = (key: string): string => `${input.path}/${key}`;
  const issues: Issue[] = [];
  if (input.role === 'source') {
    if ((o.table === undefined) === (o.query === undefined)) {
      issues.push(ctx.issue(input.path, `${prefix}_TABLE_OR_QUERY`, `${label} source needs exactly one of \`table\` or \`query\``, 'use `table: name` or `query: SELECT …`'));
    }
    if (o.params !== undefined && o.query === undefined) {
      issues.push(ctx.issue(at('params'), `${prefix}_PARAMS_NEED_QUERY`, '`params` only applies with `query`', `reference them as ${placeholders} in \`query\``));
    }
    if (o.columns !== undefined && o.table === undefined) {
      issues.push(ctx.issue(at('columns'), `${prefix}_COLUMNS_NEED_TABLE`, '`columns` only applies with `table`', 'list the columns in the SELECT of `query` instead'));
    }
  } else if (input.role === 'sink' && o.mode === 'overwrite' && o.commit_every !== undefined) {
    issues.push(ctx.issue(at('commit_every'), `${prefix}_OVERWRITE_COMMIT_EVERY`, '`commit_every` cannot be used with mode overwrite (the replace must be one transaction)', 'remove `commit_every`, or use mode upsert'));
  }
  return issues;
}

/** A url that fails to parse is reported at `url` (interpolated values are checked at run time). */
export function lintConnectionUrl(input: ConnectorLintInput, ctx: LintContext, code: string, example: string, parse: (url: string) => unknown): Issue[] {
  const url = input.options.url;
  if (input.role !== 'connection' || typeof url !== 'string' || url.includes('${')) return [];
  try {
    parse(url);
    return [];
  } catch (err) {
    return [ctx.issue(`${input.path}/url`, code, (err as Error).message, example)];
  }
}
