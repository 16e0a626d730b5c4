import type { Issue } from '../../core/issues.js';
import { defineConnector, type ConnectorLintInput, type LintContext } from '../define.js';
import { csvSinkOptions, csvSourceOptions } from './options.js';

const docs = `Reads and writes delimited text files (CSV, TSV), plain or gzip-compressed.

## Source
Streams the file in chunks (papaparse), in batches of \`batch_size\` rows, with bounded memory.
- \`path\` (required): file to read, relative to the pipeline file; \`-\` reads stdin. Templates \`{pipeline}\`, \`{date}\`, \`{run_id}\`.
- \`header\` (true): the first record holds the column names (spaces around them are trimmed); they must be unique and non-empty. \`false\` names columns \`column_1\`, \`column_2\`, …
- \`delimiter\` (\`,\`): field separator. For \`.tsv\` files set \`delimiter: "\\t"\` (a tab; the two characters \`\\t\` are accepted too): the delimiter is never guessed from the extension, and \`validate\` warns about a \`.tsv\` path without one.
- \`quote\` (\`"\`), \`escape\` (default: the quote): quoting per RFC 4180, where a quote inside a quoted field is doubled; set \`escape: "\\\\"\` for backslash-escaped quotes.
- \`encoding\` (utf8): any WHATWG label (utf8, utf16le, latin1, windows-1252, shift_jis…). A byte order mark is removed. Bytes that are invalid UTF-8/UTF-16 stop the run with an error naming the line.
- \`compression\` (auto): \`auto\` reads gzip when the name ends in \`.gz\` or the file starts with the gzip magic bytes; \`gzip\`; \`none\`.
- \`columns\`: types that override inference, e.g. \`{ id: integer, amount: decimal, zip: string }\`.
- \`infer\` (true): infer types from the first 1000 rows: integer (64-bit; beyond 2^53 as exact big integers), number, decimal (more than 15 significant digits, kept exact as text), boolean (\`true\`/\`false\`), date (\`YYYY-MM-DD\`), timestamp (ISO 8601, \`T\` or space, fraction up to 9 digits, optional zone; zone-less values are UTC), else string. Values with leading zeros such as \`00123\` keep the column a string. \`false\` keeps every column a string.
- \`null_values\` ([""]): field values read as null. A quoted empty field \`""\` is also empty text, so it is null too unless you set \`null_values: []\`.
- \`skip_lines\` (0): physical lines to skip before the header.
- \`max_record_bytes\` (67108864 = 64 MiB, at least 1024): the longest record read, counted over its text including quoted line breaks (in characters of decoded text, which is bytes for ASCII). A longer record is never held in memory: its text is skipped while quotes and lines are still tracked, it goes to the dead letter with its first 1 KiB followed by \`…\`, its line and the reason "record is longer than max_record_bytes (…)", and reading goes on at the next record with exact line numbers. A too-long header stops the run. Raise it to read larger fields. An unterminated quote followed by more than \`max_record_bytes\` of text is reported this way too.

Blank lines are skipped. Every rejected record goes to the dead letter with \`file:line\` of the line it starts on (quoted newlines counted): a record with the wrong number of fields, an unterminated quote (with its raw text) or longer than \`max_record_bytes\`, or a value that does not fit its column's type ("column amount: 'abc' is not a decimal", for instance when a later row breaks the type inferred from the first 1000 rows; set \`columns:\` to fix the type).

## Sink
Writes to a temporary file next to the target (\`.out.csv.tmp-<run_id>\`), fsyncs and renames it at the end, so a failed run never leaves a partial file.
- \`path\` (required): templates allowed; \`-\` writes stdout.
- \`mode\` (overwrite): \`overwrite\` replaces the file; \`append\` adds rows (no header when the file exists and is not empty). Append copies the existing file into the temporary file first, so its cost grows with the file's size.
- \`header\` (true), \`delimiter\` (\`,\`), \`quote\` (\`"\`), \`line_ending\` (\`"\\n"\` or \`"\\r\\n"\`), \`bom\` (false), \`null_value\` (\`""\`).
- \`compression\` (auto): gzip when the path ends in \`.gz\`; \`gzip\`; \`none\`.

Fields are quoted when they contain the delimiter, the quote, a line break, or start or end with a space. Values are written canonically: big integers as digits, decimals as their exact text, booleans \`true\`/\`false\`, timestamps as ISO 8601, binary as base64, JSON as JSON text.

## Example
\`\`\`yaml
extract: { type: csv, path: data/orders.csv, columns: { amount: decimal } }
load: { type: csv, path: out/orders-{date}.csv.gz }
\`\`\`
`;

/** .tsv without a delimiter is almost surely a mistake; a quote equal to the delimiter cannot parse. */
function lint(input: ConnectorLintInput, ctx: LintContext): readonly Issue[] {
  if (input.role === 'connection') return [];
  const { path, delimiter, quote } = input.options;
  const issues: Issue[] = [];
  if (typeof path === 'string' && /\.tsv(\.gz)?$/i.test(path) && delimiter === undefined) {
    issues.push({
      ...ctx.issue(`${input.path}/path`, 'W_CSV_TSV_DELIMITER', `${path} looks tab-separated but delimiter is ","`, 'set delimiter: "\\t"'),
      severity: 'warning',
    });
  }
  if (typeof quote === 'string' && quote === (delimiter ?? ',')) {
    issues.push(ctx.issue(`${input.path}/quote`, 'E_CSV_QUOTE_IS_DELIMITER', `quote and delimiter are both "${quote}"`, 'use different characters'));
  }
  return issues;
}

export const csv = defineConnector({
  name: 'csv',
  summary: 'CSV/TSV files (plain or gzip): streaming reader with type inference, atomic writer.',
  docs,
  status: 'stable',
  source: { options: csvSourceOptions, capabilities: { incremental: false, knows_schema: false } },
  sink: { options: csvSinkOptions, capabilities: { modes: ['overwrite', 'append'], transactional: false, atomic_replace: true } },
  examples: [
    {
      title: 'Clean a CSV file into another CSV file',
      yaml: `version: 1
name: orders_clean
extract:
  type: csv
  path: data/orders.csv
  columns:
    amount: decimal
load:
  type: csv
  path: out/orders-{date}.csv
  mode: overwrite
`,
    },
    {
      title: 'Read a gzip TSV export and append it to a CSV file',
      yaml: `version: 1
name: tsv_append
extract:
  type: csv
  path: exports/events.tsv.gz
  delimiter: "\\t"
  encoding: latin1
load:
  type: csv
  path: out/events.csv
  mode: append
`,
    },
  ],
  extensions: ['.csv', '.csv.gz', '.tsv', '.tsv.gz'],
  lint,
  load: async () => ({
    source: (await import('./source.js')).csvSource,
    sink: (await import('./sink.js')).csvSink,
  }),
});
