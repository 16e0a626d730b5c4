/** Markdown body for `connectors postgres` and the README. */
export const POSTGRES_DOCS = `Reads and writes PostgreSQL (9.6+) through \`pg\`.

**Connection.** \`url\` (postgres://user:password@host:port/database?sslmode=require) or \`host\`,
\`port\`, \`user\`, \`password\`, \`database\`; fields given next to \`url\` override its parts.
\`ssl\`: false | 'require' (encrypted, certificate not checked) | true / 'verify-full' (certificate
and host name checked). \`connect_timeout_secs\` (default 10) always applies, so a silent host
never hangs a run. Connection refused/reset, 57P01, 08xxx, 40001 and 40P01 are retried with the
pipeline's \`retry:\` policy. Passwords never appear in messages.

**Source.** \`table\` (optionally \`schema.table\`, with \`columns\` to pick columns) or \`query\` with
\`params\` bound as \`$1, $2…\`. Rows stream through a server-side cursor in batches of
\`batch_size\`, so memory stays flat. The session runs in UTC. Types map exactly:

| PostgreSQL | canonical | value |
| --- | --- | --- |
| smallint, integer | integer | number |
| bigint | integer | number when safe, else bigint |
| numeric(p,s) | decimal | the exact decimal string |
| real, double precision | number | number |
| boolean | boolean | boolean |
| date | date | 'YYYY-MM-DD' |
| timestamp | timestamp | '2024-01-02T03:04:05.123456' |
| timestamptz | timestamp (with zone) | '2024-01-02T03:04:05.123456Z' |
| json, jsonb | json | parsed JSON |
| bytea | binary | Uint8Array |
| arrays | json | JSON arrays (bigint elements beyond 2^53 as strings) |
| text, varchar, char, uuid, others | string | the text form |

With \`incremental: { column }\` the query becomes
\`SELECT * FROM (<query>) AS src WHERE src."col" > $n [AND src."col" <= $m] ORDER BY src."col"\`
with the bounds bound as parameters.

**Partitioned reads.** \`partition: { column, count }\` (with \`table\`) reads
\`SELECT min(col), max(col)\` first, splits that span into \`count\` equal-width ranges (by value,
not by row count: a skewed key gives uneven ranges) and reads them over \`count\` connections at
once, merged into one stream. Rows come back unordered. The key must be an integer, date or
timestamp column (ideally indexed); rows with a NULL key are read with the first range. With
\`incremental\` every range query also carries the window, and the watermark is the max over
all ranges, saved after the sink committed as usual.

**Streams.** \`streams: [sales.orders, sales.customers]\` (or a pattern \`"sales.*"\`, matched
against \`schema.table\` names from \`information_schema.tables\`) reads each table as \`table:\`;
see \`streams\` in the README.

**State table.** \`state: { connection: <postgres connection>, table: etl_state }\` keeps
watermarks in a table (created on the first save: \`pipeline, stream, watermark, updated_at,
run_id\`, primary key \`(pipeline, stream)\`), each save its own short transaction after the
sink committed. Reads never create it (dry-run writes nothing).

**Sink.** Rows are loaded with \`COPY … FROM STDIN (FORMAT csv)\` in ~64 KiB writes, one COPY for
the whole load (one per batch, under a savepoint, when \`errors.max_rejects\` allows refused rows).
- \`append\`: one transaction: create the table if needed, COPY, COMMIT. A failed or interrupted
  run rolls back and leaves the table as it was.
- \`overwrite\`: one transaction: TRUNCATE, COPY, COMMIT. TRUNCATE is transactional in PostgreSQL,
  so a failed run keeps the old contents (readers wait on the table lock until the commit).
- \`upsert\` (needs \`key\`): COPY into a temporary staging table (\`ON COMMIT DROP\`), then
  \`INSERT INTO t (…) SELECT … ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c\`, all in one
  transaction. Rows with the same key in one run are deduplicated first, the last one wins.
  The update is skipped for rows whose values did not change (\`WHERE (t.*) IS DISTINCT FROM
  (EXCLUDED.*)\`, json and other types without equality compared as text): rerunning the same
  data rewrites nothing, and update triggers fire only for real changes.
  The table must have a primary key or unique index on exactly the key columns; otherwise the
  run fails before writing (it never silently appends). A table it creates gets \`PRIMARY KEY (key)\`.
- \`create_table\` (default true) creates a missing table (and schema) with this type map:
  integer → bigint, number → double precision, decimal → numeric(p,s) (numeric when p is
  unknown), string → text, boolean → boolean, date → date, timestamp → timestamp (timestamptz
  when the column has a zone), json → jsonb, binary → bytea.
- \`on_schema_change\` when the table exists and the input has columns it lacks: \`fail\`
  (default), \`add_columns\` (ALTER TABLE … ADD COLUMN, in the load's transaction) or \`ignore\`
  (those columns are not written). Table columns missing from the input get NULL/their default.
- \`commit_every: N\` commits every N rows, each chunk its own transaction. A failure then keeps the
  chunks committed before it (append: rerunning appends them again; upsert makes reruns safe).
  Not allowed with \`overwrite\`.
- Identifiers are always quoted: \`table: Sales.Orders\` means schema "Sales", table "Orders"
  exactly as written; quote a part to keep a dot in it: \`'"my.schema".orders'\`.
- Rows the server refuses (SQLSTATE classes 22 and 23: NOT NULL, CHECK, foreign keys, other unique
  indexes, a value too long, a NUL character) are rejects with the server's message. With no
  \`errors.max_rejects\` the first one fails the run (exit 3), the transaction rolls back and the
  row (named by the COPY error's line) is in the dead letter. With \`max_rejects\` each batch is
  its own COPY under a savepoint; a refused batch is rolled back to it and loaded again without
  the refused row (named by the COPY error's line, or found by halving the batch), and an upsert
  merge the server refuses is redone in ranges of the staged rows. That costs some throughput
  (a wait for the server after each batch) and more when many rows are refused.
- \`dry-run\` reads the catalog to print the exact statements; it never writes.
`;
