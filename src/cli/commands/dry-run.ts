import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { loadPlan } from '../load.js';
import { renderDryRun } from '../render/dry-run.js';
import { createEventRenderer } from '../render/progress.js';
import { writeReport } from '../render/report.js';

export interface DryRunFlags extends CommonFlags {
  readonly limit?: number;
}

/** Extracts and transforms, writes nothing (the --report file is the user's explicit request). */
export async function dryRunCommand(cli: CliContext, file: string, flags: DryRunFlags): Promise<void> {
  const plan = await loadPlan(cli, file, flags);
  const { dryRunPipeline } = await import('../../core/engine/index.js');
  const renderer = await createEventRenderer(cli, flags);
  let report;
  try {
    report = await dryRunPipeline(plan, {
      signal: cli.signal,
      events: renderer.events,
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    });
  } finally {
    renderer.stop();
  }
  if (cli.logFormat === 'json') cli.errJson({ type: 'dry_run.summary', ...report });
  else if (!cli.quiet) for (const line of renderDryRun(report)) cli.out(line);
  if (flags.report) await writeReport(cli, flags.report, report);
}
