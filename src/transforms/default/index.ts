import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const defaultOptions = Type.Object(
  {
    values: Type.Record(Type.String({ minLength: 1 }), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
      minProperties: 1,
      description: 'Values for nulls: { column: value }.',
    }),
  },
  { additionalProperties: false },
);
export type DefaultOptions = Static<typeof defaultOptions>;

export const defaultTransform = defineTransform({
  name: 'default',
  summary: 'Fill null values with defaults',
  status: 'stable',
  stateful: false,
  options: defaultOptions,
  docs: `Replaces nulls in the listed columns with a literal value.

- \`values\` (required): \`{ column: value }\`. Each value is converted once to the column's type
  (\`amount: 0\` on a decimal column gives \`'0'\`); a value that does not fit the type, or an
  unknown column, stops the run at the first batch.`,
  examples: [{ title: 'Fill missing values', yaml: exampleYaml('fill_defaults', "  - type: default\n    values: { country: 'unknown', quantity: 1, active: true }") }],
  load: async () => {
    const { createDefault } = await import('./transform.js');
    return { create: (options, ctx) => createDefault(options as DefaultOptions, ctx) };
  },
});
