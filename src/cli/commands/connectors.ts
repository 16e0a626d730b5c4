import type { ConnectorDefinition } from '../../connectors/define.js';
import { UsageError } from '../../core/errors.js';
import type { TransformDefinition } from '../../transforms/define.js';
import type { CliContext } from '../context.js';
import { loadRegistry } from '../load.js';
import { connectorRoles, renderComponentPage } from '../render/connector-docs.js';
import { optionRows, type JsonSchema } from '../render/schema-options.js';
import { renderTable } from '../render/table.js';

export interface ConnectorsFlags {
  readonly markdown?: boolean;
  readonly plugin?: readonly string[];
}

function optionsText(title: string, schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const rows = optionRows(schema).map((r) => [
    r.key,
    r.type,
    r.default ?? '',
    r.required ? 'yes' : '',
    r.description + (r.secret ? ' (secret)' : '') + (r.advanced ? ' (advanced)' : ''),
  ]);
  if (!rows.length) return [title, '  (no options)', ''];
  return [title, ...renderTable(['key', 'type', 'default', 'required', 'description'], rows).map((l) => '  ' + l), ''];
}

function connectorPage(def: ConnectorDefinition): string[] {
  const lines = [`${def.name} — ${def.summary}`, `roles: ${connectorRoles(def).join(', ')} · status: ${def.status}`];
  if (def.extensions?.length) lines.push(`extensions: ${def.extensions.join(', ')}`);
  if (def.url_schemes?.length) lines.push(`URL schemes: ${def.url_schemes.join(', ')}`);
  if (def.sink) lines.push(`modes: ${def.sink.capabilities.modes.join(', ')}`);
  lines.push('');
  if (def.docs.trim()) lines.push(def.docs.trim(), '');
  lines.push(...optionsText('connection options (connections:)', def.connection as JsonSchema | undefined));
  lines.push(...optionsText('source options (extract:)', def.source?.options as JsonSchema | undefined));
  lines.push(...optionsText('sink options (load:)', def.sink?.options as JsonSchema | undefined));
  for (const ex of def.examples.slice(0, 1)) lines.push(`example: ${ex.title}`, ...ex.yaml.trimEnd().split('\n').map((l) => '  ' + l), '');
  return lines;
}

function transformPage(def: TransformDefinition): string[] {
  const lines = [`${def.name} — ${def.summary}`, `transform · status: ${def.status}${def.stateful ? ' · stateful' : ''}`, ''];
  if (def.docs.trim()) lines.push(def.docs.trim(), '');
  lines.push(...optionsText('options (transform:)', def.options as JsonSchema));
  for (const ex of def.examples.slice(0, 1)) lines.push(`example: ${ex.title}`, ...ex.yaml.trimEnd().split('\n').map((l) => '  ' + l), '');
  return lines;
}

/** Lists connectors and transforms, or prints one's docs and options (from its schemas). */
export async function connectorsCommand(cli: CliContext, name: string | undefined, flags: ConnectorsFlags): Promise<void> {
  const registry = await loadRegistry({ plugins: flags.plugin ?? [] });
  if (!name) {
    const rows = registry.connectors.map((c) => [c.name, connectorRoles(c).join(', '), c.status, c.summary]);
    cli.out('connectors:');
    for (const l of renderTable(['name', 'roles', 'status', 'summary'], rows)) cli.out('  ' + l);
    cli.out('');
    cli.out('transforms:');
    const trows = registry.transforms.map((t) => [t.name, t.status, t.summary]);
    for (const l of renderTable(['name', 'status', 'summary'], trows)) cli.out('  ' + l);
    cli.out('');
    cli.out('run `etl-cli connectors <name>` for a component\'s options');
    return;
  }
  const connector = registry.connector(name);
  const transform = registry.transform(name);
  if (!connector && !transform) {
    const known = [...registry.connectors.map((c) => c.name), ...registry.transforms.map((t) => t.name)];
    throw new UsageError(`unknown connector or transform "${name}"`, { hint: `known: ${known.join(', ')}` });
  }
  if (connector) {
    const text = flags.markdown ? renderComponentPage(connector, 'connector').split('\n') : connectorPage(connector);
    for (const l of text) cli.out(l);
  }
  if (transform) {
    const text = flags.markdown ? renderComponentPage(transform, 'transform').split('\n') : transformPage(transform);
    for (const l of text) cli.out(l);
  }
}
