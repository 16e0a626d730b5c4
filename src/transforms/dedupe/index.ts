import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const dedupeOptions = Type.Object(
  {
    key: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Columns that identify a row.' }),
    keep: Type.Optional(Type.Union([Type.Literal('first'), Type.Literal('last')], { default: 'first', description: 'Which duplicate to keep: first | last.' })),
  },
  { additionalProperties: false },
);
export type DedupeOptions = Static<typeof dedupeOptions>;

export const dedupe = defineTransform({
  name: 'dedupe',
  summary: 'Remove duplicate rows by key',
  status: 'stable',
  stateful: true,
  options: dedupeOptions,
  docs: `Keeps one row per key.

- \`key\` (required): columns that identify a row. Values are compared exactly as stored
  (\`'1.0'\` and \`'1.00'\` are different decimals texts; cast first if that matters).
- \`keep\` (first): \`first\` streams: the first row of each key passes at once, later ones are
  dropped. \`last\` must see the whole input before it can emit anything: it holds one row per
  distinct key in memory and emits them at the end, in the order of their last occurrence.

**Memory:** \`first\` holds every distinct key seen (about 50–100 bytes per key plus the key
text); \`last\` holds every distinct row. Both grow with the number of distinct keys, not with
the input size. The number of removed duplicates is reported as an \`info\` event.`,
  examples: [{ title: 'Latest version of each customer', yaml: exampleYaml('dedupe_customers', '  - type: dedupe\n    key: [customer_id]\n    keep: last') }],
  load: async () => {
    const { createDedupe } = await import('./transform.js');
    return { create: (options, ctx) => createDedupe(options as DedupeOptions, ctx) };
  },
});
