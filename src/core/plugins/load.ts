import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorDefinition } from '../../connectors/define.js';
import type { TransformDefinition } from '../../transforms/define.js';
import { ConfigError } from '../errors.js';
import type { Issue, Location } from '../issues.js';
import { connectorProblems, normalizeConnector, normalizeTransform, transformProblems } from './shape.js';

/** One `plugins:` entry or `--plugin` flag. */
export interface PluginRequest {
  /** an npm package name, or a path to a .js/.mjs file. */
  readonly spec: string;
  /** relative paths resolve against it, and packages are looked up from it first. */
  readonly dir: string;
  /** where packages are looked up, in order (default [dir]); then `fallbackDir`. */
  readonly lookup?: readonly string[];
  /** where the spec is written (a `plugins:` entry), for file:line:col in errors. */
  readonly location?: Location;
  /** JSON pointer of the entry ('/plugins/0'); '' for a flag. */
  readonly path?: string;
}

export interface LoadPluginsOptions {
  /** second place packages are looked up (the current directory). */
  readonly fallbackDir?: string;
  /** names plugins may not take; default: the built-in connectors and transforms. */
  readonly reserved?: { readonly connectors: readonly string[]; readonly transforms: readonly string[] };
}

export interface LoadedPlugin {
  readonly spec: string;
  readonly file: string;
  readonly connectors: readonly string[];
  readonly transforms: readonly string[];
}

export interface LoadedPlugins {
  readonly connectors: readonly ConnectorDefinition[];
  readonly transforms: readonly TransformDefinition[];
  readonly plugins: readonly LoadedPlugin[];
}

type Obj = Record<string, unknown>;

class PluginProblem extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /\.(m?js|cjs|ts)$/i.test(spec);
}

/** The file a spec names: a path against `dir`, or a package from `dir` then `fallbackDir`. */
export function resolvePlugin(spec: string, dir: string, fallbackDir?: string, lookup: readonly string[] = [dir]): string {
  if (isPathSpec(spec)) {
    const file = resolve(dir, spec);
    if (!['.js', '.mjs'].includes(extname(file).toLowerCase())) {
      throw new PluginProblem(`${spec}: a plugin file must be a .js or .mjs module`, 'build TypeScript plugins to JavaScript first');
    }
    if (!existsSync(file)) throw new PluginProblem(`${spec}: no such file (${file})`, 'relative plugin paths resolve against the pipeline file\'s directory');
    return file;
  }
  const bases = [...new Set([...lookup, fallbackDir].filter((d): d is string => d !== undefined))];
  for (const base of bases) {
    try {
      return createRequire(join(base, 'package.json')).resolve(spec);
    } catch {
      // not installed here: try the next place
    }
  }
  throw new PluginProblem(`${spec}: package not found from ${bases.join(' or ')}`, `install it (npm install ${spec}) next to the pipeline, or give a path to its .js file`);
}

function listOf(mod: Obj, key: 'connectors' | 'transforms'): unknown[] | undefined {
  const def = mod['default'];
  const value = mod[key] ?? (def !== null && typeof def === 'object' ? (def as Obj)[key] : undefined);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new PluginProblem(`\`${key}\` must be an array of definitions`);
  return value;
}

function label(def: unknown, i: number, kind: string): string {
  const name = def !== null && typeof def === 'object' ? (def as Obj)['name'] : undefined;
  return typeof name === 'string' ? `${kind} "${name}"` : `${kind} #${i + 1}`;
}

