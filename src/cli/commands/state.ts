import { UsageError } from '../../core/errors.js';
import type { Plan } from '../../core/plan/types.js';
import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { loadPlan } from '../load.js';
import { fmt } from '../render/progress.js';
import { writeReport } from '../render/report.js';
import { formatMs, renderTable } from '../render/table.js';

export interface StateFlags extends CommonFlags {
  readonly reset?: boolean;
  readonly set?: string;
}

async function showState(cli: CliContext, plan: Plan, flags: StateFlags): Promise<void> {
  const { readState, readHistory, readLock, stateFile } = await import('../../core/state/index.js');
  const [state, runs, lock] = await Promise.all([readState(plan), readHistory(plan, 10), readLock(plan)]);
  const view = { pipeline: plan.name, state_file: stateFile(plan), state: state ?? null, lock: lock ?? null, runs };
  if (flags.report) await writeReport(cli, flags.report, view);
  if (cli.logFormat === 'json') {
    cli.stdout.write(JSON.stringify(cli.redactValue(view)) + '\n');
    return;
  }
  cli.out(`pipeline: ${plan.name}`);
  cli.out(`state: ${view.state_file}`);
  const incremental = plan.extract.incremental;
  if (state?.watermark !== undefined) {
    cli.out(`watermark: ${state.column ?? incremental?.column ?? '?'} = ${state.watermark} (saved ${state.updated_at ?? '?'} by ${state.run_id ?? '?'})`);
  } else if (incremental) {
    cli.out(`watermark: none yet; the next run reads ${incremental.column} from ${incremental.initial ?? 'the beginning'}`);
  } else cli.out('watermark: none (the extract is not incremental)');
  cli.out(lock ? `lock: held by pid ${lock.pid} on ${lock.hostname} since ${lock.started_at}` : 'lock: free');
  if (!runs.length) {
    cli.out('runs: none recorded');
    return;
  }
  cli.out('last runs:');
  const rows = runs.map((r) => [r.started_at, r.status, fmt(r.rows_read), fmt(r.rows_written), fmt(r.rows_rejected), formatMs(r.ms), r.watermark?.saved ?? '']);
  for (const l of renderTable(['started', 'status', 'read', 'written', 'rejected', 'time', 'watermark'], rows, { right: [2, 3, 4, 5] })) cli.out('  ' + l);
}

/** Shows the incremental state of a pipeline; `--reset` clears it, `--set` sets the watermark. */
export async function stateCommand(cli: CliContext, file: string, flags: StateFlags): Promise<void> {
  if (flags.reset && flags.set !== undefined) throw new UsageError('--reset and --set cannot be used together');
  const plan = await loadPlan(cli, file, flags);
  const state = await import('../../core/state/index.js');
  if (flags.reset) {
    const removed = await state.resetState(plan);
    if (!cli.quiet) cli.out(removed ? `state of ${plan.name} cleared: the next run starts from the initial watermark` : `no state stored for ${plan.name}`);
    return;
  }
  if (flags.set !== undefined) {
    const saved = await state.setWatermark(plan, flags.set);
    if (!cli.quiet) cli.out(`watermark of ${plan.name} set: ${saved.column ?? '?'} = ${saved.watermark ?? ''}`);
    return;
  }
  await showState(cli, plan, flags);
}
