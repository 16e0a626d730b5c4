import { resolve } from 'node:path';
import type { ConnectorDefinition } from '../../connectors/define.js';
import { UsageError } from '../../core/errors.js';
import { isSecretKey } from '../../core/secrets.js';
import type { Registry } from '../../registry.js';

/** One side of `copy`: the connector and the stage (and connection) options to write. */
export interface Endpoint {
  readonly def: ConnectorDefinition;
  readonly stage: Record<string, unknown>;
  readonly connection?: Record<string, unknown>;
  /** secret connection values, passed as ${env:NAME} so the loader registers them as secrets. */
  readonly env: Record<string, string>;
  /** `-`: stdin or stdout through a temporary file. */
  readonly stdio: boolean;
  /** the extension used (for the temporary file of `-`). */
  readonly ext?: string;
}

const URL_LIKE = /^([a-z][a-z0-9+.-]+):/i;

function knownFormats(registry: Registry, role: 'source' | 'sink'): string {
  const defs = registry.connectors.filter((c) => c[role]);
  const exts = [...new Set(defs.flatMap((c) => c.extensions ?? []))];
  const schemes = [...new Set(defs.flatMap((c) => c.url_schemes ?? []))].map((s) => `${s}:`);
  return `known extensions: ${exts.join(', ') || '(none)'}; URL schemes: ${schemes.join(', ') || '(none)'}`;
}

function byExtension(registry: Registry, name: string, role: 'source' | 'sink'): { def: ConnectorDefinition; ext: string } | undefined {
  const lower = name.toLowerCase();
  let best: { def: ConnectorDefinition; ext: string } | undefined;
  for (const def of registry.connectors) {
    if (!def[role]) continue;
    for (const ext of def.extensions ?? []) {
      if (lower.endsWith(ext.toLowerCase()) && (!best || ext.length > best.ext.length)) best = { def, ext };
    }
  }
  return best;
}

function byFormat(registry: Registry, format: string, role: 'source' | 'sink'): { def: ConnectorDefinition; ext: string } | undefined {
  const named = registry.connector(format.replace(/^\./, ''));
  if (named?.[role] && named.extensions?.length) return { def: named, ext: named.extensions[0] ?? `.${named.name}` };
  return byExtension(registry, format.startsWith('.') ? format : `.${format}`, role);
}

function fromUrl(def: ConnectorDefinition, url: string, side: 'from' | 'to'): Pick<Endpoint, 'connection' | 'env'> {
  if (!def.connectionFromUrl) throw new UsageError(`${def.name} does not accept URLs in copy`);
  let options: Record<string, unknown>;
  try {
    options = def.connectionFromUrl(url) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${side === 'from' ? '<from>' : '<to>'}: ${(err as Error).message}`);
  }
  const env: Record<string, string> = {};
  const connection: Record<string, unknown> = { type: def.name };
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'string' && (isSecretKey(key) || key === 'url' || key.endsWith('_url'))) {
      const name = `ETL_COPY_${side.toUpperCase()}_${key.toUpperCase()}`;
      env[name] = value;
      connection[key] = `\${env:${name}}`;
    } else connection[key] = value;
  }
  return { connection, env };
}

/** Resolves `<from>`/`<to>` into a connector and options: `-`, a URL, or a file by extension. */
export function resolveEndpoint(registry: Registry, arg: string, format: string | undefined, side: 'from' | 'to'): Endpoint {
  const role = side === 'from' ? 'source' : 'sink';
  const flag = side === 'from' ? '--from-format' : '--to-format';
  if (arg === '-') {
    if (!format) throw new UsageError(`${side === 'from' ? 'stdin' : 'stdout'} (-) needs ${flag} <ext>`, { hint: knownFormats(registry, role) });
    const hit = byFormat(registry, format, role);
    if (!hit) throw new UsageError(`unknown format "${format}" for ${flag}`, { hint: knownFormats(registry, role) });
    return { def: hit.def, stage: {}, env: {}, stdio: true, ext: hit.ext };
  }
  const scheme = URL_LIKE.exec(arg)?.[1]?.toLowerCase();
  const byScheme = scheme ? registry.connectors.find((c) => c[role] && c.url_schemes?.includes(scheme)) : undefined;
  if (byScheme) return { def: byScheme, stage: {}, ...fromUrl(byScheme, arg, side), stdio: false };
  const hit = format ? byFormat(registry, format, role) : byExtension(registry, arg, role);
  if (!hit) {
    throw new UsageError(`cannot tell the format of "${arg}"${format ? ` (${flag} ${format})` : ''}`, {
      hint: `${knownFormats(registry, role)}; or pass ${flag}`,
    });
  }
  return { def: hit.def, stage: { path: resolve(arg) }, env: {}, stdio: false, ext: hit.ext };
}

/** True when the connector's options for the role have this key. */
export function hasOption(def: ConnectorDefinition, role: 'source' | 'sink', key: string): boolean {
  const schema = def[role]?.options as { properties?: Record<string, unknown> } | undefined;
  return Boolean(schema?.properties && key in schema.properties);
}