/** Imports one plugin and checks every definition; throws a PluginProblem listing what is wrong. */
async function loadOne(spec: string, file: string): Promise<{ connectors: ConnectorDefinition[]; transforms: TransformDefinition[] }> {
  let mod: Obj;
  try {
    mod = (await import(pathToFileURL(file).href)) as Obj;
  } catch (err) {
    throw new PluginProblem(`${spec}: cannot import ${file}: ${(err as Error).message}`, 'run the module with `node` to see the error');
  }
  const connectors = listOf(mod, 'connectors');
  const transforms = listOf(mod, 'transforms');
  if (!connectors && !transforms) {
    throw new PluginProblem(`${spec}: exports no \`connectors\` or \`transforms\``, 'export `connectors: [...]` and/or `transforms: [...]` (or a default export with them)');
  }
  const problems = [
    ...(connectors ?? []).flatMap((d, i) => connectorProblems(d).map((p) => `${label(d, i, 'connector')}: ${p}`)),
    ...(transforms ?? []).flatMap((d, i) => transformProblems(d).map((p) => `${label(d, i, 'transform')}: ${p}`)),
  ];
  if (problems.length) throw new PluginProblem(`${spec}: ${problems.join('; ')}`, 'see docs/plugins.md for the definition shape');
  return { connectors: (connectors ?? []).map((d) => normalizeConnector(d as Obj)), transforms: (transforms ?? []).map((d) => normalizeTransform(d as Obj)) };
}

async function builtinNames(): Promise<{ connectors: string[]; transforms: string[] }> {
  const { builtinConnectors } = await import('../../registry.js');
  const { builtinTransforms } = await import('../../transforms/index.js');
  return { connectors: builtinConnectors.map((c) => c.name), transforms: builtinTransforms.map((t) => t.name) };
}

function issueOf(req: PluginRequest, problem: PluginProblem): Issue {
  return {
    severity: 'error', code: 'E_PLUGIN', path: req.path ?? '', message: `plugin ${problem.message}`,
    ...(req.location ? { location: req.location } : {}), ...(problem.hint ? { hint: problem.hint } : {}),
  };
}

/**
 * Loads plugin modules and returns their connector and transform definitions, checked and ready
 * for `createRegistry({ connectors, transforms })`. Every problem (missing module, bad shape,
 * a name taken by a built-in or another plugin) is reported at once as a ConfigError (exit 2).
 */
export async function loadPlugins(requests: readonly PluginRequest[], options: LoadPluginsOptions = {}): Promise<LoadedPlugins> {
  const issues: Issue[] = [];
  const connectors: ConnectorDefinition[] = [];
  const transforms: TransformDefinition[] = [];
  const plugins: LoadedPlugin[] = [];
  const seenFiles = new Set<string>();
  const owner = new Map<string, string>();
  const reserved = options.reserved ?? (await builtinNames());
  for (const name of reserved.connectors) owner.set(`c:${name}`, 'a built-in connector');
  for (const name of reserved.transforms) owner.set(`t:${name}`, 'a built-in transform');
  for (const req of requests) {
    try {
      const file = resolvePlugin(req.spec, req.dir, options.fallbackDir, req.lookup);
      if (seenFiles.has(file)) continue; // the same module from the file and a flag
      seenFiles.add(file);
      const loaded = await loadOne(req.spec, file);
      const clashes = [
        ...loaded.connectors.map((c) => [`c:${c.name}`, `connector "${c.name}"`] as const),
        ...loaded.transforms.map((t) => [`t:${t.name}`, `transform "${t.name}"`] as const),
      ].flatMap(([key, what]) => (owner.has(key) ? [`${what} is already ${owner.get(key)}`] : (owner.set(key, `defined by plugin ${req.spec}`), [])));
      if (clashes.length) throw new PluginProblem(`${req.spec}: ${clashes.join('; ')}`, 'rename the plugin\'s definition: names must be unique');
      connectors.push(...loaded.connectors);
      transforms.push(...loaded.transforms);
      plugins.push({ spec: req.spec, file, connectors: loaded.connectors.map((c) => c.name), transforms: loaded.transforms.map((t) => t.name) });
    } catch (err) {
      if (!(err instanceof PluginProblem)) throw err;
      issues.push(issueOf(req, err));
    }
  }
  if (issues.length) throw new ConfigError(issues, `cannot load plugin${issues.length === 1 ? '' : 's'} (${issues.length} problem${issues.length === 1 ? '' : 's'})`);
  return { connectors, transforms, plugins };
}
