import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ConnectorDefinition } from '../../../connectors/define.js';
import { ConfigError, UsageError } from '../../../core/errors.js';
import { isSecretKey } from '../../../core/secrets.js';
import type { Registry } from '../../../registry.js';
import type { CliContext } from '../../context.js';
import { loadRegistry } from '../../load.js';
import type { JsonSchema } from '../../render/schema-options.js';
import { answerFields, coerce, parseSets, requiredFields, setPath, type Ask, type Field } from './from-schema.js';
import { askText, chooseOne, makeAsk } from './prompts.js';
import { fromTemplate } from './template-mode.js';
import { listTemplates } from './templates.js';

export interface CreateFlags {
  readonly template?: string;
  readonly source?: string;
  readonly sink?: string;
  readonly name?: string;
  readonly set?: readonly string[];
  readonly yes?: boolean;
  readonly force?: boolean;
  readonly plugin?: readonly string[];
}

const NAME = /^[A-Za-z0-9_.-]+$/;

async function pickConnector(registry: Registry, role: 'source' | 'sink', given: string | undefined, ask: Ask | undefined): Promise<ConnectorDefinition> {
  const candidates = registry.connectors.filter((c) => c[role]);
  const flag = role === 'source' ? '--source' : '--sink';
  let name = given;
  if (name === undefined) {
    if (!ask) throw new UsageError(`missing ${flag} (or --template)`, { hint: `${flag} one of: ${candidates.map((c) => c.name).join(', ')}` });
    name = await chooseOne(`${role}:`, candidates.map((c) => ({ name: `${c.name} — ${c.summary}`, value: c.name })));
  }
  const def = candidates.find((c) => c.name === name);
  if (!def) throw new UsageError(`${flag} ${name}: no ${role} connector of that name`, { hint: `one of: ${candidates.map((c) => c.name).join(', ')}` });
  return def;
}

function stageFields(def: ConnectorDefinition, role: 'source' | 'sink'): Field[] {
  const stage = role === 'source' ? 'extract' : 'load';
  const conn = role === 'source' ? 'source' : 'target';
  const fields = def.connection ? requiredFields(def.connection as JsonSchema, `connections.${conn}`, `connection ${conn}`) : [];
  return [...fields, ...requiredFields(def[role]?.options as JsonSchema, stage, stage)];
}

/** Source + sink mode: asks (or takes from --set) each required option of both. */
async function fromConnectors(registry: Registry, flags: CreateFlags, name: string, ask: Ask | undefined): Promise<Record<string, unknown>> {
  const source = await pickConnector(registry, 'source', flags.source, ask);
  const sink = await pickConnector(registry, 'sink', flags.sink, ask);
  const doc: Record<string, unknown> = { version: 1, name };
  const connections: Record<string, unknown> = {};
  const extract: Record<string, unknown> = { type: source.name };
  const load: Record<string, unknown> = { type: sink.name };
  if (source.connection) (connections['source'] = { type: source.name }), (extract['connection'] = 'source');
  if (sink.connection) (connections['target'] = { type: sink.name }), (load['connection'] = 'target');
  if (Object.keys(connections).length) doc['connections'] = connections;
  Object.assign(doc, { extract, load });
  const fields = [...stageFields(source, 'source'), ...stageFields(sink, 'sink')];
  const sets = parseSets(flags.set ?? []);
  for (const [path, value] of await answerFields(fields, sets, ask)) setPath(doc, path, value);
  const asked = new Set(fields.map((f) => f.path));
  for (const [path, text] of sets) if (!asked.has(path)) setPath(doc, path, coerce(text, optionSchema(source, sink, path), path));
  return doc;
}

/** The schema of a `--set` path that was not asked (optional options), so secrets stay secret. */
function optionSchema(source: ConnectorDefinition, sink: ConnectorDefinition, path: string): JsonSchema | undefined {
  const parts = path.split('.');
  const key = parts.at(-1) ?? '';
  const objects: Record<string, JsonSchema | undefined> = {
    extract: source.source?.options as JsonSchema | undefined,
    load: sink.sink?.options as JsonSchema | undefined,
    'connections.source': source.connection as JsonSchema | undefined,
    'connections.target': sink.connection as JsonSchema | undefined,
  };
  const found = objects[parts.slice(0, -1).join('.')]?.properties?.[key];
  if (found) return found;
  return isSecretKey(key) ? { type: 'string', writeOnly: true } : undefined;
}

