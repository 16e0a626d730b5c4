import { Type, type Static } from '@sinclair/typebox';
import type { Issue } from '../../core/issues.js';
import { defineTransform } from '../define.js';
import { lintExpression, pointer } from '../shared/expr-lint.js';

export const deriveOptions = Type.Object(
  {
    fields: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
      minProperties: 1,
      description: 'New or replaced columns: { name: expression }, evaluated in order; later fields see earlier ones.',
    }),
  },
  { additionalProperties: false },
);
export type DeriveOptions = Static<typeof deriveOptions>;

export const derive = defineTransform({
  name: 'derive',
  summary: 'Compute new columns from expressions',
  status: 'stable',
  stateful: false,
  options: deriveOptions,
  docs: `Adds (or replaces) columns computed by expressions (see "Expressions").

- \`fields\` (required): \`{ name: expression }\`. Fields are evaluated in the order written, and a
  later field can use an earlier one. A name that already exists is replaced in place; new
  names are appended.

Output types come from the expression: decimal × integer → decimal, integer / integer → number,
comparisons → boolean, \`||\` → string, \`year(ts)\` → integer… When the type cannot be told
(\`coalesce\` of mixed types), it is inferred from the first batch's values. Decimal arithmetic
is exact (\`'19.99' * 3\` = \`'59.97'\`).

A row whose expression fails (division by zero, text that is not a number, a bad date) is
rejected with the field name and the reason.`,
  examples: [
    {
      title: 'Totals and an email domain',
      yaml: `version: 1
name: order_totals
extract: { type: csv, path: data/orders.csv, columns: { amount: decimal, qty: integer } }
transform:
  - type: derive
    fields:
      total: amount * qty
      total_with_tax: round(total * 1.2, 2)
      email_domain: lower(split_part(email, '@', 2))
      size: case when total > 1000 then 'large' else 'small' end
load: { type: csv, path: out/orders.csv }
`,
    },
  ],
  lint: (input, ctx) => {
    const fields = input.options['fields'];
    if (fields === null || typeof fields !== 'object') return [];
    const issues: Issue[] = [];
    for (const [name, source] of Object.entries(fields)) {
      issues.push(...lintExpression(ctx, `${input.path}/fields${pointer(name)}`, source));
    }
    return issues;
  },
  load: async () => {
    const { createDerive } = await import('./transform.js');
    return { create: (options, ctx) => createDerive(options as DeriveOptions, ctx) };
  },
});
