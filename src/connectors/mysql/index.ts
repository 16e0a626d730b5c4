import { defineConnector, type ConnectorLintInput, type LintContext } from '../define.js';
import type { Issue } from '../../core/issues.js';
import { lintConnectionUrl, lintSqlStage } from '../sql/lint.js';
import { MYSQL_DOCS } from './docs.js';
import { connectionSchema, sinkSchema, sourceSchema } from './schema.js';
import { parseMysqlUrl } from './url.js';

/** The mysql connector (MySQL and MariaDB): streamed reads, batched INSERT loads, ON DUPLICATE KEY upserts. */
export const mysql = defineConnector({
  name: 'mysql',
  summary: 'MySQL and MariaDB tables and queries: streamed reads, transactional batched loads and upserts',
  docs: MYSQL_DOCS,
  status: 'beta',
  connection: connectionSchema,
  source: { options: sourceSchema, capabilities: { incremental: true, knows_schema: true } },
  sink: { options: sinkSchema, capabilities: { modes: ['append', 'overwrite', 'upsert'], transactional: true, atomic_replace: false } },
  url_schemes: ['mysql', 'mariadb'],
  dead_letter_table: true,
  connectionFromUrl: parseMysqlUrl,
  examples: [
    {
      title: 'Incremental extract of a MySQL table to NDJSON',
      yaml: `version: 1
name: shop_orders_export
connections:
  shop: { type: mysql, url: "\${env:SHOP_MYSQL_URL}" }
extract:
  type: mysql
  connection: shop
  table: shop.orders
  incremental: { column: updated_at, initial: "2024-01-01" }
load:
  type: ndjson
  path: out/orders.ndjson
`,
    },
    {
      title: 'Upsert a CSV file into MariaDB',
      yaml: `version: 1
name: customers_to_mariadb
connections:
  crm: { type: mysql, host: db.internal, database: crm, user: etl, password: "\${env:MYSQL_PASSWORD}" }
extract:
  type: csv
  path: data/customers.csv
load:
  type: mysql
  connection: crm
  table: customers
  mode: upsert
  key: [id]
`,
    },
  ],
  lint(input: ConnectorLintInput, ctx: LintContext): readonly Issue[] {
    return [
      ...lintSqlStage(input, ctx, 'mysql', 'E_MYSQL', '?, ?…'),
      ...lintConnectionUrl(input, ctx, 'E_MYSQL_URL', 'mysql://user:password@host:3306/database', parseMysqlUrl),
    ];
  },
  async load() {
    const { mysqlRuntime } = await import('./runtime.js');
    return mysqlRuntime;
  },
});
