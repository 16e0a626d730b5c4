import { defineConnector, type ConnectorLintInput, type LintContext } from '../define.js';
import type { Issue } from '../../core/issues.js';
import { connectionSchema, sinkSchema, sourceSchema } from './schema.js';
import { parsePostgresUrl } from './url.js';
import { POSTGRES_DOCS } from './docs.js';

/** The postgres connector: pg-cursor extracts, COPY loads, staging + ON CONFLICT upserts. */
export const postgres = defineConnector({
  name: 'postgres',
  summary: 'PostgreSQL tables and queries: streaming reads, COPY loads, transactional upserts',
  docs: POSTGRES_DOCS,
  status: 'stable',
  connection: connectionSchema,
  source: { options: sourceSchema, capabilities: { incremental: true, knows_schema: true, partitioned: true, streams: true } },
  sink: { options: sinkSchema, capabilities: { modes: ['append', 'overwrite', 'upsert'], transactional: true, atomic_replace: false } },
  url_schemes: ['postgres', 'postgresql'],
  dead_letter_table: true,
  connectionFromUrl: parsePostgresUrl,
  examples: [
    {
      title: 'Incremental extract of a table to CSV',
      yaml: `version: 1
name: orders_export
connections:
  warehouse: { type: postgres, url: "\${env:WAREHOUSE_URL}" }
extract:
  type: postgres
  connection: warehouse
  table: analytics.orders
  incremental: { column: updated_at, initial: "2024-01-01" }
load:
  type: csv
  path: out/orders.csv
`,
    },
    {
      title: 'Upsert a CSV file into a table',
      yaml: `version: 1
name: customers_load
connections:
  warehouse: { type: postgres, host: db.internal, database: warehouse, user: etl, password: "\${env:PGPASSWORD}" }
extract:
  type: csv
  path: data/customers.csv
load:
  type: postgres
  connection: warehouse
  table: crm.customers
  mode: upsert
  key: [id]
`,
    },
  ],
  lint: lintPostgres,
  async load() {
    const { postgresRuntime } = await import('./runtime.js');
    return postgresRuntime;
  },
});

function lintPostgres(input: ConnectorLintInput, ctx: LintContext): readonly Issue[] {
  const o = input.options;
  const at = (key: string): string => `${input.path}/${key}`;
  const issues: Issue[] = [];
  if (input.role === 'source') {
    if ((o.table === undefined) === (o.query === undefined)) {
      issues.push(ctx.issue(input.path, 'E_PG_TABLE_OR_QUERY', 'postgres source needs exactly one of `table` or `query`', 'use `table: schema.name` or `query: SELECT …`'));
    }
    if (o.columns !== undefined && o.table === undefined) {
      issues.push(ctx.issue(at('columns'), 'E_PG_COLUMNS_NEED_TABLE', '`columns` only applies with `table`', 'list the columns in the SELECT of `query` instead'));
    }
    if (o.params !== undefined && o.query === undefined) {
      issues.push(ctx.issue(at('params'), 'E_PG_PARAMS_NEED_QUERY', '`params` only applies with `query`', 'reference them as $1, $2… in `query`'));
    }
    if (o.partition !== undefined && o.table === undefined) {
      issues.push(ctx.issue(at('partition'), 'E_PG_PARTITION_NEEDS_TABLE', '`partition` only applies with `table`', 'read a table, or drop `partition` for a query'));
    }
    const part = o.partition as { column?: unknown } | undefined;
    if (Array.isArray(o.columns) && typeof part?.column === 'string' && !o.columns.includes(part.column)) {
      issues.push(ctx.issue(at('partition'), 'E_PG_PARTITION_COLUMN', `the partition column \`${part.column}\` is not in \`columns\``, `add ${part.column} to \`columns\``));
    }
  } else if (input.role === 'sink') {
    // upsert without `key` is reported for every sink by the core (E_UPSERT_KEY)
    if (o.mode === 'overwrite' && o.commit_every !== undefined) {
      issues.push(ctx.issue(at('commit_every'), 'E_PG_OVERWRITE_COMMIT_EVERY', '`commit_every` cannot be used with mode overwrite (the replace must be one transaction)', 'remove `commit_every`, or use mode upsert'));
    }
  } else if (input.role === 'connection' && typeof o.url === 'string' && !o.url.includes('${')) {
    try {
      parsePostgresUrl(o.url);
    } catch (err) {
      issues.push(ctx.issue(at('url'), 'E_PG_URL', (err as Error).message, 'postgres://user:password@host:5432/database'));
    }
  }
  return issues;
}
