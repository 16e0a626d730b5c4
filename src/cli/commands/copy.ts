import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../../core/errors.js';
import type { RunReport } from '../../core/engine/types.js';
import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { acceptLoad, loadRegistry } from '../load.js';
import { createEventRenderer } from '../render/progress.js';
import { renderRunSummary } from '../render/summary.js';
import { failedReport, writeOutputs } from './run.js';
import { toCliError } from '../render/error.js';
import { hasOption, resolveEndpoint, type Endpoint } from './copy-endpoint.js';

export interface CopyFlags extends CommonFlags {
  readonly query?: string;
  readonly table?: string;
  readonly mode?: 'append' | 'overwrite' | 'upsert';
  readonly key?: string;
  readonly delimiter?: string;
  readonly limit?: number;
  readonly fromFormat?: string;
  readonly toFormat?: string;
}

/** Puts a flag's value into the stages whose connector has that option; unused → usage error. */
function place(flag: string, key: string, value: unknown, targets: [Endpoint, 'source' | 'sink', Record<string, unknown>][]): void {
  if (value === undefined) return;
  let used = false;
  for (const [end, role, stage] of targets) {
    if (!hasOption(end.def, role, key)) continue;
    stage[key] = value;
    used = true;
  }
  if (!used) throw new UsageError(`${flag} does not apply to ${targets.map(([e]) => e.def.name).join(' or ')}`);
}

/** The pipeline document `copy` runs: the same loader and engine as a YAML file. */
export function buildCopyDocument(from: Endpoint, to: Endpoint, flags: CopyFlags, stateDir: string): Record<string, unknown> {
  const extract: Record<string, unknown> = { type: from.def.name, ...from.stage };
  const load: Record<string, unknown> = { type: to.def.name, ...to.stage };
  const connections: Record<string, unknown> = {};
  if (from.connection) {
    connections['source'] = from.connection;
    extract['connection'] = 'source';
  }
  if (to.connection) {
    connections['target'] = to.connection;
    load['connection'] = 'target';
  }
  place('--query', 'query', flags.query, [[from, 'source', extract]]);
  const tableSides: [Endpoint, 'source' | 'sink', Record<string, unknown>][] = [];
  // a database side: a URL, or a file a connector reads as a database (out.db → sqlite)
  if (from.connection || hasOption(from.def, 'source', 'table')) tableSides.push([from, 'source', extract]);
  if (to.connection || hasOption(to.def, 'sink', 'table')) tableSides.push([to, 'sink', load]);
  if (flags.table !== undefined && !tableSides.length) throw new UsageError('--table needs a database on one side');
  place('--table', 'table', flags.table, tableSides);
  if (flags.mode) load['mode'] = flags.mode;
  const key = flags.key?.split(',').map((k) => k.trim()).filter(Boolean);
  if (key?.length) load['key'] = key;
  place('--delimiter', 'delimiter', flags.delimiter, [[from, 'source', extract], [to, 'sink', load]]);
  return {
    version: 1,
    name: 'copy',
    ...(Object.keys(connections).length ? { connections } : {}),
    extract,
    load,
    state: { dir: stateDir },
  };
}

/** The temporary files behind `-` are shown as `-` (stdin/stdout). */
function withStdio(report: RunReport, ends: readonly Endpoint[]): RunReport {
  let text = JSON.stringify(report);
  for (const end of ends) {
    const path = end.stdio ? end.stage['path'] : undefined;
    if (typeof path === 'string') text = text.split(JSON.stringify(path).slice(1, -1)).join('-');
  }
  return JSON.parse(text) as RunReport;
}

async function runCopy(cli: CliContext, from: Endpoint, to: Endpoint, flags: CopyFlags, tmp: string): Promise<RunReport> {
  const registry = await loadRegistry({ plugins: flags.plugin ?? [] });
  if (from.stdio) {
    const file = join(tmp, `stdin${from.ext ?? ''}`);
    await pipeline(process.stdin, createWriteStream(file), { signal: cli.signal });
    from.stage['path'] = file;
  }
  if (to.stdio) to.stage['path'] = join(tmp, `stdout${to.ext ?? ''}`);
  const doc = buildCopyDocument(from, to, flags, join(tmp, 'state'));
  const [{ stringify }, { loadPipelineText }, { runPipeline }] = await Promise.all([
    import('yaml'), import('../../core/config/index.js'), import('../../core/engine/index.js'),
  ]);
  const text = stringify(doc);
  if (cli.verbose) cli.err(`copy pipeline:\n${text}`);
  const result = await loadPipelineText(text, '<copy>', {
    registry,
    environment: { ...process.env, ...from.env, ...to.env },
    cwd: process.cwd(),
  });
  const plan = acceptLoad(cli, result, '<copy>');
  if (to.stdio) cli.stdoutIsData = true;
  const renderer = await createEventRenderer(cli, flags);
  try {
    const report = await runPipeline(plan, {
      signal: cli.signal,
      events: renderer.events,
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    });
    if (to.stdio) await pipeline(createReadStream(String(to.stage['path'])), process.stdout, { end: false });
    return withStdio(report, [from, to]);
  } finally {
    renderer.stop();
  }
}

/** `copy <from> <to>`: builds a one-off pipeline from two arguments and runs it. */
export async function copyCommand(cli: CliContext, fromArg: string, toArg: string, flags: CopyFlags): Promise<void> {
  if (fromArg === '-' && toArg === '-' && flags.fromFormat === undefined) throw new UsageError('copy - - needs --from-format and --to-format');
  const registry = await loadRegistry({ plugins: flags.plugin ?? [] });
  const from = resolveEndpoint(registry, fromArg, flags.fromFormat, 'from');
  const to = resolveEndpoint(registry, toArg, flags.toFormat, 'to');
  const tmp = await mkdtemp(join(tmpdir(), 'etl-cli-copy-'));
  try {
    let report: RunReport;
    try {
      report = await runCopy(cli, from, to, flags, tmp);
    } catch (err) {
      await writeOutputs(cli, flags, failedReport(toCliError(cli, err), 'copy')).catch((e: unknown) => cli.err(`warning: ${(e as Error).message}`));
      throw err;
    }
    await writeOutputs(cli, flags, report);
    if (cli.quiet) return;
    if (cli.logFormat === 'json') cli.errJson({ type: 'run.summary', ...report });
    else for (const line of renderRunSummary(report)) (to.stdio ? cli.err(line) : cli.out(line));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
