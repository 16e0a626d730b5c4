import type { ConnectorDefinition } from './connectors/define.js';
import type { TransformDefinition } from './transforms/define.js';
import { csv } from './connectors/csv/index.js';
import { ndjson } from './connectors/ndjson/index.js';
import { json } from './connectors/json/index.js';
import { xml } from './connectors/xml/index.js';
import { parquet } from './connectors/parquet/index.js';
import { postgres } from './connectors/postgres/index.js';
import { sqlite } from './connectors/sqlite/index.js';
import { rest } from './connectors/rest/index.js';
import { mysql } from './connectors/mysql/index.js';
import { oracle } from './connectors/oracle/index.js';
import { builtinTransforms } from './transforms/index.js';

/**
 * The one explicit list of built-in connectors. Importing a definition is cheap: drivers are
 * only imported by each definition's load().
 */
export const builtinConnectors: readonly ConnectorDefinition[] = [
  csv, ndjson, json, xml, parquet, postgres, sqlite, mysql, oracle, rest,
] as unknown as readonly ConnectorDefinition[];

export interface Registry {
  readonly connectors: readonly ConnectorDefinition[];
  readonly transforms: readonly TransformDefinition[];
  connector(name: string): ConnectorDefinition | undefined;
  transform(name: string): TransformDefinition | undefined;
}

/** Builds a registry from the built-ins plus any plugin definitions (plugins win no ties). */
export function createRegistry(
  extra: { connectors?: readonly ConnectorDefinition[]; transforms?: readonly TransformDefinition[] } = {},
): Registry {
  const connectors = [...builtinConnectors, ...(extra.connectors ?? [])];
  const transforms = [...(builtinTransforms as unknown as readonly TransformDefinition[]), ...(extra.transforms ?? [])];
  const byConnector = new Map(connectors.map((c) => [c.name, c]));
  const byTransform = new Map(transforms.map((t) => [t.name, t]));
  return {
    connectors,
    transforms,
    connector: (name) => byConnector.get(name),
    transform: (name) => byTransform.get(name),
  };
}
