import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { columnTypeSchema } from '../../connectors/shared-schema.js';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';
import { lintValidate } from './lint.js';

function onFailSchema(defaults: { default?: string } = {}) {
  return Type.Union([Type.Literal('reject'), Type.Literal('drop'), Type.Literal('warn'), Type.Literal('fail')], {
    ...defaults,
    description: 'What a failing row does: reject (dead letter) | drop (counted) | warn (row passes) | fail (exit 3).',
  });
}
const column = Type.String({ minLength: 1, description: 'Column to check.' });
const bound = Type.Union([Type.Number(), Type.String()], { description: 'A number, or a date/timestamp/decimal text.' });

const common = {
  id: Type.Optional(Type.String({ minLength: 1, description: 'Name of the rule in rejects and the quality report.' })),
  severity: Type.Optional(Type.Union([Type.Literal('error'), Type.Literal('warning')], { default: 'error', description: 'warning: failures only warn, rows pass.' })),
  on_fail: Type.Optional(onFailSchema()),
};

function rule<P extends TProperties>(properties: P) {
  return Type.Object({ ...properties, ...common }, { additionalProperties: false });
}

const strict = { additionalProperties: false } as const;

export const ruleSchema = Type.Union([
  rule({ not_null: Type.Array(column, { minItems: 1, description: 'Columns that must not be null.' }) }),
  rule({ unique: Type.Array(column, { minItems: 1, description: 'Columns whose combined value must be unique (held in memory).' }) }),
  rule({ range: Type.Object({ column, min: Type.Optional(bound), max: Type.Optional(bound) }, strict) }),
  rule({ regex: Type.Object({ column, pattern: Type.String({ minLength: 1 }), flags: Type.Optional(Type.String({ pattern: '^[imsu]*$' })) }, strict) }),
  rule({ in: Type.Object({ column, values: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { minItems: 1 }) }, strict) }),
  rule({ length: Type.Object({ column, min: Type.Optional(Type.Integer({ minimum: 0 })), max: Type.Optional(Type.Integer({ minimum: 0 })) }, strict) }),
  rule({ type: Type.Object({ column, type: columnTypeSchema }, strict) }),
  rule({ expr: Type.String({ minLength: 1, description: 'A boolean expression every row must satisfy (null passes, as SQL CHECK).' }) }),
  rule({ freshness: Type.Object({ column, max_age: Type.String({ minLength: 2, description: "ISO-8601 duration: 'PT24H', 'P1D'." }) }, strict) }),
  rule({ row_count: Type.Object({ min: Type.Optional(Type.Integer({ minimum: 0 })), max: Type.Optional(Type.Integer({ minimum: 0 })) }, strict) }),
]);
export type ValidateRule = Static<typeof ruleSchema>;

export const validateOptions = Type.Object(
  {
    rules: Type.Array(ruleSchema, { minItems: 1, description: 'Data-quality rules, each `{ <kind>: …, id?, severity?, on_fail? }`.' }),
    on_fail: Type.Optional(onFailSchema({ default: 'reject' })),
  },
  { additionalProperties: false },
);
export type ValidateOptions = Static<typeof validateOptions>;

export const validate = defineTransform({
  name: 'validate',
  summary: 'Data-quality rules: reject, drop, warn or fail on bad rows',
  status: 'stable',
  stateful: true,
  options: validateOptions,
  docs: `Checks every row against rules and reports per-rule counts in the run report (\`quality\`).

Rules (each may also have \`id\`, \`severity: error|warning\`, \`on_fail\`):

| rule | fails when |
|---|---|
| \`not_null: [a, b]\` | a listed column is null (one check per column) |
| \`unique: [a, b]\` | the combined key was already seen (rows with a null key part are skipped) |
| \`range: { column, min, max }\` | the value is below min or above max (numbers, decimals, dates, timestamps) |
| \`regex: { column, pattern, flags }\` | the text does not match (JavaScript regex, searched: anchor with ^…$) |
| \`in: { column, values }\` | the value is not one of the values |
| \`length: { column, min, max }\` | the text has fewer/more characters |
| \`type: { column, type }\` | the value cannot be cast to the type exactly (see \`cast\`) |
| \`expr: <expression>\` | the expression is false (or cannot be evaluated) |
| \`freshness: { column, max_age: PT24H }\` | at the end: the newest value is older than max_age before the run start |
| \`row_count: { min, max }\` | at the end: the number of rows checked is outside the bounds |

Nulls pass every rule except \`not_null\` (as SQL CHECK): combine with \`not_null\` when a value is
required.

\`on_fail\` (reject), per step and overridable per rule:
- \`reject\`: the row goes to the dead letter with "rule not_null(email): email is null", the rule,
  the column and the row's source position (counts toward \`errors.max_rejects\`);
- \`drop\`: the row is removed and counted in the quality report;
- \`warn\`: the row passes; a warning is emitted (the first 10 per rule, then counted only);
- \`fail\`: the run stops with exit code 3.
\`severity: warning\` makes a rule warn whatever \`on_fail\` says. The end-of-run rules
(\`freshness\`, \`row_count\`) can only fail or warn: \`fail\` stops the run (exit 3), anything else warns.

**Memory:** \`unique\` holds every distinct key in memory (tens of bytes per key); the other rules
stream. At the end the step emits one \`quality.summary\` event: per rule, rows checked, failed,
failure rate and up to 5 samples (value and source position).`,
  examples: [{
    title: 'Typical order checks',
    yaml: exampleYaml('order_quality', `  - type: validate
    on_fail: reject
    rules:
      - { not_null: [id, email] }
      - { unique: [id] }
      - { range: { column: amount, min: 0, max: 100000 } }
      - { regex: { column: email, pattern: '^[^@\\s]+@[^@\\s]+$' }, severity: warning }
      - { in: { column: status, values: [paid, shipped, void] } }
      - { expr: "shipped_at is null or shipped_at >= ordered_at", id: shipped_after_order }
      - { row_count: { min: 1 }, on_fail: fail }`, '{ type: csv, path: data/input.csv, columns: { id: integer, amount: decimal, ordered_at: timestamp, shipped_at: timestamp } }'),
  }],
  lint: lintValidate,
  load: async () => {
    const { createValidate } = await import('./transform.js');
    return { create: (options, ctx) => createValidate(options as ValidateOptions, ctx) };
  },
});
