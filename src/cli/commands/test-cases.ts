import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';

/** One case of a `<pipeline>.test.yml` file. */
export interface TestCase {
  readonly name: string;
  readonly vars?: Record<string, string>;
  readonly input: readonly Record<string, unknown>[];
  /** rows expected at the (first) sink, in order. */
  readonly output?: readonly Record<string, unknown>[];
  /** expected rejects: a count, or entries matched by `reason` substring and partial `record`. */
  readonly rejects?: number | readonly { reason?: string; record?: Record<string, unknown> }[];
  /** the run must fail with an error whose code or message contains this. */
  readonly error?: string;
}

export interface TestFile {
  readonly file: string;
  readonly pipeline: string;
  readonly cases: readonly TestCase[];
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function checkCase(file: string, raw: unknown, i: number): TestCase {
  const where = `${file}: cases[${i}]`;
  if (!isObject(raw)) throw new UsageError(`${where} is not a mapping`);
  if (!Array.isArray(raw['input']) || !raw['input'].every(isObject)) throw new UsageError(`${where}: input must be a list of rows (mappings)`);
  if (raw['output'] !== undefined && !(Array.isArray(raw['output']) && raw['output'].every(isObject))) throw new UsageError(`${where}: output must be a list of rows`);
  const rejects = raw['rejects'];
  if (rejects !== undefined && typeof rejects !== 'number' && !Array.isArray(rejects)) throw new UsageError(`${where}: rejects must be a count or a list`);
  if (raw['output'] === undefined && rejects === undefined && raw['error'] === undefined) {
    throw new UsageError(`${where}: says nothing to check`, { hint: 'add output:, rejects: or error:' });
  }
  return { ...(raw as object), name: typeof raw['name'] === 'string' ? raw['name'] : `case ${i + 1}` } as TestCase;
}

/** Reads and checks a test file; `pipeline:` defaults to the file name without `.test`. */
export async function readTestFile(file: string): Promise<TestFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read test file ${file}`);
  }
  const { parse } = await import('yaml');
  const doc = parse(text) as unknown;
  if (!isObject(doc) || !Array.isArray(doc['cases'])) throw new UsageError(`${file}: expected a mapping with cases: [...]`);
  const pipeline = typeof doc['pipeline'] === 'string' ? doc['pipeline'] : basename(file).replace(/\.test\.ya?ml$/, '.yml');
  return { file, pipeline: resolve(dirname(file), pipeline), cases: doc['cases'].map((c, i) => checkCase(file, c, i)) };
}

/** `*.test.yml` files under dir (skipping node_modules and dot directories). */
export async function findTestFiles(dir: string, depth = 4): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) out.push(...(await findTestFiles(full, depth - 1)));
    else if (entry.isFile() && /\.test\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** JSON-normal form (bigints as text), so rows compare the way they are written. */
export function normal(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;
}

function matches(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(normal(actual)) === JSON.stringify(normal(expected));
}

/** Differences between expected and actual rows/rejects, as lines; empty when the case passes. */
export function compareCase(tc: TestCase, rows: readonly unknown[], rejects: readonly { reason?: string; record?: unknown }[]): string[] {
  const problems: string[] = [];
  if (tc.output) {
    if (rows.length !== tc.output.length) problems.push(`expected ${tc.output.length} output rows, got ${rows.length}`);
    const n = Math.min(rows.length, tc.output.length);
    for (let i = 0; i < n; i++) {
      if (!matches(rows[i], tc.output[i])) {
        problems.push(`row ${i + 1}: expected ${JSON.stringify(normal(tc.output[i]))}`, `       got ${JSON.stringify(normal(rows[i]))}`);
        break;
      }
    }
  }
  if (typeof tc.rejects === 'number' && rejects.length !== tc.rejects) problems.push(`expected ${tc.rejects} rejects, got ${rejects.length}`);
  if (Array.isArray(tc.rejects)) {
    if (rejects.length !== tc.rejects.length) problems.push(`expected ${tc.rejects.length} rejects, got ${rejects.length}`);
    tc.rejects.forEach((exp, i) => {
      const got = rejects[i];
      if (!got) return;
      if (exp.reason && !String(got.reason ?? '').includes(exp.reason)) problems.push(`reject ${i + 1}: reason "${got.reason ?? ''}" does not contain "${exp.reason}"`);
      const record = (got.record ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(exp.record ?? {})) {
        if (!matches(record[k], v)) problems.push(`reject ${i + 1}: ${k} expected ${JSON.stringify(normal(v))}, got ${JSON.stringify(normal(record[k]))}`);
      }
    });
  }
  return problems;
}
