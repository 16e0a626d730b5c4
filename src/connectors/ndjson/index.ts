import { defineConnector } from '../define.js';
import { ndjsonSinkOptions, ndjsonSourceOptions } from './options.js';

const docs = `Reads and writes newline-delimited JSON (NDJSON / JSON Lines): one JSON object per line, plain or gzip.

## Source
Splits the file on line breaks and parses each line, in batches of \`batch_size\` rows, with bounded memory.
- \`path\` (required): file to read, relative to the pipeline file; \`-\` reads stdin. Templates \`{pipeline}\`, \`{date}\`, \`{run_id}\`.
- \`compression\` (auto): \`auto\` reads gzip when the name ends in \`.gz\` or the file starts with the gzip magic bytes; \`gzip\`; \`none\`.
- \`columns\`: types that override the detected ones, e.g. \`{ id: integer, payload: json }\`.

Top-level keys become columns; nested objects and arrays stay \`json\` values (no flattening). Column types come from the values of the first batch: whole numbers → integer, other numbers → number, true/false → boolean, strings → string (date or timestamp when every value is one), objects/arrays or mixed kinds → json. Keys first seen in a later batch are added to the schema of the batches that follow. Numbers with more than 15 significant digits at the top level are kept exact: integers within 64 bits as big integers, others as decimal text; inside nested json values they are read as ordinary (float64) numbers.

Rejected to the dead letter, with the line number and the raw line: a line that is not valid JSON (including a truncated last line), a line that is not an object, a value that does not fit its column's type. Blank lines are skipped. Invalid UTF-8 stops the run with the line number.

## Sink
Writes one JSON object per line (\`\\n\`), through a temporary file renamed at the end.
- \`path\` (required): templates allowed; \`-\` writes stdout.
- \`mode\` (overwrite): \`overwrite\` or \`append\` (append copies the existing file into the temporary file first, so its cost grows with the file's size).
- \`compression\` (auto): gzip when the path ends in \`.gz\`; \`gzip\`; \`none\`.

Big integers are written as JSON numbers without loss; decimals as JSON strings (their exact text); binary as base64 strings; timestamps and dates as ISO strings.

## Example
\`\`\`yaml
extract: { type: ndjson, path: events/{date}.ndjson.gz }
load: { type: ndjson, path: out/events.ndjson, mode: append }
\`\`\`
`;

export const ndjson = defineConnector({
  name: 'ndjson',
  summary: 'Newline-delimited JSON files (plain or gzip): one object per line, exact big numbers.',
  docs,
  status: 'stable',
  source: { options: ndjsonSourceOptions, capabilities: { incremental: false, knows_schema: false } },
  sink: { options: ndjsonSinkOptions, capabilities: { modes: ['overwrite', 'append'], transactional: false, atomic_replace: true } },
  examples: [
    {
      title: 'Convert a CSV file to NDJSON',
      yaml: `version: 1
name: orders_to_ndjson
extract:
  type: csv
  path: data/orders.csv
load:
  type: ndjson
  path: out/orders.ndjson
`,
    },
    {
      title: 'Append a day of gzip events to an NDJSON archive',
      yaml: `version: 1
name: events_archive
extract:
  type: ndjson
  path: incoming/events-{date}.ndjson.gz
  columns:
    payload: json
load:
  type: ndjson
  path: archive/events.ndjson.gz
  mode: append
`,
    },
  ],
  extensions: ['.ndjson', '.jsonl', '.ndjson.gz', '.jsonl.gz'],
  load: async () => ({
    source: (await import('./source.js')).ndjsonSource,
    sink: (await import('./sink.js')).ndjsonSink,
  }),
});
