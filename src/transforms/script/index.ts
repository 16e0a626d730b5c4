import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const scriptOptions = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The JavaScript module (.js/.mjs), relative to the pipeline file. TRUSTED code: it runs with full access to the process.' }),
    function: Type.Optional(Type.String({ minLength: 1, description: 'The export to call (default: `default`, else `transformBatch`).' })),
  },
  { additionalProperties: false },
);
export type ScriptOptions = Static<typeof scriptOptions>;

export const script = defineTransform({
  name: 'script',
  summary: 'Run your own JavaScript module on the batches (trusted code)',
  status: 'beta',
  stateful: false,
  options: scriptOptions,
  docs: `Runs a JavaScript module you write on the rows.

**Security: this runs TRUSTED code.** Unlike expressions (\`where\`, \`fields\`), which are a small
safe language with no access to the process, a script is ordinary JavaScript imported into the
etl-cli process: it can read files and environment variables (including secrets), open network
connections and run programs. Only point \`path\` at code you would run yourself.

- \`path\` (required): the module, a \`.js\` or \`.mjs\` file resolved against the pipeline's directory.
- \`function\`: the export to use. Default: \`default\`, else \`transformBatch\`.

The export is either
- an **async generator** \`async function* (batches, ctx)\`: it gets the async iterable of batches
  (\`{ schema, rows }\`) and yields batches or plain arrays of rows, or
- a **batch function** \`transformBatch(rows, ctx) → rows\` (may be async), called once per batch.

\`ctx\` has \`stage\`, \`pipeline\` (name, dir, run_id, vars), \`signal\` (an AbortSignal),
\`batch_size\`, \`schema\` (the input batch's columns, batch functions only),
\`reject(row, reason)\` (sends a row to the dead letter, with its source position when it is
one of the rows a batch function was given) and \`warn(message)\`. The output
columns are the keys of the rows returned: a column kept from the input keeps its type, a new one
is inferred from its values. An exception stops the run with the script's message and its stage.`,
  examples: [{ title: 'Clean rows with your own code', yaml: exampleYaml('scripted', '  - type: script\n    path: scripts/clean.js\n    function: transformBatch') }],
  lint: (input, ctx) => {
    const path = input.options['path'];
    if (typeof path === 'string' && !/\.m?js$/i.test(path)) {
      return [ctx.issue(`${input.path}/path`, 'E_SCRIPT_PATH', `script path ${path} must be a .js or .mjs module`, 'build TypeScript to JavaScript first')];
    }
    return [];
  },
  load: async () => {
    const { createScript } = await import('./transform.js');
    return { create: (options, ctx) => createScript(options as ScriptOptions, ctx) };
  },
});
