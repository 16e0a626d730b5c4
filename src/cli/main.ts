import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, InterruptedError } from '../core/errors.js';
import { CliContext } from './context.js';
import { collect, keyValue, positiveInt, withCommonFlags, withMetricsFlag, withPluginFlag, type CommonFlags } from './flags.js';
import { printError, toCliError } from './render/error.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Applies the output flags before anything can fail, so errors already follow --log-format. */
function configure(cli: CliContext, flags: Partial<CommonFlags>): void {
  cli.quiet = Boolean(flags.quiet);
  cli.verbose = Boolean(flags.verbose);
  cli.logFormat = flags.logFormat === 'json' ? 'json' : 'text';
}

function addPipelineCommands(program: Command, cli: CliContext): void {
  withMetricsFlag(withCommonFlags(program.command('run').argument('<pipeline.yml>').description('run a pipeline and print a summary')))
    .option('--limit <n>', 'stop after N source rows', positiveInt)
    .option('--full-refresh', 'ignore the stored watermark and read everything')
    .option('--force', 'take the run lock even if another run holds it')
    .option('--from <value>', 'backfill: start of the incremental range')
    .option('--to <value>', 'backfill: end of the incremental range (inclusive)')
    .action(async (file: string, flags) => {
      configure(cli, flags);
      await (await import('./commands/run.js')).runCommand(cli, file, flags);
    });
  withCommonFlags(program.command('validate').argument('<files...>').description('check pipeline files: every problem with file:line:col'))
    .option('--connections', 'also open every connection and check tables/files/endpoints exist')
    .action(async (files: string[], flags) => {
      configure(cli, flags);
      await (await import('./commands/validate.js')).validateCommand(cli, files, flags);
    });
  withCommonFlags(program.command('dry-run').argument('<pipeline.yml>').description('extract and transform, write nothing; say what would be done'))
    .option('--limit <n>', 'stop after N source rows', positiveInt)
    .action(async (file: string, flags) => {
      configure(cli, flags);
      await (await import('./commands/dry-run.js')).dryRunCommand(cli, file, flags);
    });
  withCommonFlags(program.command('debug').argument('<pipeline.yml>').description('run stage by stage on a sample and show each stage'))
    .option('--stage <n>', 'stop after stage N (0 = extract)', positiveInt)
    .option('--limit <n>', 'sample rows shown per stage (default 10; at least 100 rows are processed)', positiveInt)
    .option('--step', 'wait for Enter between stages (interactive terminals only)')
    .action(async (file: string, flags) => {
      configure(cli, flags);
      await (await import('./commands/debug.js')).debugCommand(cli, file, flags);
    });
  withCommonFlags(program.command('state').argument('<pipeline.yml>').description('show, reset or set the incremental state of a pipeline'))
    .option('--reset', 'clear the stored watermark (of one stream with --stream)')
    .option('--set <value>', 'set the stored watermark (of one stream with --stream)')
    .option('--stream <name>', 'a stream of `extract.streams`: show, reset or set only its watermark')
    .action(async (file: string, flags) => {
      configure(cli, flags);
      await (await import('./commands/state.js')).stateCommand(cli, file, flags);
    });
}

