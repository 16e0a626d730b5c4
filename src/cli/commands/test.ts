import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { ReportedError, toCliError } from '../render/error.js';
import { writeReport } from '../render/report.js';
import { loadDocument, readDocument, type Doc } from './rewrite.js';
import { stat } from 'node:fs/promises';
import { compareCase, findTestFiles, readTestFile, type TestCase } from './test-cases.js';

export type TestFlags = CommonFlags;

interface CaseResult {
  readonly file: string;
  readonly name: string;
  readonly passed: boolean;
  readonly problems: readonly string[];
}

async function readNdjson(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The pipeline with its source and sink swapped for files: no connection is opened. */
function offline(doc: Doc, dir: string): Doc {
  const steps = Array.isArray(doc['transform']) ? (doc['transform'] as unknown[]) : [];
  // a step may name a connection itself, or in a nested source (lookup's `from:`)
  const named = (s: unknown): boolean => Boolean(s) && typeof s === 'object' && 'connection' in (s as Doc);
  const usesConnections = steps.some((s) => named(s) || (Boolean(s) && typeof s === 'object' && Object.values(s as Doc).some(named)));
  const out: Doc = { ...doc };
  if (!usesConnections) delete out['connections'];
  delete out['environments'];
  out['extract'] = { type: 'ndjson', path: join(dir, 'input.ndjson') };
  out['load'] = { type: 'ndjson', path: join(dir, 'output.ndjson') };
  out['errors'] = { dead_letter: join(dir, 'rejects.ndjson') };
  out['state'] = { dir: join(dir, 'state') };
  return out;
}

async function runCase(cli: CliContext, pipeline: string, tc: TestCase, flags: TestFlags): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'etl-cli-test-'));
  try {
    await writeFile(join(dir, 'input.ndjson'), tc.input.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const doc = offline(await readDocument(pipeline), dir);
    const vars = [...(flags.var ?? []), ...Object.entries(tc.vars ?? {}).map(([k, v]) => `${k}=${v}`)];
    const plan = await loadDocument(cli, pipeline, doc, { var: vars, plugin: flags.plugin ?? [] });
    const { runPipeline } = await import('../../core/engine/index.js');
    try {
      await runPipeline(plan, { signal: cli.signal, events: () => {} });
    } catch (err) {
      const etl = toCliError(cli, err);
      if (etl.exitCode === ExitCode.Interrupted) throw etl;
      if (tc.error && (etl.code.includes(tc.error) || etl.message.includes(tc.error))) return [];
      return [`run failed: ${etl.message}`];
    }
    if (tc.error) return [`expected the run to fail with "${tc.error}", it succeeded`];
    return compareCase(tc, await readNdjson(join(dir, 'output.ndjson')), await readNdjson(join(dir, 'rejects.ndjson')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function printResult(cli: CliContext, r: CaseResult): void {
  if (cli.logFormat === 'json') return cli.errJson({ type: 'test.case', ...r });
  if (r.passed) {
    if (!cli.quiet) cli.out(`✓ ${r.file} › ${r.name}`);
    return;
  }
  cli.out(`✗ ${r.file} › ${r.name}`);
  for (const p of r.problems) cli.out(`    ${p}`);
}

/** `test [files...]`: runs `<pipeline>.test.yml` cases offline; exit 1 when a case fails. */
export async function testCommand(cli: CliContext, files: readonly string[], flags: TestFlags): Promise<void> {
  const list: string[] = [];
  for (const f of files.length ? files : [process.cwd()]) {
    // a directory argument means every *.test.yml below it
    const isDir = await stat(f).then((st) => st.isDirectory(), () => false);
    list.push(...(isDir ? await findTestFiles(f) : [f]));
  }
  if (!list.length) throw new UsageError('no *.test.yml files found', { hint: 'pass test files, or run from a directory that has <pipeline>.test.yml files' });
  const results: CaseResult[] = [];
  for (const file of list) {
    const suite = await readTestFile(file);
    const shown = relative(process.cwd(), file) || file;
    for (const tc of suite.cases) {
      let problems: string[];
      try {
        problems = await runCase(cli, suite.pipeline, tc, flags);
      } catch (err) {
        const etl = toCliError(cli, err);
        if (etl.exitCode === ExitCode.Interrupted) throw etl;
        problems = [`${etl.message}${etl.hint ? ` (hint: ${etl.hint})` : ''}`];
      }
      const result = { file: shown, name: tc.name, passed: problems.length === 0, problems };
      results.push(result);
      printResult(cli, result);
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  if (flags.report) await writeReport(cli, flags.report, { cases: results, passed: results.length - failed, failed });
  if (!cli.quiet && cli.logFormat !== 'json') cli.out(`\n${results.length - failed} passed, ${failed} failed`);
  if (failed) throw new ReportedError(ExitCode.RunFailed, `${failed} test case(s) failed`);
}
