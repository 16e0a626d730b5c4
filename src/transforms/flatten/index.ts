import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const flattenOptions = Type.Object(
  {
    columns: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'JSON columns to flatten (default: every json column holding objects).' })),
    separator: Type.Optional(Type.String({ minLength: 1, default: '.', description: 'Joins parent and child names: customer.address.city.' })),
    max_depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 32, default: 32, description: 'Levels to flatten; deeper objects stay json.' })),
  },
  { additionalProperties: false },
);
export type FlattenOptions = Static<typeof flattenOptions>;

export const flatten = defineTransform({
  name: 'flatten',
  summary: 'Turn nested JSON objects into columns',
  status: 'stable',
  stateful: false,
  options: flattenOptions,
  docs: `Replaces a json column holding objects with one column per leaf:
\`customer = {"name": "Ann", "address": {"city": "Oslo"}}\` becomes \`customer.name\` and
\`customer.address.city\`. Arrays are leaves (kept as json; use \`unnest\` for one row per
element). In expressions, flattened names are written as they are: \`customer.address.city\`.

- \`columns\`: the json columns to flatten (default: every json column whose first-batch values
  are objects).
- \`separator\` (\`.\`), \`max_depth\` (32).

The output columns are fixed by the first batch (the schema of a stream cannot change midway):
keys that first appear later are reported once as a warning and not added; a missing key is
null. Leaf types are inferred from the first batch. A value that is not an object (a number in
an object column) rejects the row.`,
  examples: [{
    title: 'Flatten an API payload',
    yaml: exampleYaml('flatten_customers', '  - type: flatten\n    columns: [customer]\n    separator: "_"', '{ type: csv, path: data/input.csv, columns: { customer: json } }'),
  }],
  load: async () => {
    const { createFlatten } = await import('./transform.js');
    return { create: (options, ctx) => createFlatten(options as FlattenOptions, ctx) };
  },
});
