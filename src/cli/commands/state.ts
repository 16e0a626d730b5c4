import { UsageError } from '../../core/errors.js';
import type { Plan } from '../../core/plan/types.js';
import type { StateStore, StoredWatermark } from '../../core/state/index.js';
import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { loadPlan } from '../load.js';
import { fmt } from '../render/progress.js';
import { writeReport } from '../render/report.js';
import { formatMs, renderTable } from '../render/table.js';

export interface StateFlags extends CommonFlags {
  readonly reset?: boolean;
  readonly set?: string;
  readonly stream?: string;
}

/** The plan's store (its state table, or the state file), opened for one command. */
async function openStore(cli: CliContext, plan: Plan): Promise<StateStore> {
  const [{ openStateStore }, { pipelineInfo, makeRunId }] = await Promise.all([
    import('../../core/state/index.js'), import('../../core/engine/context.js'),
  ]);
  return openStateStore(plan, { signal: cli.signal, pipeline: pipelineInfo(plan, makeRunId(), new Date().toISOString()) });
}

/** `--stream` must name a stream of `extract.streams` (any name when it is a pattern). */
function checkStream(plan: Plan, stream: string | undefined, action: string | undefined): void {
  const streams = plan.extract.streams;
  if (stream === undefined) {
    if (streams && action) throw new UsageError(`${plan.name} has \`extract.streams\`: ${action} needs --stream NAME`, { hint: 'each stream keeps its own watermark; run `etl-cli state <file>` to list them' });
    return;
  }
  if (!streams) throw new UsageError(`--stream ${stream}: ${plan.name} has no \`extract.streams\``, { hint: 'leave out --stream for a pipeline without streams' });
  if ('list' in streams && !streams.list.includes(stream)) {
    throw new UsageError(`--stream ${stream}: not one of the pipeline's streams`, { hint: `streams: ${streams.list.join(', ')}` });
  }
}

function describe(w: StoredWatermark, column: string | undefined): string {
  return `${w.column ?? column ?? '?'} = ${w.watermark} (saved ${w.updated_at ?? '?'} by ${w.run_id ?? '?'})`;
}

async function showState(cli: CliContext, plan: Plan, store: StateStore, flags: StateFlags): Promise<void> {
  const { readHistory, readLock, stateFile } = await import('../../core/state/index.js');
  const [all, runs, lock] = await Promise.all([store.readAll(plan.name), readHistory(plan, 10), readLock(plan)]);
  const { '': own, ...rest } = all;
  const streams = flags.stream !== undefined ? (rest[flags.stream] ? { [flags.stream]: rest[flags.stream]! } : {}) : rest;
  const view = {
    pipeline: plan.name, state_store: store.description, state_file: stateFile(plan), state: own ?? null, streams, lock: lock ?? null, runs,
  };
  if (flags.report) await writeReport(cli, flags.report, view);
  if (cli.logFormat === 'json') {
    cli.stdout.write(JSON.stringify(cli.redactValue(view)) + '\n');
    return;
  }
  const incremental = plan.extract.incremental;
  cli.out(`pipeline: ${plan.name}`);
  cli.out(`state: ${store.description}`);
  if (plan.extract.streams) {
    const names = Object.keys(streams).sort();
    if (!names.length) cli.out(`watermarks: none yet${flags.stream !== undefined ? ` for stream ${flags.stream}` : ''}${incremental ? `; the next run reads ${incremental.column} from ${incremental.initial ?? 'the beginning'}` : ''}`);
    else {
      cli.out('watermarks:');
      const rows = names.map((n) => [n, streams[n]!.column ?? incremental?.column ?? '', streams[n]!.watermark, streams[n]!.updated_at ?? '', streams[n]!.run_id ?? '']);
      for (const l of renderTable(['stream', 'column', 'watermark', 'saved', 'run'], rows)) cli.out('  ' + l);
    }
  } else if (own) cli.out(`watermark: ${describe(own, incremental?.column)}`);
  else if (incremental) cli.out(`watermark: none yet; the next run reads ${incremental.column} from ${incremental.initial ?? 'the beginning'}`);
  else cli.out('watermark: none (the extract is not incremental)');
  cli.out(lock ? `lock: held by pid ${lock.pid} on ${lock.hostname} since ${lock.started_at}` : 'lock: free');
  if (!runs.length) return cli.out('runs: none recorded');
  cli.out('last runs:');
  const rows = runs.map((r) => [r.started_at, r.status, fmt(r.rows_read), fmt(r.rows_written), fmt(r.rows_rejected), formatMs(r.ms), r.watermark?.saved ?? '']);
  for (const l of renderTable(['started', 'status', 'read', 'written', 'rejected', 'time', 'watermark'], rows, { right: [2, 3, 4, 5] })) cli.out('  ' + l);
}

async function resetState(cli: CliContext, plan: Plan, store: StateStore, stream: string | undefined): Promise<void> {
  const removed = await store.reset(plan.name, stream);
  if (cli.quiet) return;
  const what = stream !== undefined ? `state of ${plan.name} stream ${stream}` : `state of ${plan.name}`;
  cli.out(removed ? `${what} cleared: the next run starts from the initial watermark` : `no ${what} stored`);
}

async function setState(cli: CliContext, plan: Plan, store: StateStore, value: string, stream: string | undefined): Promise<void> {
  const previous = await store.read(plan.name, stream ?? '');
  const column = plan.extract.incremental?.column ?? previous?.column;
  await store.write(plan.name, stream ?? '', { watermark: value, ...(column === undefined ? {} : { column }), updated_at: new Date().toISOString(), run_id: 'manual' });
  if (cli.quiet) return;
  cli.out(`watermark of ${plan.name}${stream !== undefined ? ` stream ${stream}` : ''} set: ${column ?? '?'} = ${value}`);
}

/**
 * Shows the incremental state of a pipeline (its own watermark, or each stream's), from the
 * state file or the state table; `--reset` clears it, `--set` sets it, `--stream` picks a stream.
 */
export async function stateCommand(cli: CliContext, file: string, flags: StateFlags): Promise<void> {
  if (flags.reset && flags.set !== undefined) throw new UsageError('--reset and --set cannot be used together');
  const plan = await loadPlan(cli, file, flags);
  checkStream(plan, flags.stream, flags.set !== undefined ? '--set' : undefined);
  const store = await openStore(cli, plan);
  try {
    if (flags.reset) await resetState(cli, plan, store, flags.stream);
    else if (flags.set !== undefined) await setState(cli, plan, store, flags.set, flags.stream);
    else await showState(cli, plan, store, flags);
  } finally {
    await store.close();
  }
}
