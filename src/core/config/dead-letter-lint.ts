import type { LintContext } from '../../connectors/define.js';
import type { Issue } from '../issues.js';
import type { Registry } from '../../registry.js';
import { suggestion } from './did-you-mean.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `errors.dead_letter: { connection, table }`: the connection exists and its connector can hold a
 * dead-letter table (`dead_letter_table` in its definition). Pure: nothing is opened.
 */
export function lintDeadLetter(doc: Obj, connections: Obj, registry: Registry, ctx: LintContext): Issue[] {
  const errors = doc['errors'];
  const dl = isObject(errors) ? errors['dead_letter'] : undefined;
  if (!isObject(dl) || typeof dl['connection'] !== 'string') return [];
  const name = dl['connection'];
  const path = '/errors/dead_letter/connection';
  const typeOf = (n: string): string | undefined => {
    const c = connections[n];
    return isObject(c) && typeof c['type'] === 'string' ? c['type'] : undefined;
  };
  if (connections[name] === undefined) {
    return [ctx.issue(path, 'E_CONNECTION_MISSING', `connection \`${name}\` used by \`errors.dead_letter\` is not defined${suggestion(name, Object.keys(connections))}`)];
  }
  const type = typeOf(name);
  const def = type === undefined ? undefined : registry.connector(type);
  if (!def || def.dead_letter_table === true) return [];
  const able = Object.keys(connections).filter((n) => registry.connector(typeOf(n) ?? '')?.dead_letter_table === true);
  const kinds = registry.connectors.filter((c) => c.dead_letter_table).map((c) => c.name).join(', ');
  return [ctx.issue(path, 'E_DEAD_LETTER_UNSUPPORTED', `connection \`${name}\` (${type}) cannot hold a dead-letter table${able.length ? `; did you mean ${able.map((n) => `\`${n}\``).join(' or ')}?` : ''}`,
    `use a connection of type ${kinds}, or a file path: \`dead_letter: rejects/${String(doc['name'] ?? 'pipeline')}.ndjson\``)];
}
