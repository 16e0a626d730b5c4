/** Markdown body for `connectors mysql` and the README. */
export const MYSQL_DOCS = `Reads and writes MySQL (5.7, 8.x) and MariaDB (10.3+) through \`mysql2\`.

**Connection.** \`url\` (mysql://user:password@host:3306/database, \`mariadb://\` too; query
\`ssl=require\`, \`connect_timeout=5\`, \`socket=/path\`) or \`host\`, \`port\`, \`socket\`, \`user\`,
\`password\`, \`database\`; fields next to \`url\` override its parts. \`ssl\`: false | 'require' |
true / 'verify-full'. \`connect_timeout_secs\` (default 10) always applies. Every session runs
with \`time_zone = '+00:00'\`; the driver keeps values exact (BIGINT and DECIMAL as strings, dates
as text). Lost connections, too many connections, deadlocks (1213) and lock wait timeouts (1205)
are retried with the pipeline's \`retry:\` policy. Passwords never appear in messages.

**Source.** \`table\` (optionally \`database.table\`, with \`columns\`) or \`query\` with \`params\`
bound as \`?\` (escaped by the driver, never spliced). Rows are streamed (the socket is paused
while a batch waits), so memory stays flat. Types:

| MySQL / MariaDB | canonical | value |
| --- | --- | --- |
| TINYINT(1) / BOOLEAN | boolean | non-zero is true (MySQL has no real boolean type; BOOLEAN is TINYINT(1)) |
| TINYINT (other widths), SMALLINT, MEDIUMINT, INT, YEAR | integer | number |
| BIGINT | integer | number when safe, else bigint |
| DECIMAL(p,s) | decimal | the exact decimal string |
| FLOAT, DOUBLE | number | number |
| DATE | date | 'YYYY-MM-DD' |
| DATETIME(n) | timestamp | '2024-01-02T03:04:05.123456' (no zone: as stored) |
| TIMESTAMP(n) | timestamp (with zone) | '2024-01-02T03:04:05.123456Z' (UTC) |
| JSON (MariaDB's JSON alias too) | json | parsed JSON |
| BLOB, BINARY, VARBINARY, BIT | binary | Uint8Array |
| CHAR, VARCHAR, TEXT, ENUM, SET, TIME, others | string | the text form |

Zero dates ('0000-00-00') are read as NULL. With \`incremental: { column }\` the query becomes
\`SELECT * FROM (<query>) AS src WHERE src.\\\`col\\\` > ? [AND src.\\\`col\\\` <= ?] ORDER BY src.\\\`col\\\`\`;
ISO timestamp bounds are bound as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.

**Sink.** Rows go in multi-row \`INSERT\` statements (1000 rows per statement, at most 4 MiB of
SQL each; 1000 measured slightly faster than 500 on MariaDB 10.11, see the tests). The write
session uses a strict \`sql_mode\`, so an over-long or invalid value fails instead of being
silently truncated. The table must use a transactional engine (InnoDB); MyISAM/MEMORY targets
are refused before writing.
- \`append\`: START TRANSACTION, INSERTs, COMMIT. A failed or interrupted run rolls back and
  leaves the table as it was.
- \`overwrite\`: \`DELETE FROM t\` and the INSERTs in one transaction, so a failed run keeps the
  old rows. (TRUNCATE would be faster but commits implicitly in MySQL, so it is not used.)
- \`upsert\` (needs \`key\`): \`INSERT … ON DUPLICATE KEY UPDATE c = VALUES(c)\` (MariaDB, MySQL
  before 8.0.19) or \`INSERT … AS _etl_new ON DUPLICATE KEY UPDATE c = _etl_new.c\` (MySQL 8.0.19+;
  the server is detected with \`SELECT VERSION()\`), in one transaction; the last row per key wins.
  The table must have a PRIMARY KEY or UNIQUE index on exactly the key columns, otherwise the run
  fails before writing (it never silently appends). Note that MySQL applies the update when ANY
  unique index of the table matches. A table it creates gets \`PRIMARY KEY (key)\`.
- Rows the server refuses (data too long, duplicate key in append, NOT NULL, out of range,
  invalid date, foreign key, CHECK) are isolated: InnoDB rolls back only the failed statement,
  its rows are retried one by one, and each refused row goes to the dead-letter output with the
  server's message (\`refused by the server: Data too long for column 'name' at row 1\`); the
  other rows are written. Connection and SQL errors fail the run instead.
- \`create_table\` (default true) creates a missing table (\`ENGINE=InnoDB\`, utf8mb4, and the
  database of a \`database.table\` name if missing): integer → BIGINT, number → DOUBLE, decimal →
  DECIMAL(p,s) (DECIMAL(65,30) when the precision is unknown: exact, but values read back with
  30 decimals), string → LONGTEXT (VARCHAR(255) for key columns, as TEXT cannot be a key without
  a length), boolean → BOOLEAN, date → DATE, timestamp → DATETIME(6) holding UTC (offsets are
  converted), json → JSON, binary → LONGBLOB (VARBINARY(255) for key columns).
- DDL (CREATE TABLE, ALTER TABLE) commits implicitly in MySQL, so it runs before the load's
  transaction: a failed first run can leave the new, empty table behind (rerunning is safe).
- \`on_schema_change\`: \`fail\` (default), \`add_columns\` (ALTER TABLE … ADD COLUMN) or \`ignore\`.
  Column names compare case-insensitively, as MySQL does.
- \`commit_every: N\` commits every N rows; not allowed with \`overwrite\`.
- Identifiers are always quoted with backticks: \`table: sales.orders\` is database "sales",
  table "orders"; write \`'"my.db".orders'\` to keep a dot in a part.
`;
