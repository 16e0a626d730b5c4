import { InvalidArgumentError, Option, type Command } from 'commander';

/** Flags shared by run, dry-run, debug, validate and state (commander camelCases them). */
export interface CommonFlags {
  readonly var?: readonly string[];
  readonly env?: string;
  readonly logFormat: 'text' | 'json';
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  readonly progress: boolean;
  readonly report?: string;
  readonly metricsFile?: string;
  readonly metricsPush?: string;
  /** --plugin <spec> (repeatable): extra connector/transform modules. */
  readonly plugin?: readonly string[];
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function keyValue(value: string): string {
  if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return value;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}

/** Adds the common flags to a command. */
export function withCommonFlags(cmd: Command): Command {
  return cmd
    .option('--var <key=value>', 'set a pipeline variable (repeatable)', (v: string, p: string[] | undefined) => collect(keyValue(v), p))
    .option('--env <name>', 'merge the environment overlay <file>.<name>.yml or environments.<name>')
    .addOption(new Option('--log-format <format>', 'log output on stderr').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print nothing but errors')
    .option('-v, --verbose', 'print more detail, error causes and stack traces')
    .option('--no-progress', 'no live progress line')
    .option('--report <file.json>', 'write a JSON report of the run to this file')
    .option('--plugin <spec>', 'load connectors/transforms from an npm package or a .js/.mjs file (repeatable)', (v: string, p: string[] | undefined) => collect(v, p));
}

/** `--plugin` alone, for the commands without the common flags (connectors, schema, create). */
export function withPluginFlag(cmd: Command): Command {
  return cmd.option('--plugin <spec>', 'load connectors/transforms from an npm package or a .js/.mjs file (repeatable)', (v: string, p: string[] | undefined) => collect(v, p));
}

/** `--metrics-file` for the commands that run a pipeline (run, copy). */
export function withMetricsFlag(cmd: Command): Command {
  return cmd
    .option('--metrics-file <file.prom>', 'write the run\'s metrics in Prometheus text format (textfile collector)')
    .option('--metrics-push <url>', 'PUT the run\'s metrics to a Prometheus Pushgateway at <url> (a failed push only warns)');
}

export { collect };

/** `--var a=1 --var b=2` → { a: '1', b: '2' }. */
export function parseVars(pairs: readonly string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    vars[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return vars;
}
