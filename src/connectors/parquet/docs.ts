/** Markdown for `etl-cli connectors parquet` and the README. */
export const parquetDocs = `
Reads Parquet with hyparquet (+ hyparquet-compressors: snappy, gzip, brotli, zstd, lz4, lz4_raw)
one row group at a time, so memory is bounded by the largest row group, and writes Parquet
with hyparquet-writer, flushing each row group as soon as it is full.

## Source

Reads the footer, then each row group in turn (only the \`columns:\` asked for are decoded).
The schema is known before reading (\`knows_schema\`). Each row's position is the file, its
1-based row number and its row group.

| Parquet | canonical | value |
| --- | --- | --- |
| INT32, INT64, INT(8/16/32/64, signed or not) | integer | number; bigint beyond 2^53 (never rounded) |
| FLOAT, DOUBLE, FLOAT16 | number | |
| DECIMAL on INT32 / INT64 / FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY | decimal (precision, scale) | exact string with the column's scale: \`"123.45"\` |
| BOOLEAN | boolean | |
| DATE | date | \`YYYY-MM-DD\` |
| TIMESTAMP(MILLIS / MICROS / NANOS) | timestamp | ISO string with 3 / 6 / 6-or-9 fraction digits, \`Z\` when isAdjustedToUTC (legacy TIMESTAMP_MILLIS/MICROS count as UTC) |
| INT96 (Impala/Spark) | timestamp (no zone) | ISO string with 6 digits, 9 when the nanoseconds are not zero |
| TIME(MILLIS / MICROS / NANOS) | string | \`HH:MM:SS.fff…\` |
| BYTE_ARRAY UTF8 / STRING, ENUM, UUID | string | |
| BYTE_ARRAY JSON, GEOMETRY / GEOGRAPHY (GeoJSON), VARIANT | json | |
| BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY without annotation, BSON, INTERVAL | binary | Uint8Array |
| LIST, MAP, structs (groups), repeated fields | json | nested values: 64-bit integers beyond 2^53 as strings, bytes as UTF-8 text (base64 when not UTF-8), nested decimals as JSON numbers |

Timestamps never go through \`Date\`, so micro- and nanoseconds are kept. Plain BYTE_ARRAY
columns (no UTF8 annotation, as Impala writes strings) are binary: declare the intent
downstream, or re-write the file with a string annotation.

**Errors.** A damaged or unreadable file stops the run with \`E_PARQUET_READ\` and one line
naming the file and the part (footer, schema, row group N). A column chunk larger than 512 MiB
uncompressed is refused the same way before anything is allocated (JavaScript cannot hold it,
and a corrupt footer may claim it). Parquet cannot be read from stdin.

**Conformance** (apache/parquet-testing \`data/\`, checked by the tests): every file is read except
\`large_string_map.brotli.parquet\` (a 2 GiB string column chunk: refused by the 512 MiB limit).
In \`bad_data/\`, every file fails with \`E_PARQUET_READ\` except \`ARROW-GH-43605.parquet\`, which is
valid (RLE dictionary indices with bit width 0, i.e. all index 0; the bug was a reader crash)
and reads its 21,186 rows.

## Sink

Writes to a temp file next to \`path\` and renames it at the end: a failed or interrupted run
leaves no file. Rows are buffered up to \`row_group_size\` (default 25,000), then that row group is
encoded, compressed and written before more rows are taken: peak memory grows with the row
group size (about 250 MB at 25k rows of 10 columns, 600 MB at 100k).

| canonical | Parquet |
| --- | --- |
| integer | INT64 |
| number | DOUBLE |
| decimal | DECIMAL(precision, scale): INT32 up to 9 digits, INT64 up to 18, FIXED_LEN_BYTE_ARRAY beyond. From the column's precision/scale when the source knows them; otherwise the scale is the most fractional digits in the first row group and the precision 18 (38 when the first row group needs more) |
| boolean | BOOLEAN |
| date | DATE (INT32) |
| timestamp | TIMESTAMP(MICROS) on INT64, isAdjustedToUTC when the column has a zone (or, when unknown, when a value of the first row group has one); NANOS when the first row group has sub-microsecond digits |
| string | BYTE_ARRAY UTF8 |
| json | BYTE_ARRAY JSON |
| binary | BYTE_ARRAY |

- Every column is OPTIONAL (nullable). The schema is fixed at the first row group: a column that
  first appears later is not written (a warning says so).
- A value that cannot be written exactly (\`1.234\` into DECIMAL(18,2), \`abc\` into INT64, a
  timestamp with nanoseconds into a MICROS column) sends its row to the dead letters.
- \`compression\`: \`snappy\` (default), \`gzip\`, \`brotli\`, \`uncompressed\`; \`zstd\` needs Node.js
  ≥ 22.15 (zlib's zstd) and is a clear error before anything is written on older versions.
- Zoned timestamps are stored as UTC instants; reading them back gives \`…Z\`.
`;