/** JSON pointers of values written as ${env:NAME} where NAME is not set here (filled at run time). */
function deferredPointers(value: unknown, pointer: string, out: Set<string>): Set<string> {
  if (typeof value === 'string') {
    const m = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (m && process.env[m[1] as string] === undefined) out.add(pointer);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) deferredPointers(v, `${pointer}/${k}`, out);
  }
  return out;
}

/**
 * Validates the text in process with the same loader `validate` uses; throws if invalid. Values
 * left to environment variables that are not set here are filled with a placeholder, and
 * problems with those values alone are not held against the file.
 */
async function validateText(cli: CliContext, registry: Registry, text: string, file: string): Promise<void> {
  const environment: Record<string, string | undefined> = { ...process.env };
  for (const m of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g)) environment[m[1] as string] ??= 'placeholder';
  const [{ loadPipelineText }, { parse }] = await Promise.all([import('../../../core/config/index.js'), import('yaml')]);
  const deferred = deferredPointers(parse(text) as unknown, '', new Set());
  const result = await loadPipelineText(text, file, { registry, environment, cwd: dirname(file) });
  cli.secrets = result.secrets;
  const errors = result.issues.filter((i) => i.severity === 'error' && !deferred.has(i.path));
  if (errors.length) throw new ConfigError(errors, `the pipeline it would write is invalid, nothing was written (${errors.length} problem${errors.length === 1 ? '' : 's'})`);
}

async function chooseMode(flags: CreateFlags, ask: Ask | undefined): Promise<string | undefined> {
  if (flags.template || flags.source || flags.sink || !ask) return flags.template;
  const templates = await listTemplates();
  const choice = await chooseOne('start from', [
    ...templates.map((t) => ({ name: `template ${t.name}${t.description ? ` — ${t.description}` : ''}`, value: t.name })),
    { name: 'choose a source and a sink connector', value: '' },
  ]);
  return choice || undefined;
}

/** `create [file]`: writes a new pipeline that passes `validate`, asking only what it must. */
export async function createCommand(cli: CliContext, fileArg: string | undefined, flags: CreateFlags): Promise<void> {
  const interactive = !flags.yes && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
  const ask = interactive ? await makeAsk() : undefined;
  if (fileArg && existsSync(fileArg) && !flags.force) throw new UsageError(`${fileArg} exists; nothing written`, { hint: 'pass --force to overwrite it' });
  const registry = await loadRegistry({ plugins: flags.plugin ?? [] });
  const template = await chooseMode(flags, ask);
  const fallback = fileArg ? basename(fileArg).replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') : template ? template.replace(/-/g, '_') : `${flags.source ?? 'source'}_to_${flags.sink ?? 'sink'}`;
  const name = flags.name ?? (ask ? await askText('pipeline name', fallback) : fallback);
  if (!NAME.test(name)) throw new UsageError(`--name ${name}: use letters, digits, _, . and - only`);
  const file = resolve(fileArg ?? `${name}.yml`);
  if (existsSync(file) && !flags.force) throw new UsageError(`${fileArg ?? `${name}.yml`} exists; nothing written`, { hint: 'pass --force to overwrite it' });
  const text = template
    ? await fromTemplate(template, name, parseSets(flags.set ?? []), ask)
    : await renderNew(await fromConnectors(registry, flags, name, ask));
  const written = flags.plugin?.length ? await withPlugins(text, flags.plugin, dirname(file)) : text;
  await validateText(cli, registry, written, file);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, written, { flag: flags.force ? 'w' : 'wx' });
  const shown = fileArg ?? `${name}.yml`;
  cli.out(`wrote ${shown}`);
  cli.out(`next: etl-cli validate ${shown} && etl-cli dry-run ${shown}`);
}

/** `--plugin` specs written into the file as `plugins:` (paths made relative to the file). */
async function withPlugins(text: string, specs: readonly string[], dir: string): Promise<string> {
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text);
  const rebased = specs.map((s) => {
    if (!s.startsWith('.') && !isAbsolute(s)) return s;
    const rel = relative(dir, resolve(s)).split(sep).join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  });
  doc.set('plugins', rebased);
  return doc.toString();
}

async function renderNew(doc: Record<string, unknown>): Promise<string> {
  const { Document } = await import('yaml');
  const out = new Document(doc);
  out.commentBefore = ' Created by `etl-cli create`. Options: `etl-cli connectors <type>`; check: `etl-cli validate <file>`.';
  return out.toString();
}
