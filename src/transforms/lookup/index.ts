import { Type, type Static } from '@sinclair/typebox';
import type { LintContext } from '../../connectors/define.js';
import type { Issue } from '../../core/issues.js';
import { defineTransform } from '../define.js';
import { exampleYaml } from '../shared/examples.js';
import { pointer } from '../shared/expr-lint.js';
import { LOOKUP_DOCS } from './docs.js';

const name = Type.String({ minLength: 1 });
const columnList = Type.Array(name, { minItems: 1, uniqueItems: true });
const columnMap = Type.Record(name, name, { minProperties: 1 });

/** `from:` as written: `type` plus that source connector's options (the schema composes them). */
export type LookupSource = { readonly type: string } & Readonly<Record<string, unknown>>;

export const lookupOptions = Type.Object(
  {
    from: Type.Unsafe<LookupSource>(Type.Object({ type: name }, {
      additionalProperties: true,
      description: 'The lookup table: any source, written exactly like `extract:` (a file, or a table/query with `connection:`). Read whole, once per run.',
    })),
    on: Type.Union([columnList, columnMap], {
      description: 'The key: `{ row_column: lookup_column }`, or `[id]` when the names are the same.',
    }),
    fields: Type.Optional(Type.Union([columnList, columnMap], {
      description: 'Lookup columns to add: a list, or `{ new_name: lookup_column }` to rename. Default: every non-key column.',
    })),
    on_missing: Type.Optional(Type.Union([Type.Literal('keep'), Type.Literal('reject'), Type.Literal('drop'), Type.Literal('fail')], {
      default: 'keep',
      description: 'A row with no match: keep (added columns are null) | reject (dead letter) | drop | fail (exit 3).',
    })),
    on_duplicate: Type.Optional(Type.Union([Type.Literal('fail'), Type.Literal('first'), Type.Literal('last')], {
      default: 'fail',
      description: 'Two lookup rows with one key: fail (names the key and both rows) | first | last.',
    })),
    max_rows: Type.Optional(Type.Integer({
      minimum: 1,
      default: 1_000_000,
      description: 'Most rows the lookup source may have: it is held in memory.',
    })),
  },
  { additionalProperties: false },
);
export type LookupOptions = Static<typeof lookupOptions>;

/** Row column → lookup column pairs of `on`. */
export function keyPairs(on: LookupOptions['on']): [string, string][] {
  return Array.isArray(on) ? on.map((c) => [c, c]) : Object.entries(on);
}

/** Output name → lookup column of `fields` (undefined: every non-key column, known at run time). */
export function fieldPairs(fields: LookupOptions['fields']): [string, string][] | undefined {
  if (fields === undefined) return undefined;
  return Array.isArray(fields) ? fields.map((c) => [c, c]) : Object.entries(fields);
}

/** What `from:` reads, in a few words: a path, a table, a query. */
export function sourceWords(from: LookupSource): string {
  const text = (k: string): string | undefined => (typeof from[k] === 'string' ? (from[k] as string) : undefined);
  const query = text('query');
  if (text('path') !== undefined && text('table') === undefined && query === undefined) return text('path')!;
  if (text('table') !== undefined) return `table ${text('table')!}`;
  if (query !== undefined) return `query "${query.length > 60 ? `${query.slice(0, 57)}...` : query}"`;
  return text('url') ?? from.type;
}

function describe(options: Record<string, unknown>): string {
  const o = options as LookupOptions;
  const conn = typeof o.from['connection'] === 'string' ? `, connection ${o.from['connection']}` : '';
  const key = keyPairs(o.on).map(([row, col]) => (row === col ? row : `${row}=${col}`)).join(', ');
  return `lookup loads ${sourceWords(o.from)} (${o.from.type}${conn}) into memory, key ${key}`;
}

/** An added column named like a row key column would overwrite the key: known without data. */
function lint(options: Record<string, unknown>, path: string, ctx: LintContext): Issue[] {
  const o = options as Partial<LookupOptions>;
  if (o.on === undefined || o.fields === undefined || typeof o.on !== 'object' || typeof o.fields !== 'object') return [];
  const keys = new Set(keyPairs(o.on).map(([row]) => row));
  const issues: Issue[] = [];
  for (const [out, col] of fieldPairs(o.fields) ?? []) {
    if (!keys.has(out)) continue;
    const at = Array.isArray(o.fields) ? `${path}/fields/${o.fields.indexOf(out)}` : `${path}/fields${pointer(out)}`;
    issues.push(ctx.issue(at, 'E_LOOKUP_COLUMN_EXISTS', `lookup would overwrite the row's key column \`${out}\``,
      `rename the added column: fields: { ${col}_lookup: ${col} }`));
  }
  return issues;
}

export const lookup = defineTransform({
  name: 'lookup',
  summary: 'Add columns from a second source (a table held in memory), joined by key',
  status: 'beta',
  stateful: true,
  options: lookupOptions,
  source_options: ['from'],
  docs: LOOKUP_DOCS,
  examples: [
    {
      title: 'Customer name and country on each order',
      yaml: exampleYaml('orders_with_customers', `  - type: lookup
    from: { type: csv, path: data/customers.csv }
    on: { customer_id: id }
    fields: { customer_name: name, country: country }
    on_missing: reject`, '{ type: csv, path: data/orders.csv }'),
    },
  ],
  describe,
  lint: (input, ctx) => lint(input.options, input.path, ctx),
  load: async () => {
    const { createLookup } = await import('./transform.js');
    return { create: (options, ctx) => createLookup(options as LookupOptions, ctx) };
  },
});
