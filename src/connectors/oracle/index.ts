import { defineConnector, type ConnectorLintInput, type LintContext } from '../define.js';
import type { Issue } from '../../core/issues.js';
import { lintConnectionUrl, lintSqlStage } from '../sql/lint.js';
import { ORACLE_DOCS } from './docs.js';
import { connectionSchema, sinkSchema, sourceSchema } from './schema.js';
import { parseOracleUrl } from './url.js';

/** The oracle connector (node-oracledb Thin mode, an optional dependency). */
export const oracle = defineConnector({
  name: 'oracle',
  summary: 'Oracle Database tables and queries (oracledb Thin mode): flashback and partitioned reads, executeMany loads, MERGE upserts',
  docs: ORACLE_DOCS,
  status: 'experimental',
  connection: connectionSchema,
  source: { options: sourceSchema, capabilities: { incremental: true, knows_schema: true, partitioned: true } },
  sink: { options: sinkSchema, capabilities: { modes: ['append', 'overwrite', 'upsert'], transactional: true, atomic_replace: false } },
  url_schemes: ['oracle'],
  connectionFromUrl: parseOracleUrl,
  examples: [
    {
      title: 'Incremental extract from Oracle into PostgreSQL with upsert',
      yaml: `version: 1
name: orders_from_oracle
connections:
  legacy: { type: oracle, user: etl, password: "\${env:ORACLE_PASSWORD}", connect_string: "db.internal:1521/ORCLPDB1" }
  warehouse: { type: postgres, url: "\${env:WAREHOUSE_URL}" }
extract:
  type: oracle
  connection: legacy
  query: SELECT order_id, amount, updated_at FROM sales.orders WHERE status = :status
  params: { status: OPEN }
  incremental: { column: UPDATED_AT, initial: "2024-01-01" }
load:
  type: postgres
  connection: warehouse
  table: analytics.orders
  mode: upsert
  key: [ORDER_ID]
`,
    },
    {
      title: 'A flashback snapshot of a table, read in key ranges',
      yaml: `version: 1
name: customers_snapshot
connections:
  legacy: { type: oracle, url: "\${env:ORACLE_URL}" }
extract:
  type: oracle
  connection: legacy
  table: crm.customers
  flashback: { timestamp: "2024-06-30T23:59:59Z" }
  partition: { column: customer_id, count: 8 }
load:
  type: parquet
  path: out/customers.parquet
`,
    },
  ],
  lint(input: ConnectorLintInput, ctx: LintContext): readonly Issue[] {
    const issues = [
      ...lintSqlStage(input, ctx, 'oracle', 'E_ORACLE', ':1, :2… or :name'),
      ...lintConnectionUrl(input, ctx, 'E_ORACLE_URL', 'oracle://user:password@host:1521/service_name', parseOracleUrl),
    ];
    const o = input.options;
    if (input.role === 'source' && o.flashback !== undefined && o.table === undefined) {
      issues.push(ctx.issue(`${input.path}/flashback`, 'E_ORACLE_FLASHBACK_NEEDS_TABLE', '`flashback` applies to `table` only', 'write AS OF … in the FROM clause of `query` yourself'));
    }
    return issues;
  },
  async load() {
    const { oracleRuntime } = await import('./runtime.js');
    return oracleRuntime;
  },
});
