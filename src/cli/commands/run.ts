import { EtlError, ExitCode } from '../../core/errors.js';
import type { RunReport } from '../../core/engine/types.js';
import type { CliContext } from '../context.js';
import type { CommonFlags } from '../flags.js';
import { loadPlan } from '../load.js';
import { toCliError } from '../render/error.js';
import { createEventRenderer } from '../render/progress.js';
import { renderMetrics, type MetricsReport } from '../render/metrics.js';
import { writeAtomic, writeReport } from '../render/report.js';
import { renderRunSummary } from '../render/summary.js';

export interface RunFlags extends CommonFlags {
  readonly limit?: number;
  readonly fullRefresh?: boolean;
  readonly force?: boolean;
  readonly from?: string;
  readonly to?: string;
}

/** The partial report a failed run carries (engine errors may have `.report`). */
export function failedReport(err: EtlError, pipeline: string): Record<string, unknown> {
  const partial = (err as { report?: RunReport }).report;
  const status = err.exitCode === ExitCode.Interrupted ? 'interrupted' : err.exitCode === ExitCode.DataQuality ? 'rejects_exceeded' : 'failed';
  return {
    ...(partial ?? { pipeline }),
    status: partial?.status && partial.status !== 'ok' ? partial.status : status,
    error: { code: err.code, message: err.message },
    exit_code: err.exitCode,
  };
}

export function printSummary(cli: CliContext, report: RunReport): void {
  if (cli.quiet) return;
  if (cli.logFormat === 'json') {
    cli.errJson({ type: 'run.summary', ...report });
    return;
  }
  for (const line of renderRunSummary(report)) cli.out(line);
}

/**
 * --report, --metrics-file and --metrics-push, after success and after failure alike. A failed
 * push is a warning: the exit code is the run's.
 */
export async function writeOutputs(cli: CliContext, flags: RunFlags, report: RunReport | Record<string, unknown>): Promise<void> {
  if (flags.report) await writeReport(cli, flags.report, report);
  if (!flags.metricsFile && !flags.metricsPush) return;
  const metrics = cli.redact(renderMetrics(report as MetricsReport));
  if (flags.metricsPush) {
    const { pushMetrics } = await import('../render/metrics-push.js');
    const failure = await pushMetrics(flags.metricsPush, String((report as MetricsReport).pipeline), metrics);
    if (failure && !cli.quiet) cli.err(`${cli.paint(33, 'warning:')} ${failure}`);
  }
  if (flags.metricsFile) await writeAtomic(flags.metricsFile, metrics);
}

export async function runCommand(cli: CliContext, file: string, flags: RunFlags): Promise<void> {
  let name = file;
  try {
    const plan = await loadPlan(cli, file, flags);
    name = plan.name;
    // a sink writing to stdout (`path: -`) owns stdout: the summary moves to stderr
    if (plan.loads.some((l) => l.options['path'] === '-')) cli.stdoutIsData = true;
    const { runPipeline } = await import('../../core/engine/index.js');
    const renderer = await createEventRenderer(cli, flags);
    let report: RunReport;
    try {
      report = await runPipeline(plan, {
        signal: cli.signal,
        events: renderer.events,
        ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
        ...(flags.fullRefresh ? { full_refresh: true } : {}),
        ...(flags.force ? { force: true } : {}),
        ...(flags.from !== undefined ? { from: flags.from } : {}),
        ...(flags.to !== undefined ? { to: flags.to } : {}),
      });
    } finally {
      renderer.stop();
    }
    printSummary(cli, report);
    await writeOutputs(cli, flags, report);
  } catch (err) {
    // a streams run that failed still committed some streams: say which, before the error
    const partial = (err as { report?: RunReport }).report;
    if (partial?.streams?.length) printSummary(cli, partial);
    // the run's own error matters more than a failure to write its report
    await writeOutputs(cli, flags, failedReport(toCliError(cli, err), name)).catch((e: unknown) => cli.err(`warning: ${(e as Error).message}`));
    throw err;
  }
}
