import type { ConnectorExample } from '../define.js';

/** Markdown for `connectors sqlite` and the README. Kept apart so index.ts stays short. */
export const sqliteDocs = `
Reads and writes a SQLite database file: the embedded default database, no server needed.
Give the file as \`path:\` on the stage, or as a \`connections:\` entry (\`path\`, \`busy_timeout_ms\`
(default 5000), \`read_only\`). Relative paths resolve against the pipeline file; \`:memory:\` is a
throwaway database. In \`copy\`, \`sqlite:path/to.db\` or \`sqlite:///abs/path.db\` or a file ending in
\`.db\`, \`.sqlite\`, \`.sqlite3\` with \`--table\` selects it.

**Driver.** On Node ≥ 22.5 etl-cli uses the built-in \`node:sqlite\` module (StatementSync.iterate
needs 22.13+); on older Node it uses the \`better-sqlite3\` package when it is installed. The driver
is loaded only when a sqlite stage runs, so \`--help\`, \`validate\` and pipelines without SQLite never
pay for it and never fail because of it. Without either, a run stops with \`E_SQLITE_DRIVER\`:
install better-sqlite3 (\`npm install better-sqlite3\`) or upgrade Node. Both drivers are synchronous,
so work is done in batches and the event loop (progress, Ctrl-C) gets a turn between them.

**Source.** \`table\` or \`query\` (with \`params\` bound to \`?\` placeholders, never spliced into SQL).
Column types come from declared types: INTEGER → integer (bigint beyond 2^53), REAL/FLOAT/DOUBLE →
number, DECIMAL/NUMERIC → decimal string, BOOLEAN → boolean (0/1), DATE → date, DATETIME/TIMESTAMP
→ ISO timestamp (SQLite's \`YYYY-MM-DD HH:MM:SS\` gets a \`T\`; integers are unix seconds), JSON →
parsed JSON, BLOB → binary, TEXT/CHAR → string. Expressions without a declared type are inferred
from the first batch. A stored value that does not fit its declared type (SQLite allows that) is
rejected with its reason. Incremental reads wrap the query:
\`SELECT * FROM (<query>) AS src WHERE src."col" > ? [AND src."col" <= ?] ORDER BY src."col"\`
(a \`table:\` source filters the table directly). A DATETIME/TIMESTAMP column is compared as
\`replace(col, ' ', 'T')\` so rows stored as \`YYYY-MM-DD HH:MM:SS\` match the ISO watermark; that
comparison cannot use an index. A NUMERIC(p,s) column holds REALs (SQLite's affinity); the declared
scale formats them back (\`1.10\`).

**Sink.** \`table\`, \`mode\` (append | overwrite | upsert), \`key\` (upsert), \`create_table\` (default
true), \`on_schema_change\` (fail | add_columns | ignore), \`commit_every\`. Each run is one
transaction (\`BEGIN IMMEDIATE\` … \`COMMIT\`, \`ROLLBACK\` on error or Ctrl-C): a failed or killed run
leaves the table as it was. \`overwrite\` is \`DELETE FROM\` plus inserts in that same transaction.
\`upsert\` is \`INSERT … ON CONFLICT (key) DO UPDATE SET c = excluded.c\`; it needs a PRIMARY KEY or
UNIQUE index on exactly \`key\` (a table it creates gets \`PRIMARY KEY (key)\`), and fails clearly
when an existing table has none: it never silently appends. A row SQLite refuses (NOT NULL,
CHECK, another UNIQUE index) is rejected to the dead letter; the rest of the run goes on.

Tables it creates use these declared types, chosen so every value stays exact and reads back as
the same canonical type:

| canonical | declared type | stored as |
| --- | --- | --- |
| integer | INTEGER | INTEGER (64-bit) |
| number | REAL | REAL |
| decimal | DECIMAL_TEXT(p,s) | TEXT, exact (the name contains TEXT, so SQLite never turns it into a lossy REAL) |
| string | TEXT | TEXT |
| boolean | BOOLEAN | INTEGER 0/1 |
| date | DATE | TEXT 'YYYY-MM-DD' |
| timestamp | TIMESTAMP (TIMESTAMPTZ with a zone) | TEXT, ISO-8601 with microseconds |
| json | JSON_TEXT | TEXT (JSON) |
| binary | BLOB | BLOB |

A table name is always one quoted identifier, taken literally (\`a.b\` is a table named "a.b").
Reading and writing the same file in one pipeline works best in WAL mode
(\`PRAGMA journal_mode=WAL\` once on the file).
`.trim();

export const sqliteExamples: readonly ConnectorExample[] = [
  {
    title: 'CSV into a SQLite table, upserting by id',
    yaml: `version: 1
name: orders_to_sqlite
extract:
  type: csv
  path: data/orders.csv
load:
  type: sqlite
  path: out/orders.db
  table: orders
  mode: upsert
  key: [id]
`,
  },
  {
    title: 'Incremental read from a SQLite connection into CSV',
    yaml: `version: 1
name: sqlite_changes
connections:
  app: { type: sqlite, path: app.db, read_only: true }
extract:
  type: sqlite
  connection: app
  query: SELECT id, email, updated_at FROM users WHERE active = ?
  params: [1]
  incremental: { column: updated_at, initial: "2024-01-01" }
load:
  type: csv
  path: out/users.csv
`,
  },
];
