import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { readDeadLetterRun, describeDeadLetterTable } from '../../core/engine/dead-letter-open.js';
import { UsageError } from '../../core/errors.js';
import type { Plan } from '../../core/plan/types.js';
import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { loadPlan, loadRegistry } from '../load.js';
import { createEventRenderer } from '../render/progress.js';
import { writeReport } from '../render/report.js';
import { renderRunSummary } from '../render/summary.js';
import { loadDocument, readDocument, sinksOf } from './rewrite.js';

export interface ReplayFlags extends CommonFlags {
  readonly pipeline: string;
  readonly transforms?: boolean;
  readonly mode?: 'append' | 'overwrite' | 'upsert';
  /** with a dead-letter table: the run whose rejects are replayed. */
  readonly runId?: string;
}

/** The `record` of every dead-letter line of a file; a line that is not JSON is a usage error. */
async function* fileRecords(deadLetter: string): AsyncGenerator<unknown> {
  const input = createReadStream(deadLetter, 'utf8');
  let line = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line += 1;
      if (!text.trim()) continue;
      try {
        yield (JSON.parse(text) as { record?: unknown }).record;
      } catch {
        throw new UsageError(`${deadLetter}:${line}: not a JSON line`, { hint: 'replay takes the NDJSON dead-letter file a run wrote (errors.dead_letter)' });
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`no such dead-letter file: ${deadLetter}`);
    throw err;
  }
}

/** The `record` of every row one run left in the pipeline's dead-letter table. */
async function* tableRecords(plan: Plan, run_id: string, signal: AbortSignal): AsyncGenerator<unknown> {
  for await (const row of readDeadLetterRun(plan, run_id, signal)) yield JSON.parse(row.record);
}

/** Copies every record that is a row into an NDJSON file; raw (unparsed) lines are skipped. */
async function extractRecords(records: AsyncIterable<unknown>, out: string): Promise<{ rows: number; skipped: number }> {
  const output = createWriteStream(out);
  let rows = 0;
  let skipped = 0;
  try {
    for await (const record of records) {
      if (!record || typeof record !== 'object' || Array.isArray(record)) {
        skipped += 1;
        continue;
      }
      if (!output.write(JSON.stringify(record) + '\n')) await new Promise<void>((r) => output.once('drain', () => r()));
      rows += 1;
    }
  } finally {
    await new Promise<void>((r) => output.end(r));
  }
  return { rows, skipped };
}

interface ReplayInput {
  readonly records: AsyncIterable<unknown>;
  /** for the summary: the file, or 'table t (connection c), run <id>'. */
  readonly from: string;
  /** where rows rejected again go: a file beside the dead letter; undefined = the pipeline's table. */
  readonly rejects?: string;
}

/** The file given, or the rows of `--run-id` in the pipeline's dead-letter table. */
function replayInput(plan: Plan, deadLetter: string | undefined, flags: ReplayFlags, signal: AbortSignal): ReplayInput {
  const table = plan.errors.dead_letter_table;
  if (deadLetter !== undefined) {
    if (flags.runId !== undefined) throw new UsageError('give a dead-letter file or --run-id, not both', { hint: '--run-id reads the pipeline\'s dead-letter table (errors.dead_letter: { connection, table })' });
    const file = resolve(deadLetter);
    return { records: fileRecords(file), from: deadLetter, rejects: file.replace(/(\.ndjson)?$/, '.replay-rejects.ndjson') };
  }
  if (!table) throw new UsageError('replay needs a dead-letter file', { hint: `etl-cli replay rejects.ndjson --pipeline ${flags.pipeline}; --run-id is for a dead-letter table (errors.dead_letter: { connection, table })` });
  if (flags.runId === undefined) {
    throw new UsageError(`replay needs --run-id: which run's rows of ${describeDeadLetterTable(table)} to replay`, {
      hint: `the run id is in the run's summary and report, and in the table: SELECT DISTINCT run_id FROM ${table.table} WHERE pipeline = '${plan.name}'`,
    });
  }
  return { records: tableRecords(plan, flags.runId, signal), from: `${describeDeadLetterTable(table)}, run ${flags.runId}` };
}

/** Replay must add rows, never replace the target: overwrite becomes append unless --mode says so. */
async function replayMode(sink: Record<string, unknown>, flags: ReplayFlags): Promise<string> {
  if (flags.mode) return flags.mode;
  const registry = await loadRegistry({ file: flags.pipeline, plugins: flags.plugin ?? [] });
  const def = registry.connector(String(sink['type']));
  const current = typeof sink['mode'] === 'string' ? sink['mode'] : undefined;
  if (current === 'upsert' || current === 'append') return current;
  if (def?.sink?.capabilities.modes.includes('append')) return 'append';
  throw new UsageError(`the ${String(sink['type'])} sink cannot append: replaying would replace its target`, { hint: 'pass --mode explicitly if that is what you want' });
}

/**
 * `replay <dead-letter> --pipeline p.yml`, or `replay --pipeline p.yml --run-id ID` when the
 * pipeline's dead letter is a table: sends fixed rejected rows to the pipeline's sink(s).
 */
export async function replayCommand(cli: CliContext, deadLetter: string | undefined, flags: ReplayFlags): Promise<void> {
  const original = await loadPlan(cli, flags.pipeline, flags); // the pipeline itself must be valid first
  const input = replayInput(original, deadLetter, flags, cli.signal);
  const doc = await readDocument(flags.pipeline);
  const tmp = await mkdtemp(join(tmpdir(), 'etl-cli-replay-'));
  try {
    const records = join(tmp, 'records.ndjson');
    const { rows, skipped } = await extractRecords(input.records, records);
    if (rows + skipped === 0 && !input.rejects) {
      throw new UsageError(`no rejected rows in ${input.from}`, { hint: 'check the run id (the run_id column of the table)' });
    }
    if (skipped && !cli.quiet) cli.err(`warning: ${skipped} dead-letter line(s) hold raw text, not a row: fix them into rows to replay them`);
    doc['extract'] = { type: 'ndjson', path: records };
    if (!flags.transforms) delete doc['transform'];
    for (const sink of sinksOf(doc)) sink['mode'] = await replayMode(sink, flags);
    // rows rejected again: beside the file, or into the pipeline's table under the replay's run id
    if (input.rejects) doc['errors'] = { ...(doc['errors'] as object | undefined), dead_letter: input.rejects };
    const plan = await loadDocument(cli, flags.pipeline, doc, flags);
    const { runPipeline } = await import('../../core/engine/index.js');
    const renderer = await createEventRenderer(cli, flags);
    let report;
    try {
      report = await runPipeline(plan, { signal: cli.signal, events: renderer.events });
    } finally {
      renderer.stop();
    }
    if (flags.report) await writeReport(cli, flags.report, report);
    if (cli.quiet) return;
    if (cli.logFormat === 'json') cli.errJson({ type: 'run.summary', replayed: rows, ...report });
    else {
      cli.out(`replayed ${rows} row${rows === 1 ? '' : 's'} from ${input.from}`);
      for (const line of renderRunSummary(report)) cli.out(line);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
