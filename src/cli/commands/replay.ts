import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../../core/errors.js';
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
}

/** Copies the `record` of every dead-letter line into an NDJSON file; raw (unparsed) lines are skipped. */
async function extractRecords(deadLetter: string, out: string): Promise<{ rows: number; skipped: number }> {
  const input = createReadStream(deadLetter, 'utf8');
  const output = createWriteStream(out);
  let rows = 0;
  let skipped = 0;
  let line = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line += 1;
      if (!text.trim()) continue;
      let entry: { record?: unknown };
      try {
        entry = JSON.parse(text) as { record?: unknown };
      } catch {
        throw new UsageError(`${deadLetter}:${line}: not a JSON line`, { hint: 'replay takes the NDJSON dead-letter file a run wrote (errors.dead_letter)' });
      }
      if (!entry.record || typeof entry.record !== 'object' || Array.isArray(entry.record)) {
        skipped += 1;
        continue;
      }
      if (!output.write(JSON.stringify(entry.record) + '\n')) await new Promise<void>((r) => output.once('drain', () => r()));
      rows += 1;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`no such dead-letter file: ${deadLetter}`);
    throw err;
  } finally {
    await new Promise<void>((r) => output.end(r));
  }
  return { rows, skipped };
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

/** `replay <dead-letter> --pipeline p.yml`: sends fixed rejected rows to the pipeline's sink(s). */
export async function replayCommand(cli: CliContext, deadLetter: string, flags: ReplayFlags): Promise<void> {
  await loadPlan(cli, flags.pipeline, flags); // the pipeline itself must be valid first
  const doc = await readDocument(flags.pipeline);
  const tmp = await mkdtemp(join(tmpdir(), 'etl-cli-replay-'));
  try {
    const records = join(tmp, 'records.ndjson');
    const { rows, skipped } = await extractRecords(resolve(deadLetter), records);
    if (skipped && !cli.quiet) cli.err(`warning: ${skipped} dead-letter line(s) hold raw text, not a row: fix them into rows to replay them`);
    doc['extract'] = { type: 'ndjson', path: records };
    if (!flags.transforms) delete doc['transform'];
    for (const sink of sinksOf(doc)) sink['mode'] = await replayMode(sink, flags);
    const replayRejects = resolve(deadLetter).replace(/(\.ndjson)?$/, '.replay-rejects.ndjson');
    doc['errors'] = { ...(doc['errors'] as object | undefined), dead_letter: replayRejects };
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
      cli.out(`replayed ${rows} row${rows === 1 ? '' : 's'} from ${deadLetter}`);
      for (const line of renderRunSummary(report)) cli.out(line);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
