import { defineConnector } from '../define.js';
import { sqliteDocs, sqliteExamples } from './docs.js';
import { lintSqlite, sqliteConnectionFromUrl } from './lint.js';
import { connectionSchema, sinkSchema, sourceSchema } from './schema.js';

/**
 * The sqlite connector: source and sink for a database file. Cheap to import; the driver
 * (node:sqlite or better-sqlite3) is found only in load().
 */
export const sqlite = defineConnector({
  name: 'sqlite',
  summary: 'SQLite database file (embedded, no server): read a table or query, write with append/overwrite/upsert',
  docs: sqliteDocs,
  status: 'beta',
  connection: connectionSchema,
  source: {
    options: sourceSchema,
    capabilities: { incremental: true, knows_schema: true, streams: true },
  },
  sink: {
    options: sinkSchema,
    capabilities: { modes: ['append', 'overwrite', 'upsert'], transactional: true, atomic_replace: false, single_writer: true },
  },
  examples: sqliteExamples,
  extensions: ['.db', '.sqlite', '.sqlite3'],
  url_schemes: ['sqlite'],
  dead_letter_table: true,
  connectionFromUrl: sqliteConnectionFromUrl,
  lint: lintSqlite,
  async load() {
    const { loadSqliteRuntime } = await import('./runtime.js');
    return loadSqliteRuntime();
  },
});
