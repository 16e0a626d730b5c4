import type { Issue } from '../../core/issues.js';
import type { ConnectorLintInput, LintContext } from '../define.js';
import type { SqliteConnection } from './schema.js';

/** Pure cross-field rules of the sqlite connector (no files opened). */
export function lintSqlite(input: ConnectorLintInput, ctx: LintContext): readonly Issue[] {
  if (input.role === 'connection') return [];
  const o = input.options;
  const issues: Issue[] = [];
  const at = (key: string): string => `${input.path}/${key}`;
  const hasPath = o.path !== undefined;
  const hasConnection = o.connection !== undefined;
  if (hasPath === hasConnection) {
    issues.push(
      hasPath
        ? ctx.issue(at('path'), 'E_SQLITE_TARGET', 'give either `path` or `connection`, not both', 'remove one of them')
        : ctx.issue(input.path, 'E_SQLITE_TARGET', 'sqlite stage needs `path` (a database file) or `connection`', 'add `path: data.db`'),
    );
  }
  if (input.role === 'source') {
    if ((o.table === undefined) === (o.query === undefined)) {
      issues.push(ctx.issue(input.path, 'E_SQLITE_SOURCE', 'sqlite source needs exactly one of `table` or `query`', 'add `table: orders` or `query: SELECT …`'));
    }
    if (o.params !== undefined && o.query === undefined) {
      issues.push(ctx.issue(at('params'), 'E_SQLITE_PARAMS', '`params` only applies to `query`', 'remove `params`, or use `query` with `?` placeholders'));
    }
    return issues;
  }
  const mode = o.mode ?? 'append';
  const key = o.key as unknown[] | undefined;
  // mode upsert without `key` is reported once for every sink by the core lint (E_UPSERT_KEY)
  if (mode !== 'upsert' && key !== undefined) {
    issues.push({ ...ctx.issue(at('key'), 'W_KEY_UNUSED', `\`key\` is only used by mode upsert (mode is ${String(mode)})`, 'remove `key` or set `mode: upsert`'), severity: 'warning' });
  }
  if (mode === 'overwrite' && o.commit_every !== undefined) {
    issues.push(ctx.issue(at('commit_every'), 'E_SQLITE_COMMIT_EVERY', '`commit_every` cannot be used with mode overwrite (the old rows would be gone before the new ones are all in)', 'remove `commit_every`'));
  }
  if (input.connection?.read_only === true) {
    issues.push(ctx.issue(at('connection'), 'E_SQLITE_READ_ONLY', 'this sqlite connection is read_only and cannot be written to', 'use a connection without `read_only: true`'));
  }
  return issues;
}

/**
 * `sqlite:path/to.db` (relative to the current directory of `copy`), `sqlite:///abs/path.db`,
 * `sqlite::memory:`; `?mode=ro` opens read-only. Percent-escapes are decoded.
 */
export function sqliteConnectionFromUrl(url: string): SqliteConnection {
  const m = /^sqlite:(.*)$/i.exec(url.trim());
  if (!m) throw new TypeError('not a sqlite: URL (expected sqlite:path/to.db or sqlite:///abs/path.db)');
  let rest = m[1] ?? '';
  let query = '';
  const q = rest.indexOf('?');
  if (q !== -1) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (rest.startsWith('//')) rest = rest.slice(2);
  const path = decodeURIComponent(rest);
  if (path === '') throw new TypeError('sqlite: URL has no file path');
  const params = new URLSearchParams(query);
  const out: { path: string; read_only?: boolean; busy_timeout_ms?: number } = { path };
  if (params.get('mode') === 'ro') out.read_only = true;
  const timeout = Number(params.get('busy_timeout_ms'));
  if (params.has('busy_timeout_ms') && Number.isInteger(timeout) && timeout >= 0) out.busy_timeout_ms = timeout;
  return out;
}
