import type { ConnectorDefinition } from '../../connectors/define.js';
import type { TransformDefinition } from '../../transforms/define.js';
import type { Registry } from '../../registry.js';
import { optionRows, type JsonSchema, type OptionRow } from './schema-options.js';

/** Generated from the connector and transform definitions: never edit the output by hand. */
export function connectorRoles(def: ConnectorDefinition): string[] {
  const roles: string[] = [];
  if (def.source) roles.push('source');
  if (def.sink) roles.push('sink');
  if (def.connection) roles.push('connection');
  return roles;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function flags(row: OptionRow): string {
  const marks = [row.secret ? 'secret' : '', row.advanced ? 'advanced' : ''].filter(Boolean);
  return marks.length ? ` _(${marks.join(', ')})_` : '';
}

/** A markdown options table: key, type, default, required, description. */
export function optionsMarkdown(schema: JsonSchema | undefined): string[] {
  const rows = optionRows(schema);
  if (!rows.length) return ['_no options_'];
  const lines = ['| key | type | default | required | description |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    lines.push(`| \`${r.key}\` | ${cell(r.type)} | ${r.default !== undefined ? `\`${cell(r.default)}\`` : ''} | ${r.required ? 'yes' : ''} | ${cell(r.description)}${flags(r)} |`);
  }
  return lines;
}

function connectorSection(def: ConnectorDefinition): string[] {
  const lines = [`### ${def.name}`, '', def.summary, ''];
  const facts = [`roles: ${connectorRoles(def).join(', ')}`, `status: ${def.status}`];
  if (def.extensions?.length) facts.push(`extensions: ${def.extensions.join(', ')}`);
  if (def.url_schemes?.length) facts.push(`URL schemes: ${def.url_schemes.map((s) => `${s}:`).join(', ')}`);
  if (def.sink) facts.push(`modes: ${def.sink.capabilities.modes.join(', ')}`);
  if (def.source?.capabilities.incremental) facts.push('incremental');
  lines.push(facts.join(' · '), '');
  const parts: [string, JsonSchema | undefined][] = [
    ['Connection options (`connections:`)', def.connection as JsonSchema | undefined],
    ['Source options (`extract:`)', def.source?.options as JsonSchema | undefined],
    ['Sink options (`load:`)', def.sink?.options as JsonSchema | undefined],
  ];
  for (const [title, schema] of parts) {
    if (!schema) continue;
    lines.push(`**${title}**`, '', ...optionsMarkdown(schema), '');
  }
  return lines;
}

function transformSection(def: TransformDefinition): string[] {
  const lines = [`### ${def.name}`, '', def.summary, ''];
  lines.push(`status: ${def.status}${def.stateful ? ' · stateful (memory grows with distinct keys)' : ''}`, '');
  lines.push(...optionsMarkdown(def.options as JsonSchema), '');
  return lines;
}

/** The whole generated README section: an index table, then one section per component. */
export function renderConnectorDocs(registry: Registry): string {
  const lines = ['## Connectors', '', '| connector | roles | summary |', '| --- | --- | --- |'];
  for (const c of registry.connectors) lines.push(`| [${c.name}](#${c.name}) | ${connectorRoles(c).join(', ')} | ${cell(c.summary)} |`);
  lines.push('');
  for (const c of registry.connectors) lines.push(...connectorSection(c));
  lines.push('## Transforms', '', '| transform | summary |', '| --- | --- |');
  for (const t of registry.transforms) lines.push(`| [${t.name}](#${t.name}) | ${cell(t.summary)} |`);
  lines.push('');
  for (const t of registry.transforms) lines.push(...transformSection(t));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** The markdown page of one connector or transform (with its docs body). */
export function renderComponentPage(def: ConnectorDefinition | TransformDefinition, kind: 'connector' | 'transform'): string {
  const section = kind === 'connector' ? connectorSection(def as ConnectorDefinition) : transformSection(def as TransformDefinition);
  const [head, ...rest] = section;
  const body = def.docs.trim() ? ['', def.docs.trim(), ''] : [];
  return [head, ...rest.slice(0, 3), ...body, ...rest.slice(3)].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
