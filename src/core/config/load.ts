import { dirname, resolve } from 'node:path';
import type { Issue } from '../issues.js';
import { SecretRegistry } from '../secrets.js';
import { compilePlan } from '../plan/compile.js';
import { interpolateTree, resolveVars, type InterpolateContext } from './interpolate.js';
import { registerSchemaSecrets, registerSecrets } from './secret-values.js';
import { lintDocument } from './lint.js';
import { applyOverlay } from './overlay.js';
import { parseYamlText, readPipelineFile } from './parse.js';
import type { LoadOptions, LoadResult } from './types.js';
import { validateDocument } from './validate.js';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `<copy>`, `<inline>`: text that never was a file; relative paths resolve against cwd. */
function isPseudoFile(file: string): boolean {
  return /^<[^<>]*>$/.test(file);
}

/** Reads, parses, overlays, interpolates, validates, lints and compiles a pipeline file. */
export async function loadPipeline(file: string, options: LoadOptions): Promise<LoadResult> {
  const path = resolve(options.cwd ?? '', file);
  const read = await readPipelineFile(path);
  if (read.text === undefined) return { issues: read.issues, secrets: new SecretRegistry() };
  return loadPipelineText(read.text, path, options);
}

/** The same from text (`copy` builds YAML and passes file '<copy>'). Never throws on bad input. */
export async function loadPipelineText(text: string, file: string, options: LoadOptions): Promise<LoadResult> {
  const secrets = new SecretRegistry();
  const pseudo = isPseudoFile(file);
  const absFile = pseudo ? file : resolve(options.cwd ?? '', file);
  const dir = options.cwd !== undefined ? resolve(options.cwd) : pseudo ? resolve('') : dirname(absFile);
  const parsed = parseYamlText(text, absFile);
  const issues: Issue[] = [...parsed.issues];
  // after a syntax error the rest of the document is guesswork: report the YAML problems only
  const broken = issues.some((i) => i.severity === 'error' && i.code !== 'E_DUPLICATE_KEY');
  if (parsed.value === undefined || broken) return finish(issues, secrets, absFile);
  if (!isObject(parsed.value)) {
    issues.push({
      severity: 'error', code: 'E_NOT_A_MAPPING', path: '', location: { file: absFile, line: 1, col: 1 },
      message: parsed.value === null ? 'the pipeline file is empty' : 'a pipeline file must be a mapping (version:, name:, extract:, load: …)',
      hint: 'start from `etl-cli create` or an example in the README',
    });
    return finish(issues, secrets, absFile);
  }
  dropEmptySections(parsed.value);
  const value = options.env === undefined ? parsed.value : (await applyOverlay(parsed, options.env, issues, pseudo)).value;
  const ictx: InterpolateContext = {
    dir, environment: options.environment, vars: {}, secrets, map: parsed.map, issues, coercible: new Set(), files: new Map(),
    ...(options.missingEnv ? { missingEnv: options.missingEnv } : {}),
  };
  const vars = await resolveVars((value as Obj)['vars'], options.vars ?? {}, ictx);
  // `environments` is only merged, never used as written; `vars` was resolved above
  const doc = (await interpolateTree(value, '', ictx, (p) => p === '/environments' || p === '/vars')) as Obj;
  if (isObject(doc['vars'])) doc['vars'] = effectiveVarsView(doc['vars'], vars);
  registerSecrets(doc, secrets);
  registerSchemaSecrets(doc, options.registry, secrets);
  // a value whose reference failed is already reported; the schema would only repeat it
  const failedRefs = new Set(issues.map((i) => i.path).filter((p) => p !== ''));
  const schemaIssues = validateDocument(doc, parsed.map, options.registry, ictx.coercible).filter((i) => !failedRefs.has(i.path));
  issues.push(...schemaIssues);
  issues.push(...lintDocument({ doc, map: parsed.map, registry: options.registry, schemaIssues: [...issues] }));
  const result = finish(issues, secrets, absFile);
  if (result.issues.some((i) => i.severity === 'error')) return result;
  const plan = compilePlan({
    doc, registry: options.registry, file: absFile, dir, vars, secrets, locate: (p) => parsed.map.locate(p),
  });
  return { ...result, plan };
}

/** `transform:` with every step commented out is an empty section, not a type error. */
function dropEmptySections(doc: Obj): void {
  for (const key of ['vars', 'connections', 'transform', 'errors', 'retry', 'state', 'environments', 'plugins']) {
    if (doc[key] === null) delete doc[key];
  }
}

/** the file's `vars:` as resolved (scalars); anything else is left for the schema to report. */
function effectiveVarsView(raw: Obj, vars: Record<string, string>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(raw)) {
    out[k] = (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && vars[k] !== undefined ? vars[k] : v;
  }
  return out;
}

/** Dedupes, redacts every secret out of messages and hints, and sorts by position. */
function finish(issues: readonly Issue[], secrets: SecretRegistry, file: string): { issues: Issue[]; secrets: SecretRegistry } {
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const issue of issues) {
    const id = `${issue.code}\u0000${issue.path}\u0000${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({
      ...issue,
      message: secrets.redact(issue.message),
      ...(issue.hint !== undefined ? { hint: secrets.redact(issue.hint) } : {}),
    });
  }
  const rank = (i: Issue): [number, number, number] =>
    i.location ? [i.location.file === file ? 0 : 1, i.location.line, i.location.col] : [2, 0, 0];
  out.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  return { issues: out, secrets };
}
