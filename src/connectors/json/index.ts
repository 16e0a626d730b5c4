import { defineConnector } from '../define.js';
import { jsonSinkOptions, jsonSourceOptions } from './options.js';

const docs = `Reads an array of records from a JSON document, streamed (never parsed whole), and writes records as one JSON array.

## Source
- \`path\` (required): file to read, relative to the pipeline file; \`-\` reads stdin. Templates \`{pipeline}\`, \`{date}\`, \`{run_id}\`.
- \`records_path\` (""): dotted path of the array of records inside the document, e.g. \`data.items\` for \`{"data": {"items": [...]}}\`; empty means the document itself is the array.
- \`compression\` (auto): \`auto\` reads gzip when the name ends in \`.gz\` or the file starts with the gzip magic bytes; \`gzip\`; \`none\`.
- \`columns\`: types that override the detected ones.

Each array item must be an object: its top-level keys become columns, nested objects and arrays stay \`json\` values. Types are detected from the first batch as for \`ndjson\` (keys first seen later are added to later batches), and long numbers at the top level of a record are kept exact. Items that are not objects, or values that do not fit their column's type, are rejected with their item number. A value at \`records_path\` that is not an array, a missing \`records_path\`, or malformed JSON stops the run with a one-line error (with how far into the file it got).

## Sink
Writes \`[\`, one compact object per line separated by commas, then \`]\` (\`[]\` for no rows), through a temporary file renamed at the end.
- \`path\` (required): templates allowed; \`-\` writes stdout.
- \`mode\` (overwrite): \`overwrite\` or \`append\`: append reopens the existing array (its closing \`]\`) in a copy of the file and adds the new records; it needs an uncompressed file, and its cost grows with the file's size.
- \`compression\` (auto): gzip when the path ends in \`.gz\`; \`gzip\`; \`none\`.

Big integers are written as JSON numbers without loss, decimals as JSON strings, binary as base64.

## Example
\`\`\`yaml
extract: { type: json, path: api-dump.json, records_path: data.items }
load: { type: json, path: out/items.json }
\`\`\`
`;

export const json = defineConnector({
  name: 'json',
  summary: 'JSON documents: streams an array of records (at a dotted path), writes a JSON array.',
  docs,
  status: 'stable',
  source: { options: jsonSourceOptions, capabilities: { incremental: false, knows_schema: false } },
  sink: { options: jsonSinkOptions, capabilities: { modes: ['overwrite', 'append'], transactional: false, atomic_replace: true } },
  examples: [
    {
      title: 'Extract the items of an API dump into CSV',
      yaml: `version: 1
name: api_dump_items
extract:
  type: json
  path: dumps/api-{date}.json
  records_path: data.items
load:
  type: csv
  path: out/items.csv
`,
    },
    {
      title: 'Write a CSV file as a JSON array',
      yaml: `version: 1
name: customers_json
extract:
  type: csv
  path: data/customers.csv
load:
  type: json
  path: out/customers.json
`,
    },
  ],
  extensions: ['.json', '.json.gz'],
  load: async () => ({
    source: (await import('./source.js')).jsonSource,
    sink: (await import('./sink.js')).jsonSink,
  }),
});
