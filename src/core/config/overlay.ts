import { access } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Issue } from '../issues.js';
import { suggestion } from './did-you-mean.js';
import { SourceMap, pointerJoin } from './locate.js';
import { parseYamlText, readPipelineFile, type ParsedFile } from './parse.js';

export interface Overlaid {
  readonly value: unknown;
  /** the overlay file that was merged, when one was. */
  readonly overlayFile?: string;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `pipelines/orders.yml` + `prod` → `pipelines/orders.prod.yml` (and the other YAML extension). */
export function overlayCandidates(file: string, env: string): string[] {
  const ext = extname(file);
  const stem = join(dirname(file), basename(file, ext));
  if (ext === '.yml' || ext === '.yaml') {
    const other = ext === '.yml' ? '.yaml' : '.yml';
    return [`${stem}.${env}${ext}`, `${stem}.${env}${other}`];
  }
  return [`${file}.${env}.yml`];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Merges the `env` overlay over the base document: `<file>.<env>.yml` if it exists, else the
 * `environments: { <env>: … }` block. Positions of overlaid values point into where they came from.
 */
export async function applyOverlay(base: ParsedFile, env: string, issues: Issue[], pseudoFile: boolean): Promise<Overlaid> {
  if (!/^[A-Za-z0-9_.-]+$/.test(env)) {
    issues.push(envIssue(base, `invalid environment name \`${env}\``, 'use letters, digits, `_`, `-` or `.`'));
    return { value: base.value };
  }
  if (!pseudoFile) {
    for (const candidate of overlayCandidates(base.source.file, env)) {
      if (!(await exists(candidate))) continue;
      const read = await readPipelineFile(candidate);
      issues.push(...read.issues);
      if (read.text === undefined) return { value: base.value };
      const overlay = parseYamlText(read.text, candidate);
      issues.push(...overlay.issues);
      if (overlay.value === undefined || overlay.value === null) return { value: base.value, overlayFile: candidate };
      if (!isObject(overlay.value)) {
        issues.push({ severity: 'error', code: 'E_OVERLAY', message: `${candidate} must be a mapping of keys to override`, path: '', location: { file: candidate, line: 1, col: 1 } });
        return { value: base.value, overlayFile: candidate };
      }
      return { value: mergeInto(base.value, overlay.value, '', base.map, overlay.map, ''), overlayFile: candidate };
    }
  }
  const block = isObject(base.value) ? base.value['environments'] : undefined;
  const names = isObject(block) ? Object.keys(block) : [];
  const chosen = isObject(block) ? block[env] : undefined;
  if (chosen === undefined) {
    const files = pseudoFile ? '' : ` or create ${overlayCandidates(base.source.file, env)[0]}`;
    issues.push(envIssue(base, `unknown environment \`${env}\`${suggestion(env, names)}`,
      `${names.length ? `environments defined: ${names.join(', ')}` : 'no `environments:` block is defined'}${files}`));
    return { value: base.value };
  }
  if (chosen === null) return { value: base.value };
  if (!isObject(chosen)) return { value: base.value }; // the schema reports `environments.<env>` must be a mapping
  const from = pointerJoin('/environments', env);
  return { value: mergeInto(base.value, chosen, '', base.map, base.map, from) };
}

function envIssue(base: ParsedFile, message: string, hint: string): Issue {
  const location = base.map.locateKey('/environments') ?? { file: base.source.file, line: 1, col: 1 };
  return { severity: 'error', code: 'E_UNKNOWN_ENV', message, path: '/environments', location, hint };
}

/**
 * Deep merge: mappings merge key by key, arrays and scalars replace. The base map's positions are
 * updated so overlaid nodes point into the overlay (`from` is the overlay's prefix in `overlayMap`).
 */
function mergeInto(base: unknown, over: unknown, at: string, baseMap: SourceMap, overlayMap: SourceMap, from: string): unknown {
  if (isObject(base) && isObject(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) {
      const child = pointerJoin(at, k);
      const childFrom = pointerJoin(from, k);
      const merged = isObject(out[k]) && isObject(v)
        ? mergeInto(out[k], v, child, baseMap, overlayMap, childFrom)
        : replace(v, child, baseMap, overlayMap, childFrom);
      Object.defineProperty(out, k, { value: merged, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return replace(over, at, baseMap, overlayMap, from);
}

function replace(value: unknown, at: string, baseMap: SourceMap, overlayMap: SourceMap, from: string): unknown {
  if (overlayMap === baseMap) {
    // the environments block: copy the positions first, the grafted pointers may overlap `from`
    const snapshot = new SourceMap();
    snapshot.graft(baseMap, from, '');
    baseMap.deleteUnder(at);
    baseMap.graft(snapshot, '', at);
  } else {
    baseMap.deleteUnder(at);
    baseMap.graft(overlayMap, from, at);
  }
  return value;
}
