import { Type, type Static } from '@sinclair/typebox';
import { columnTypeSchema } from '../../connectors/shared-schema.js';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';

export const castOptions = Type.Object(
  {
    columns: Type.Record(Type.String({ minLength: 1 }), columnTypeSchema, {
      minProperties: 1,
      description: 'Target types: { column: string|integer|number|decimal|boolean|date|timestamp|json|binary }.',
    }),
    on_error: Type.Optional(
      Type.Union([Type.Literal('reject'), Type.Literal('null'), Type.Literal('fail')], {
        default: 'reject',
        description: 'A value that does not convert: reject the row | set null | fail the run.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CastOptions = Static<typeof castOptions>;

export const cast = defineTransform({
  name: 'cast',
  summary: 'Convert columns to other types, exactly',
  status: 'stable',
  stateful: false,
  options: castOptions,
  docs: `Converts column values to canonical types, exactly (nothing is rounded or guessed):

| to | accepts |
|---|---|
| integer | \`42\`, \`-7\`, \`1.00\` (bigint past 2^53); \`1.5\` is an error |
| number | any number text (\`1e3\`, \`.5\`) |
| decimal | number text, kept exact and as written (\`12.30\` stays \`12.30\`) |
| boolean | true/false, t/f, yes/no, y/n, 1/0 (any case) |
| date | \`YYYY-MM-DD\` (a timestamp at exactly midnight UTC is accepted) |
| timestamp | ISO-8601 with any offset or none (UTC); normalised to UTC \`…Z\` |
| json | JSON text, parsed |
| string | any value (numbers as written, json as JSON) |
| binary | text as UTF-8 bytes |

Null stays null. \`on_error\` (reject): \`reject\` sends the row to the dead letter with
"cast amount: 'abc' is not a decimal"; \`null\` sets the value to null; \`fail\` stops the run
(exit 1) with the column, value and source position.`,
  examples: [{
    title: 'Type a CSV file',
    yaml: exampleYaml('cast_columns', '  - type: cast\n    columns: { id: integer, amount: decimal, paid: boolean, created_at: timestamp }\n    on_error: reject'),
  }],
  load: async () => {
    const { createCast } = await import('./transform.js');
    return { create: (options, ctx) => createCast(options as CastOptions, ctx) };
  },
});
