import { ConfigError, ExitCode, type ExitCodeValue } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { CliContext } from '../context.js';
import { parseVars, type CommonFlags } from '../flags.js';
import { loadRegistry } from '../load.js';
import { countLine, formatIssues, printError, ReportedError, toCliError } from '../render/error.js';
import { writeReport } from '../render/report.js';

export interface ValidateFlags extends CommonFlags {
  readonly connections?: boolean;
}

interface FileResult {
  readonly file: string;
  readonly valid: boolean;
  readonly issues: readonly Issue[];
}

function printFile(cli: CliContext, result: FileResult): void {
  if (cli.logFormat === 'json') {
    cli.errJson({ type: 'validate', ...result });
    return;
  }
  const shown = cli.quiet ? result.issues.filter((i) => i.severity === 'error') : result.issues;
  for (const line of formatIssues(shown, result.file)) cli.err(line);
  if (!result.valid) cli.err(`${result.file}: ${countLine(result.issues)}`);
  else if (!cli.quiet) cli.out(`${result.file}: ok${result.issues.length ? ` (${countLine(result.issues)})` : ''}`);
}

async function validateFile(cli: CliContext, file: string, flags: ValidateFlags): Promise<FileResult> {
  const [{ loadPipeline }, registry] = await Promise.all([import('../../core/config/index.js'), loadRegistry({ file, plugins: flags.plugin ?? [] })]);
  const result = await loadPipeline(file, {
    registry,
    vars: parseVars(flags.var),
    ...(flags.env ? { env: flags.env } : {}),
    environment: process.env,
  });
  cli.secrets = result.secrets;
  let issues = [...result.issues];
  if (flags.connections && result.plan) {
    const { checkPipeline } = await import('../../core/engine/index.js');
    issues = [...issues, ...(await checkPipeline(result.plan, { signal: cli.signal }))];
  }
  return { file, valid: !issues.some((i) => i.severity === 'error'), issues };
}

/** Validates every file, prints every problem, exits 2 if any file has an error. */
export async function validateCommand(cli: CliContext, files: readonly string[], flags: ValidateFlags): Promise<void> {
  let exit: ExitCodeValue = ExitCode.Ok;
  const results: FileResult[] = [];
  for (const file of files) {
    try {
      const result = await validateFile(cli, file, flags);
      results.push(result);
      printFile(cli, result);
      if (!result.valid && exit === ExitCode.Ok) exit = ExitCode.Invalid;
    } catch (err) {
      const etl = toCliError(cli, err);
      if (etl.exitCode === ExitCode.Interrupted) throw etl;
      printError(cli, etl);
      const issues = etl instanceof ConfigError && etl.issues.length ? etl.issues : [{ severity: 'error' as const, code: etl.code, message: etl.message, path: '' }];
      results.push({ file, valid: false, issues });
      if (exit === ExitCode.Ok || etl.exitCode === ExitCode.Invalid) exit = etl.exitCode;
    }
  }
  if (flags.report) await writeReport(cli, flags.report, { files: results, exit_code: exit });
  if (exit !== ExitCode.Ok) throw new ReportedError(exit, 'validation failed');
}
