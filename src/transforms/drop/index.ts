import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const dropOptions = Type.Object(
  {
    columns: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true, description: 'Columns to remove.' }),
  },
  { additionalProperties: false },
);
export type DropOptions = Static<typeof dropOptions>;

export const drop = defineTransform({
  name: 'drop',
  summary: 'Remove columns',
  status: 'stable',
  stateful: false,
  options: dropOptions,
  docs: `Removes the listed columns; the others keep their order.

- \`columns\` (required): column names. An unknown name stops the run at the first batch with a
  did-you-mean suggestion (a typo would otherwise leave the column in the output).`,
  examples: [{ title: 'Drop internal columns', yaml: exampleYaml('drop_columns', '  - type: drop\n    columns: [internal_note, password_hash]') }],
  load: async () => {
    const { createDrop } = await import('./transform.js');
    return { create: (options, ctx) => createDrop(options as DropOptions, ctx) };
  },
});
