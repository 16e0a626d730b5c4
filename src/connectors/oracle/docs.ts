/** Markdown body for `connectors oracle` and the README. */
export const ORACLE_DOCS = `Reads and writes Oracle Database (12c+) through \`oracledb\` in Thin mode (pure JavaScript,
no Instant Client). \`oracledb\` is an optional dependency: without it a run fails with
\`E_ORACLE_DRIVER\` and the hint \`npm install oracledb\`.

**Status: experimental: not verified against a live server.** The SQL generation, type mapping,
bind conversion, error classification and connect options are unit-tested; no Oracle database was
available to run the reads and writes end to end.

**Connection.** \`user\`, \`password\`, \`connect_string\` (Easy Connect \`host:1521/service_name\` or a
full descriptor), or \`url\` (oracle://user:password@host:1521/service_name). \`connect_timeout_secs\`
(default 10) sets both \`connectTimeout\` and \`transportConnectTimeout\`: a listener that accepts the
TCP connection and never answers would otherwise hang for minutes. \`call_timeout_secs\` (default
3600) bounds every round trip (\`callTimeout\`). Each session runs \`ALTER SESSION SET TIME_ZONE =
'UTC'\` with fixed NLS date, timestamp and numeric formats. ORA-12170, 12541, 12514, 03113, 03135,
00060 (deadlock) and other connection errors are retried with the pipeline's \`retry:\` policy;
ORA-00942/00904/01017 are configuration errors; ORA-01400, 00001, 12899, 01722 are data errors.

**Names.** Oracle folds unquoted names to upper case. etl-cli treats a simple lower-case name
(\`orders\`, \`sales.order_items\`) as the unquoted name, i.e. \`"ORDERS"\`, \`"SALES"."ORDER_ITEMS"\`;
any other name (\`Orders\`, \`my table\`) is quoted exactly as written. Column names come back as the
database stores them (usually upper case: \`ID\`, \`UPDATED_AT\`).

**Source.** \`table\` (with \`columns\`) or \`query\` with \`params\`: a list bound to \`:1, :2…\` by
position, or a map bound to \`:name\`. Rows come from a result set, \`batch_size\` rows per
\`getRows()\`, so memory stays flat. \`flashback: { timestamp: "…" }\` reads the table \`AS OF
TIMESTAMP FROM_TZ(TO_TIMESTAMP(:1, 'YYYY-MM-DD HH24:MI:SS.FF'), 'UTC')\` and \`flashback: { scn: N }\`
reads it \`AS OF SCN :1\`; the value is always a bind. \`partition: { column, count }\` first runs
\`SELECT MIN(col), MAX(col)\`, then \`count\` range queries (\`col >= :a AND col < :b\`, the last
\`<=\`) and one for NULL keys, read one after another on one connection (smaller queries that
can use an index; not concurrent, so the output order and memory stay those of one read). It
cannot be combined with \`incremental\`. Types (a fetchTypeHandler keeps values exact):

| Oracle | canonical | value |
| --- | --- | --- |
| NUMBER(p,0), p ≤ 19 | integer | number when safe, else bigint |
| NUMBER, NUMBER(p,s), FLOAT | decimal | the exact decimal text ('0.5', never through a double) |
| BINARY_FLOAT, BINARY_DOUBLE | number | number |
| DATE | timestamp | '2024-01-02T03:04:05' (no zone) |
| TIMESTAMP(n) | timestamp | '2024-01-02T03:04:05.123456' |
| TIMESTAMP(n) WITH TIME ZONE | timestamp (with zone) | '2024-01-02T03:04:05.123456+02:00' (UTC as Z) |
| TIMESTAMP WITH LOCAL TIME ZONE | timestamp (with zone) | UTC, '…Z' |
| CLOB, NCLOB, VARCHAR2, CHAR, … | string | the text |
| BLOB, RAW | binary | Uint8Array |
| JSON (21c) | json | parsed JSON |

**Sink.** One transaction per run (\`autoCommit\` off, COMMIT at the end, ROLLBACK on any error or
interrupt). Each batch is one \`executeMany\` with \`batchErrors: true\`: rows the database refuses
(NULL into NOT NULL, too long, bad number, constraint) go to the dead-letter output with their
ORA- message and the others are written.
- \`append\`: \`INSERT INTO t (…) VALUES (:1, …)\`.
- \`overwrite\`: \`DELETE FROM t\` then the inserts, in the same transaction (TRUNCATE is DDL and
  commits implicitly, so it is not used).
- \`upsert\` (needs \`key\`): \`MERGE INTO t USING (SELECT :1 "ID", … FROM dual) s ON (t."ID" = s."ID")
  WHEN MATCHED THEN UPDATE … WHEN NOT MATCHED THEN INSERT …\`, once per row through executeMany
  (the last row per key wins). The table needs a primary key or unique index on the key columns,
  otherwise the run fails before writing.
- \`create_table\` (default true): integer → NUMBER(19), number → BINARY_DOUBLE, decimal →
  NUMBER(p,s) (NUMBER when p is unknown), string → VARCHAR2(4000 CHAR) (VARCHAR2(1000 CHAR) for
  key columns; longer text is refused row by row: create a CLOB column yourself), boolean →
  NUMBER(1), date → DATE, timestamp → TIMESTAMP(6) (TIMESTAMP(6) WITH TIME ZONE when the column has
  a zone; values are written in UTC), json → CLOB, binary → BLOB (RAW(2000) for key columns).
  DDL commits implicitly in Oracle, so CREATE/ALTER TABLE runs before the load's transaction.
- \`on_schema_change\`: \`fail\` (default), \`add_columns\` (\`ALTER TABLE … ADD (…)\`) or \`ignore\`.
- \`commit_every: N\` commits every N rows; not allowed with \`overwrite\`.
`;
