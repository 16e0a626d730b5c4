// An etl-cli plugin in plain ESM JavaScript: no build step, no dependency on etl-cli.
// Option schemas are plain JSON Schema objects; etl-cli validates pipelines against them.

const sequenceOptions = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 0, description: 'How many rows to generate.' },
    start: { type: 'integer', default: 1, description: 'The first id.' },
    prefix: { type: 'string', description: 'When set, each row gets a `label` column: prefix + id.' },
  },
  required: ['count'],
  additionalProperties: false,
};

/** Yields rows in batches of ctx.batch_size, honouring --limit and Ctrl-C. */
async function* generate(options, ctx) {
  const columns = [{ name: 'id', type: 'integer', nullable: false }];
  if (options.prefix !== undefined) columns.push({ name: 'label', type: 'string' });
  const schema = { columns };
  const total = ctx.limit === undefined ? options.count : Math.min(options.count, ctx.limit);
  for (let done = 0; done < total; ) {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
    const rows = [];
    for (const end = Math.min(total, done + ctx.batch_size); done < end; done++) {
      const id = options.start + done;
      rows.push(options.prefix === undefined ? { id } : { id, label: `${options.prefix}${id}` });
    }
    yield { schema, rows };
  }
}

export const connectors = [
  {
    name: 'sequence',
    summary: 'Generates `count` rows with an id and an optional labelled column (example plugin)',
    docs: 'Generates rows `{ id, label }` with ids from `start`. Useful for tests and demos.',
    status: 'experimental',
    source: { options: sequenceOptions, capabilities: { incremental: false, knows_schema: true } },
    examples: [],
    async load() {
      return {
        source: {
          read: generate,
          async describe(options) {
            return { summary: `sequence of ${options.count} rows from ${options.start}` };
          },
        },
      };
    },
  },
];

export const transforms = [
  {
    name: 'uppercase',
    summary: 'Upper-cases string columns (example plugin)',
    docs: 'Upper-cases the values of the listed string columns; nulls stay null.',
    status: 'experimental',
    stateful: false,
    options: {
      type: 'object',
      properties: {
        columns: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Columns to upper-case.' },
      },
      required: ['columns'],
      additionalProperties: false,
    },
    examples: [],
    async load() {
      return {
        create(options, ctx) {
          return async function* uppercase(input) {
            for await (const batch of input) {
              if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
              const rows = batch.rows.map((row) => {
                const out = { ...row };
                for (const c of options.columns) if (typeof out[c] === 'string') out[c] = out[c].toUpperCase();
                return out;
              });
              yield { ...batch, rows };
            }
          };
        },
      };
    },
  },
];
