import { DataQualityError, InternalError, RunError, throwIfAborted } from '../../core/errors.js';
import { toText } from '../../core/expr/index.js';
import type { Column, RecordSchema, Row, SourcePosition, Value } from '../../core/records/types.js';
import type { TransformContext } from '../define.js';
import { formatPosition, requireColumns } from '../shared/batch.js';
import { fieldPairs, keyPairs, type LookupOptions } from './index.js';

/** The lookup source held in memory: the added columns' values per key text. */
export interface LookupTable {
  /** the added columns (output names), with the lookup source's types. */
  readonly columns: readonly Column[];
  readonly entries: ReadonlyMap<string, readonly Value[]>;
  /** rows read from the source. */
  readonly rows: number;
}

/**
 * The canonical key text of some columns, or undefined when one is null (never matches).
 * Values compare by text: 42, 42n, decimal '42' and string '42' are one key.
 */
export function keyText(row: Row, columns: readonly string[]): string | undefined {
  if (columns.length === 1) {
    const v = Object.hasOwn(row, columns[0]!) ? row[columns[0]!] : null;
    return v === null || v === undefined ? undefined : toText(v);
  }
  const parts: string[] = [];
  for (const c of columns) {
    const v = Object.hasOwn(row, c) ? row[c] : null;
    if (v === null || v === undefined) return undefined;
    parts.push(toText(v));
  }
  return JSON.stringify(parts);
}

/** "customer_id=42", "a=1, b=null": the key of a row as a reason or message shows it. */
export function showKey(row: Row, columns: readonly string[]): string {
  return columns.map((c) => `${c}=${row[c] === null || row[c] === undefined ? 'null' : toText(row[c]!)}`).join(', ');
}

/** How reasons name the lookup source: 'customers.csv', 'crm.customers', or 'lookup' for a query. */
export function lookupName(options: LookupOptions): string {
  const { table, path, query } = options.from;
  if (typeof table === 'string') return table;
  if (typeof path === 'string' && query === undefined) return path.split(/[\\/]/).pop()!;
  return 'lookup';
}

interface Loading {
  readonly options: LookupOptions;
  readonly ctx: TransformContext;
  readonly name: string;
  readonly keys: readonly string[];
  readonly entries: Map<string, Value[]>;
  readonly positions: Map<string, SourcePosition | undefined> | undefined;
  fields?: [string, string][];
  columns?: Column[];
  rows: number;
  duplicates: number;
}

/** Reads the `from:` source whole through its connector (ctx.sources.from). */
export async function loadLookup(options: LookupOptions, ctx: TransformContext): Promise<LookupTable> {
  const source = ctx.sources?.['from'];
  if (!source) throw new InternalError(`${ctx.stage}: lookup has no \`from\` source reader (run it through the engine)`);
  const state: Loading = {
    options, ctx, name: lookupName(options), keys: keyPairs(options.on).map(([, col]) => col),
    entries: new Map(), positions: options.on_duplicate === 'fail' ? new Map() : undefined, rows: 0, duplicates: 0,
  };
  for await (const batch of source.read()) {
    throwIfAborted(ctx.signal);
    if (!state.columns) resolveColumns(state, batch.schema);
    for (let i = 0; i < batch.rows.length; i++) addRow(state, batch.rows[i]!, batch.origin?.[i]);
  }
  const columns = state.columns ?? emptySourceColumns(state);
  const dups = state.duplicates > 0 ? `, ${state.duplicates} duplicate key${state.duplicates === 1 ? '' : 's'} (kept the ${options.on_duplicate})` : '';
  ctx.events({ type: 'info', stage: ctx.stage, message: `lookup loaded ${state.rows} row${state.rows === 1 ? '' : 's'} from ${state.name}: ${state.entries.size} key${state.entries.size === 1 ? '' : 's'}${dups}` });
  return { columns, entries: state.entries, rows: state.rows };
}

function resolveColumns(state: Loading, schema: RecordSchema): void {
  const { options, ctx, name, keys } = state;
  requireColumns(schema, keys, ctx, 'on', name);
  const keySet = new Set(keys);
  const fields = fieldPairs(options.fields) ?? schema.columns.filter((c) => !keySet.has(c.name)).map((c): [string, string] => [c.name, c.name]);
  requireColumns(schema, fields.map(([, col]) => col), ctx, 'fields', name);
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  const strict = options.on_missing !== 'keep';
  state.fields = fields;
  state.columns = fields.map(([out, col]) => {
    const { nullable, ...rest } = byName.get(col)!;
    // with on_missing: keep an unmatched row gets nulls, whatever the lookup guarantees
    return { ...rest, name: out, ...(strict && nullable !== undefined ? { nullable } : {}) };
  });
}

/** A source that yielded no batch at all: listed fields become nullable strings, else none. */
function emptySourceColumns(state: Loading): Column[] {
  return (fieldPairs(state.options.fields) ?? []).map(([out]) => ({ name: out, type: 'string' }));
}

function addRow(state: Loading, row: Row, position: SourcePosition | undefined): void {
  const { options, ctx } = state;
  if (++state.rows > options.max_rows!) {
    throw new RunError('E_LOOKUP_TOO_LARGE', `${ctx.stage}: the lookup source ${state.name} has more than ${options.max_rows} rows (max_rows); a lookup table is held in memory`, {
      hint: 'raise `max_rows` if the machine has the memory, select fewer rows with a `query:`, or join in the database',
      where: { stage: ctx.stage },
    });
  }
  const key = keyText(row, state.keys);
  if (key === undefined) return; // a null key never matches
  const values = state.fields!.map(([, col]) => (Object.hasOwn(row, col) ? row[col] ?? null : null));
  if (!state.entries.has(key)) {
    state.entries.set(key, values);
    state.positions?.set(key, position);
    return;
  }
  state.duplicates++;
  if (options.on_duplicate === 'last') state.entries.set(key, values);
  else if (options.on_duplicate === 'fail') throw duplicateError(state, row, state.positions!.get(key), position);
}

function duplicateError(state: Loading, row: Row, first: SourcePosition | undefined, second: SourcePosition | undefined): DataQualityError {
  const at = [formatPosition(first), formatPosition(second)].filter((p) => p !== undefined);
  const where = at.length === 2 ? ` (${at[0]!} and ${at[1]!})` : '';
  return new DataQualityError(`${state.ctx.stage}: the lookup source ${state.name} has two rows with ${showKey(row, state.keys)}${where}`, {
    hint: 'make the key unique in the lookup source, or set on_duplicate: first | last',
    where: { stage: state.ctx.stage, ...(at[1] !== undefined ? { position: at[1] } : {}) },
  });
}
