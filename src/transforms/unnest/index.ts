import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const unnestOptions = Type.Object(
  {
    column: Type.String({ minLength: 1, description: 'The array column; each element becomes one row.' }),
    index: Type.Optional(Type.String({ minLength: 1, description: 'Name of a new column holding the 1-based position of the element.' })),
    keep_empty: Type.Optional(Type.Boolean({ default: false, description: 'Keep rows whose array is empty or null (with a null element) instead of dropping them.' })),
  },
  { additionalProperties: false },
);
export type UnnestOptions = Static<typeof unnestOptions>;

export const unnest = defineTransform({
  name: 'unnest',
  summary: 'One row per element of an array column',
  status: 'stable',
  stateful: false,
  options: unnestOptions,
  docs: `Turns \`{ order: 1, items: [a, b] }\` into two rows \`{ order: 1, items: a }\` and
\`{ order: 1, items: b }\`. Every output row keeps its input row's source position.

- \`column\` (required): a json column holding arrays. A text holding a JSON array
  (\`'["a","b"]'\`, as read from CSV) is parsed.
- \`index\`: adds a column with the element's 1-based position.
- \`keep_empty\` (false): rows whose array is empty or null are dropped (as SQL UNNEST); with
  true they are kept once with a null element.

The element type is inferred from the first batch (objects stay json: follow with \`flatten\`).
A value that is not an array rejects the row.`,
  examples: [{
    title: 'One row per order line',
    yaml: exampleYaml('order_lines', '  - type: unnest\n    column: items\n    index: line_no\n  - type: flatten\n    columns: [items]', '{ type: csv, path: data/input.csv, columns: { items: json } }'),
  }],
  load: async () => {
    const { createUnnest } = await import('./transform.js');
    return { create: (options, ctx) => createUnnest(options as UnnestOptions, ctx) };
  },
});
