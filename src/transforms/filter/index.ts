import { Type, type Static } from '@sinclair/typebox';
import { defineTransform } from '../define.js';
import { lintExpression } from '../shared/expr-lint.js';

export const filterOptions = Type.Object(
  {
    where: Type.String({ minLength: 1, description: 'Condition; rows where it is true pass (null and false are dropped).' }),
    reject: Type.Optional(Type.Boolean({ default: false, description: 'Send rows that do not match to the dead letter instead of dropping them.' })),
  },
  { additionalProperties: false },
);
export type FilterOptions = Static<typeof filterOptions>;

export const filter = defineTransform({
  name: 'filter',
  summary: 'Keep the rows where a condition is true',
  status: 'stable',
  stateful: false,
  options: filterOptions,
  docs: `Keeps the rows for which \`where\` is true. As in SQL \`WHERE\`, a condition that is null
(\`amount > 0\` when amount is null) counts as false: the row is dropped.

- \`where\` (required): an expression (see "Expressions"), e.g. \`amount > 0 and status != 'void'\`.
- \`reject\` (false): send the rows that do not match to the dead letter with the reason
  "filter: condition is false" instead of dropping them. Rows dropped by a filter are counted in
  the stage summary (rows_in − rows_out).

A row whose condition cannot be evaluated (text where a number is needed, division by zero) is
always rejected with the reason, never dropped silently.`,
  examples: [
    {
      title: 'Keep paid orders',
      yaml: `version: 1
name: paid_orders
extract: { type: csv, path: data/orders.csv, columns: { amount: decimal } }
transform:
  - type: filter
    where: amount > 0 and status in ('paid', 'shipped')
load: { type: csv, path: out/paid.csv }
`,
    },
    {
      title: 'Send non-matching rows to the dead letter',
      yaml: `version: 1
name: recent_events
extract: { type: csv, path: data/events.csv, columns: { at: timestamp } }
transform:
  - type: filter
    where: at >= date_add(now(), -7, 'day')
    reject: true
load: { type: csv, path: out/recent.csv }
errors: { dead_letter: rejects/events.ndjson }
`,
    },
  ],
  lint: (input, ctx) => lintExpression(ctx, `${input.path}/where`, input.options['where'], true),
  load: async () => {
    const { createFilter } = await import('./transform.js');
    return { create: (options, ctx) => createFilter(options as FilterOptions, ctx) };
  },
});
