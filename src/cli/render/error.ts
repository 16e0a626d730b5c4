import { ConfigError, EtlError, InternalError, InterruptedError, isAbort, type ExitCodeValue } from '../../core/errors.js';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Issue, Location } from '../../core/issues.js';
import type { CliContext } from '../context.js';

/** Where to report bugs: package.json `bugs.url` (or `repository` + /issues) when set. */
export function issuesUrl(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      bugs?: string | { url?: string };
      repository?: string | { url?: string };
    };
    const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
    if (bugs) return bugs;
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    if (repo) return `${repo.replace(/^git\+/, '').replace(/\.git$/, '')}/issues`;
  } catch {
    // no package.json next to the build: fall through
  }
  return 'the etl-cli issue tracker';
}

/** An outcome the command has already printed (validate's issues): only the exit code is left. */
export class ReportedError extends EtlError {
  readonly exitCode: ExitCodeValue;
  constructor(exitCode: ExitCodeValue, message: string) {
    super('E_REPORTED', message);
    this.exitCode = exitCode;
  }
}

/** Wraps anything that is not an EtlError as an InternalError ("please report"). */
export function toEtlError(err: unknown): EtlError {
  if (err instanceof EtlError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(`internal error: ${message}; please report at ${issuesUrl()}`, { cause: err });
}

/** As toEtlError, but an abort after a signal is always an InterruptedError (exit 130). */
export function toCliError(cli: CliContext, err: unknown): EtlError {
  if (cli.signal.aborted && isAbort(err) && !(err instanceof InterruptedError)) {
    return new InterruptedError('interrupted', { cause: err });
  }
  return toEtlError(err);
}

/** `file:line:col`, with the file relative to the working directory when it is inside it. */
export function formatLoc(loc: Location): string {
  let file = loc.file;
  if (isAbsolute(file)) {
    const rel = relative(process.cwd(), file);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) file = rel;
  }
  return `${file}:${loc.line}:${loc.col}`;
}

function issueOrder(a: Issue, b: Issue): number {
  const la = a.location;
  const lb = b.location;
  if (!la || !lb) return la ? -1 : lb ? 1 : a.path.localeCompare(b.path);
  return la.file.localeCompare(lb.file) || la.line - lb.line || la.col - lb.col;
}

/** One line per issue, `file:line:col: error: message`, sorted by position. */
export function formatIssues(issues: readonly Issue[], fallbackFile?: string): string[] {
  const lines: string[] = [];
  for (const issue of [...issues].sort(issueOrder)) {
    const loc = issue.location;
    const where = loc ? formatLoc(loc) : `${fallbackFile ?? '<pipeline>'}${issue.path ? ` (${issue.path})` : ''}`;
    lines.push(`${where}: ${issue.severity}: ${issue.message}`);
    if (issue.hint) lines.push(`  hint: ${issue.hint}`);
  }
  return lines;
}

export function countLine(issues: readonly Issue[]): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${part(errors, 'error')}, ${part(warnings, 'warning')}`;
}

function whereLines(err: EtlError): string[] {
  const w = err.where;
  if (!w) return [];
  const lines: string[] = [];
  if (w.location) lines.push(`  at ${formatLoc(w.location)}`);
  const parts: string[] = [];
  if (w.stage) parts.push(`stage ${w.stage}`);
  if (w.row !== undefined) parts.push(`row ${w.row}`);
  if (w.column) parts.push(`column ${w.column}`);
  if (w.position) parts.push(`at ${w.position}`);
  if (parts.length) lines.push(`  ${parts.join(', ')}`);
  return lines;
}

function causeLines(err: Error): string[] {
  const lines: string[] = [];
  let depth = 0;
  for (let c: unknown = err.cause; c && depth < 10; c = (c as { cause?: unknown }).cause, depth++) {
    const msg = c instanceof Error ? `${c.name}: ${c.message}` : String(c);
    lines.push(`  caused by: ${msg}`);
  }
  return lines;
}

/** Prints an error to stderr: what, where, hint; causes and stack only with --verbose. */
export function printError(cli: CliContext, err: EtlError): void {
  if (err instanceof ReportedError) return;
  if (cli.logFormat === 'json') {
    cli.errJson({
      type: 'error',
      code: err.code,
      message: err.message,
      exit_code: err.exitCode,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.where ? { where: err.where } : {}),
      ...(err instanceof ConfigError ? { issues: err.issues } : {}),
    });
    return;
  }
  const label = cli.paint(31, 'error:');
  if (err instanceof ConfigError && err.issues.length > 0) {
    for (const line of formatIssues(err.issues)) cli.err(line);
    cli.err(`${label} ${err.message}`);
    return;
  }
  cli.err(`${label} ${err.message}`);
  for (const line of whereLines(err)) cli.err(line);
  if (err.hint) cli.err(`  hint: ${err.hint}`);
  if (!cli.verbose) return;
  for (const line of causeLines(err)) cli.err(line);
  {
    const inner = err instanceof InternalError && err.cause instanceof Error ? err.cause : err;
    if (inner.stack) cli.err(inner.stack);
  }
}
