import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const selectOptions = Type.Object(
  {
    columns: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true, description: 'Columns to keep, in this order.' }),
  },
  { additionalProperties: false },
);
export type SelectOptions = Static<typeof selectOptions>;

export const select = defineTransform({
  name: 'select',
  summary: 'Keep only some columns, in a given order',
  status: 'stable',
  stateful: false,
  options: selectOptions,
  docs: `Keeps the listed columns in the order listed; every other column is removed.

- \`columns\` (required): column names. An unknown name stops the run at the first batch with
  "unknown column \`emial\`, did you mean \`email\`?".`,
  examples: [{ title: 'Keep three columns', yaml: exampleYaml('select_columns', '  - type: select\n    columns: [id, email, amount]') }],
  load: async () => {
    const { createSelect } = await import('./transform.js');
    return { create: (options, ctx) => createSelect(options as SelectOptions, ctx) };
  },
});
