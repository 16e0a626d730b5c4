import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Issue } from '../core/issues.js';
import type { Plan } from '../core/plan/types.js';
import type { LoadResult } from '../core/config/types.js';
import type { Registry } from '../registry.js';
import type { CliContext } from './context.js';
import { parseVars, type CommonFlags } from './flags.js';
import { formatIssues } from './render/error.js';

/** What decides a command's plugins: the pipeline's `plugins:` and the `--plugin` flags. */
export interface PluginScope {
  /** the pipeline file, whose `plugins:` entries resolve against its directory. */
  readonly file?: string;
  readonly plugins?: readonly string[];
}

const registries = new Map<string, Promise<Registry>>();

/** The registry: built-ins plus the scope's plugins (memoised per process: `test` loads often). */
export async function loadRegistry(scope: PluginScope = {}): Promise<Registry> {
  const file = scope.file !== undefined ? resolve(scope.file) : undefined;
  const text = file !== undefined ? await readFile(file, 'utf8').catch(() => undefined) : undefined;
  const key = JSON.stringify([file, text, scope.plugins ?? []]);
  let registry = registries.get(key);
  if (!registry) {
    registry = buildRegistry(text, file, scope.plugins ?? []);
    registries.set(key, registry);
  }
  return registry;
}

async function buildRegistry(text: string | undefined, file: string | undefined, flags: readonly string[]): Promise<Registry> {
  const { createRegistry } = await import('../registry.js');
  // cheap check first: most pipelines have no plugins and should not pay for the loader
  if (!flags.length && !text?.includes('plugins')) return createRegistry();
  const { loadPlugins, pluginRequests } = await import('../core/plugins/index.js');
  const requests = pluginRequests(text, file, flags, process.cwd());
  if (!requests.length) return createRegistry();
  const loaded = await loadPlugins(requests, { fallbackDir: process.cwd() });
  return createRegistry({ connectors: loaded.connectors, transforms: loaded.transforms });
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
export async function loadPlan(cli: CliContext, file: string, flags: Pick<CommonFlags, 'var' | 'env' | 'plugin'>): Promise<Plan> {
  const [{ loadPipeline }, registry] = await Promise.all([import('../core/config/index.js'), loadRegistry({ file, plugins: flags.plugin ?? [] })]);
  const result = await loadPipeline(file, {
    registry,
    vars: parseVars(flags.var),
    ...(flags.env ? { env: flags.env } : {}),
    environment: process.env,
  });
  return acceptLoad(cli, result, file);
}
