import { ConfigError } from '../core/errors.js';
import type { Issue } from '../core/issues.js';
import type { Plan } from '../core/plan/types.js';
import type { LoadResult } from '../core/config/types.js';
import type { Registry } from '../registry.js';
import type { CliContext } from './context.js';
import { parseVars, type CommonFlags } from './flags.js';
import { formatIssues } from './render/error.js';

export async function loadRegistry(): Promise<Registry> {
  const { createRegistry } = await import('../registry.js');
  return createRegistry();
}

/** Prints warnings (not errors: those go through ConfigError) unless --quiet. */
export function printWarnings(cli: CliContext, issues: readonly Issue[], file: string): void {
  if (cli.quiet) return;
  const warnings = issues.filter((i) => i.severity === 'warning');
  if (cli.logFormat === 'json') {
    for (const w of warnings) cli.errJson({ type: 'warning', ...w });
    return;
  }
  for (const line of formatIssues(warnings, file)) cli.err(line);
}

/** Registers the load's secrets with the CLI, prints warnings, throws ConfigError when invalid. */
export function acceptLoad(cli: CliContext, result: LoadResult, file: string): Plan {
  cli.secrets = result.secrets;
  printWarnings(cli, result.issues, file);
  if (!result.plan || result.issues.some((i) => i.severity === 'error')) {
    throw new ConfigError(result.issues.filter((i) => i.severity === 'error'));
  }
  return result.plan;
}

/** loadPipeline with the common flags; the plan or a ConfigError (exit 2). */
export async function loadPlan(cli: CliContext, file: string, flags: Pick<CommonFlags, 'var' | 'env'>): Promise<Plan> {
  const [{ loadPipeline }, registry] = await Promise.all([import('../core/config/index.js'), loadRegistry()]);
  const result = await loadPipeline(file, {
    registry,
    vars: parseVars(flags.var),
    ...(flags.env ? { env: flags.env } : {}),
    environment: process.env,
  });
  return acceptLoad(cli, result, file);
}
