import type { DebugStageSnapshot } from '../../core/engine/types.js';
import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { loadPlan } from '../load.js';
import { renderStage } from '../render/debug.js';
import { createEventRenderer } from '../render/progress.js';
import { writeReport } from '../render/report.js';

export interface DebugFlags extends CommonFlags {
  readonly stage?: number;
  readonly limit?: number;
  readonly step?: boolean;
}

/** Resolves on the next line of stdin, or rejects when the run is aborted. */
async function waitForEnter(cli: CliContext): Promise<void> {
  const { createInterface } = await import('node:readline/promises');
  const stdin = process.stdin as NodeJS.ReadStream & { ref?: () => void; unref?: () => void };
  stdin.ref?.();
  const rl = createInterface({ input: stdin, output: cli.stderr });
  // readline turns Ctrl-C into its own event: make it the real signal, which aborts the run
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    await rl.question('press Enter for the next stage (Ctrl-C stops) ', { signal: cli.signal });
  } finally {
    rl.close();
    // a paused TTY stdin still holds the event loop open
    stdin.pause();
    stdin.unref?.();
  }
}

export async function debugCommand(cli: CliContext, file: string, flags: DebugFlags): Promise<void> {
  const plan = await loadPlan(cli, file, flags);
  const { debugPipeline } = await import('../../core/engine/index.js');
  const shown = flags.limit ?? 10;
  const step = Boolean(flags.step) && Boolean(process.stdin.isTTY);
  if (flags.step && !step && !cli.quiet) cli.err('note: --step needs an interactive terminal; running without pauses');
  const snapshots: DebugStageSnapshot[] = [];
  const lastStage = plan.transforms.length + 1;
  const renderer = await createEventRenderer(cli, { progress: false });
  const onStage = async (snapshot: DebugStageSnapshot) => {
    snapshots.push(snapshot);
    if (cli.logFormat === 'json') cli.errJson({ type: 'debug.stage', ...snapshot });
    else if (!cli.quiet) for (const line of renderStage(snapshot, shown)) cli.out(line);
    const last = snapshot.index >= (flags.stage ?? lastStage);
    if (step && !last) await waitForEnter(cli);
  };
  try {
    await debugPipeline(plan, {
      signal: cli.signal,
      events: renderer.events,
      limit: Math.max(100, shown),
      sample_size: shown,
      on_stage: onStage,
      ...(flags.stage !== undefined ? { stop_after: flags.stage } : {}),
    });
  } finally {
    renderer.stop();
  }
  if (flags.report) await writeReport(cli, flags.report, { pipeline: plan.name, stages: snapshots });
}
