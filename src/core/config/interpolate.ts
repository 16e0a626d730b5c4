import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Issue } from '../issues.js';
import type { SecretRegistry } from '../secrets.js';
import { suggestion } from './did-you-mean.js';
import { pointerJoin, type SourceMap } from './locate.js';

/** A `${file:}` reference holds a secret or a small value, never data. */
const MAX_REF_FILE_BYTES = 1024 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface InterpolateContext {
  /** directory relative `${file:}` paths resolve against. */
  readonly dir: string;
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** effective vars (`vars:` overridden by --var). */
  vars: Record<string, string>;
  readonly secrets: SecretRegistry;
  readonly map: SourceMap;
  readonly issues: Issue[];
  /** plain scalars that were exactly one reference: may become a number/boolean if the schema wants. */
  readonly coercible: Set<string>;
  readonly files: Map<string, string | Error>;
  /** 'warn': an unset env var is a warning and the reference stays as written. */
  readonly missingEnv?: 'error' | 'warn';
}

/** Replaces every `${env:…}`, `${file:…}`, `${var:…}` in one scalar; `$${` is a literal `${`. */
export async function interpolateString(text: string, pointer: string, ctx: InterpolateContext): Promise<string> {
  if (!text.includes('${')) return text;
  let out = '';
  let i = 0;
  let failed = false;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i++;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) {
      ctx.issues.push(refIssue(ctx, pointer, text, i, 'E_INTERPOLATION', 'unterminated `${` (missing `}`)',
        'close the reference with `}`, or write `$${` for a literal `${`'));
      return text;
    }
    const resolved = await resolveRef(text.slice(i + 2, close), text, i, pointer, ctx);
    if (resolved === undefined) failed = true;
    out += resolved ?? '';
    i = close + 1;
  }
  // a failed reference keeps the text as written: the schema should not report it a second time
  return failed ? text : out;
}

async function resolveRef(body: string, text: string, at: number, pointer: string, ctx: InterpolateContext): Promise<string | undefined> {
  const colon = body.indexOf(':');
  const kind = colon < 0 ? body : body.slice(0, colon);
  const arg = colon < 0 ? '' : body.slice(colon + 1);
  const fail = (code: string, message: string, hint: string): undefined => {
    const issue = refIssue(ctx, pointer, text, at, code, message, hint);
    ctx.issues.push(code === 'E_ENV_UNSET' && ctx.missingEnv === 'warn' ? { ...issue, severity: 'warning' } : issue);
    return undefined;
  };
  if (kind === 'env') return resolveEnv(arg, fail, ctx);
  if (kind === 'var') {
    const value = ctx.vars[arg];
    if (value !== undefined) return value;
    return fail('E_UNKNOWN_VAR', `unknown variable \`${arg}\`${suggestion(arg, Object.keys(ctx.vars))}`,
      `define it under \`vars:\` or pass --var ${arg}=VALUE`);
  }
  if (kind === 'file') return resolveFile(arg, fail, ctx);
  return fail('E_INTERPOLATION', `unknown reference \`\${${kind}:…}\`${suggestion(kind, ['env', 'file', 'var'])}`,
    'use ${env:NAME}, ${env:NAME:-default}, ${file:path} or ${var:name}; write $${ for a literal ${');
}

type Fail = (code: string, message: string, hint: string) => undefined;

function resolveEnv(arg: string, fail: Fail, ctx: InterpolateContext): string | undefined {
  const sep = arg.indexOf(':-');
  const name = sep < 0 ? arg : arg.slice(0, sep);
  if (!ENV_NAME.test(name)) {
    return fail('E_INTERPOLATION', `invalid environment variable name \`${name}\``, 'names are letters, digits and _ (not starting with a digit)');
  }
  const value = ctx.environment[name];
  if (value !== undefined && value !== '') {
    ctx.secrets.add(value);
    return value;
  }
  if (sep >= 0) return arg.slice(sep + 2); // shell semantics: default when unset or empty
  if (value === '') return value;
  return fail('E_ENV_UNSET', `environment variable \`${name}\` is not set`,
    `set it (export ${name}=…) or give a default: \${env:${name}:-value}`);
}

async function resolveFile(arg: string, fail: Fail, ctx: InterpolateContext): Promise<string | undefined> {
  if (arg === '') return fail('E_FILE_REF', 'empty path in `${file:}`', 'write ${file:path/to/file}');
  const path = resolve(ctx.dir, arg);
  let content = ctx.files.get(path);
  if (content === undefined) {
    content = await readRefFile(path);
    ctx.files.set(path, content);
  }
  if (content instanceof Error) {
    return fail('E_FILE_REF', `cannot read \`\${file:${arg}}\`: ${content.message}`,
      `check the path; relative paths are resolved against ${ctx.dir}`);
  }
  ctx.secrets.add(content);
  return content;
}

async function readRefFile(path: string): Promise<string | Error> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return new Error('not a regular file');
    if (info.size > MAX_REF_FILE_BYTES) return new Error('file too large (over 1 MB)');
    return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return new Error(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'unreadable');
  }
}

function refIssue(ctx: InterpolateContext, pointer: string, text: string, at: number, code: string, message: string, hint: string): Issue {
  const location = ctx.map.locateOffset(pointer, at, text);
  return { severity: 'error', code, message, path: pointer, hint, ...(location ? { location } : {}) };
}

/** Interpolates every string in a value tree; `skip` leaves whole subtrees as written. */
export async function interpolateTree(
  value: unknown, pointer: string, ctx: InterpolateContext, skip: (pointer: string) => boolean,
): Promise<unknown> {
  if (skip(pointer)) return value;
  if (typeof value === 'string') {
    const info = ctx.map.get(pointer);
    if (info?.style === 'PLAIN' && /^\$\{[^}]*\}$/.test(value)) ctx.coercible.add(pointer);
    return interpolateString(value, pointer, ctx);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await interpolateTree(value[i], pointerJoin(pointer, i), ctx, skip));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: await interpolateTree(v, pointerJoin(pointer, k), ctx, skip), enumerable: true, writable: true, configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * The effective vars: the file's `vars:` (each may use env/file and earlier vars) overridden by
 * --var. A var set by --var is not interpolated from the file at all.
 */
export async function resolveVars(
  raw: unknown, overrides: Readonly<Record<string, string>>, ctx: InterpolateContext,
): Promise<Record<string, string>> {
  ctx.vars = { ...overrides };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return ctx.vars;
  for (const [name, value] of Object.entries(raw)) {
    if (name in overrides) continue;
    if (typeof value === 'string') ctx.vars[name] = await interpolateString(value, pointerJoin('/vars', name), ctx);
    else if (typeof value === 'number' || typeof value === 'boolean') ctx.vars[name] = String(value);
  }
  return ctx.vars;
}
