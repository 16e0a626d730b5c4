import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const renameOptions = Type.Object(
  {
    columns: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
      minProperties: 1,
      description: 'Renames: { old_name: new_name }.',
    }),
  },
  { additionalProperties: false },
);
export type RenameOptions = Static<typeof renameOptions>;

export const rename = defineTransform({
  name: 'rename',
  summary: 'Rename columns',
  status: 'stable',
  stateful: false,
  options: renameOptions,
  docs: `Renames columns; positions, types and values are kept.

- \`columns\` (required): \`{ old_name: new_name }\`. An unknown old name, or a new name that
  collides with another column, stops the run at the first batch. Swaps (\`{ a: b, b: a }\`) work.`,
  examples: [{ title: 'Rename to snake case', yaml: exampleYaml('rename_columns', '  - type: rename\n    columns: { "Order ID": order_id, CustomerEmail: email }') }],
  load: async () => {
    const { createRename } = await import('./transform.js');
    return { create: (options, ctx) => createRename(options as RenameOptions, ctx) };
  },
});