function addToolCommands(program: Command, cli: CliContext): void {
  withCommonFlags(program.command('test').argument('[files...]', '<pipeline>.test.yml files (default: all under the current directory)').description('run pipeline test cases offline: input rows in, expected output and rejects'))
    .action(async (files: string[], flags) => {
      configure(cli, flags);
      await (await import('./commands/test.js')).testCommand(cli, files, flags);
    });
  withCommonFlags(program.command('replay').argument('[dead-letter]', 'the NDJSON dead-letter file (not needed with --run-id)').description('send fixed rejected rows back through a pipeline\'s sink'))
    .requiredOption('-p, --pipeline <pipeline.yml>', 'the pipeline whose sink gets the rows')
    .option('--run-id <id>', 'replay this run\'s rows of the pipeline\'s dead-letter table (errors.dead_letter: { connection, table })')
    .option('--transforms', 'also run the pipeline\'s transform steps on the rows')
    .addOption(new Option('--mode <mode>', 'write mode (default: append, or the sink\'s upsert)').choices(['append', 'overwrite', 'upsert']))
    .action(async (deadLetter: string | undefined, flags) => {
      configure(cli, flags);
      await (await import('./commands/replay.js')).replayCommand(cli, deadLetter, flags);
    });
  withPluginFlag(program.command('create')).argument('[file]', 'file to write (default <name>.yml)')
    .description('write a new pipeline file (wizard; or flags with --yes)')
    .option('--template <name>', 'start from a template in templates/')
    .option('--source <type>', 'source connector')
    .option('--sink <type>', 'sink connector')
    .option('--name <name>', 'pipeline name')
    .option('--set <key=value>', 'set an option, e.g. extract.path=data.csv (repeatable)', (v: string, p: string[] | undefined) => collect(keyValue(v), p))
    .option('-y, --yes', 'ask nothing; missing required options are an error')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string | undefined, flags) => {
      await (await import('./commands/create/index.js')).createCommand(cli, file, flags);
    });
  withPluginFlag(program.command('schema').description('print the pipeline JSON Schema (for editors)'))
    .action(async (flags: { plugin?: string[] }) => {
      await (await import('./commands/schema.js')).schemaCommand(cli, flags);
    });
  withPluginFlag(program.command('connectors')).argument('[name]', 'a connector or transform').description('list connectors and transforms, or show one\'s options')
    .option('--markdown', 'print markdown (as in the README)')
    .action(async (name: string | undefined, flags) => {
      await (await import('./commands/connectors.js')).connectorsCommand(cli, name, flags);
    });
  withMetricsFlag(withCommonFlags(program.command('copy').argument('<from>').argument('<to>').description('copy data from a file or URL to a file or URL, no pipeline file')))
    .option('--query <sql>', 'query to read (database sources)')
    .option('--table <name>', 'table to read or write (databases)')
    .addOption(new Option('--mode <mode>', 'how to write the target').choices(['append', 'overwrite', 'upsert']))
    .option('--key <columns>', 'key columns for upsert, comma separated')
    .option('--delimiter <char>', 'CSV delimiter (both sides)')
    .option('--limit <n>', 'stop after N rows', positiveInt)
    .option('--from-format <ext>', 'format of <from> when it is - (stdin)')
    .option('--to-format <ext>', 'format of <to> when it is - (stdout)')
    .action(async (from: string, to: string, flags) => {
      configure(cli, flags);
      await (await import('./commands/copy.js')).copyCommand(cli, from, to, flags);
    });
}

export function buildProgram(cli: CliContext): Command {
  const program = new Command('etl-cli')
    .description('Command-line ETL: YAML pipelines from files and databases, with dead letters, run locks and dry-runs')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => cli.stderr.write(cli.redact(s)), writeOut: (s) => cli.stdout.write(s) });
  addPipelineCommands(program, cli);
  addToolCommands(program, cli);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Maps any error to the SPEC exit code, printing it (unless commander already did). */
function exitCodeFor(cli: CliContext, err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; everything else commander rejects is bad usage
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Invalid;
  }
  if (err && typeof err === 'object' && (err as Error).name === 'ExitPromptError') {
    printError(cli, new InterruptedError());
    return ExitCode.Interrupted;
  }
  const etl = toCliError(cli, err);
  printError(cli, etl);
  return etl.exitCode;
}

function installSignals(controller: AbortController): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count += 1;
    if (count > 1) process.exit(ExitCode.Interrupted);
    controller.abort(new InterruptedError(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** The one entry point and the one try/catch: error → exit code → process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  const cli = new CliContext(controller.signal);
  const uninstall = installSignals(controller);
  // `etl-cli connectors | head`: a closed pipe is not an error worth a stack trace
  const onPipeError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  };
  process.stdout.on('error', onPipeError);
  try {
    await buildProgram(cli).parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(cli, err);
  } finally {
    uninstall();
  }
}
