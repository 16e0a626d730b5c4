import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Plan } from '../../core/plan/types.js';
import type { CliContext } from '../context.js';
import { parseVars, type CommonFlags } from '../flags.js';
import { acceptLoad, loadRegistry } from '../load.js';

export type Doc = Record<string, unknown>;

/** The pipeline file as a plain document (for commands that swap its source or sink). */
export async function readDocument(file: string): Promise<Doc> {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check the path of the pipeline file' });
  }
  const { parse } = await import('yaml');
  const doc = parse(text) as unknown;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file} is not a pipeline (a YAML mapping)`);
  return doc as Doc;
}

/** The sinks of a document as a list (`load:` may be one sink or a list). */
export function sinksOf(doc: Doc): Doc[] {
  const load = doc['load'];
  return (Array.isArray(load) ? load : [load]).filter((s): s is Doc => Boolean(s) && typeof s === 'object');
}

/**
 * Loads a rewritten document through the same loader as the file itself, with the file's path
 * (relative paths, `--env` overlays) and the common flags.
 */
export async function loadDocument(
  cli: CliContext,
  file: string,
  doc: Doc,
  flags: Pick<CommonFlags, 'var' | 'env' | 'plugin'>,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Plan> {
  const [{ stringify }, { loadPipelineText }, registry] = await Promise.all([
    import('yaml'), import('../../core/config/index.js'), loadRegistry({ file, plugins: flags.plugin ?? [] }),
  ]);
  const result = await loadPipelineText(stringify(doc), resolve(file), {
    registry,
    vars: parseVars(flags.var),
    ...(flags.env ? { env: flags.env } : {}),
    environment,
  });
  return acceptLoad(cli, result, file);
}
