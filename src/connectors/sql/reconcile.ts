import { ConnectorError } from '../../core/errors.js';
import type { Column } from '../../core/records/types.js';

/**
 * Compares the input schema with an existing target table (or its absence) under the SQL sinks'
 * `create_table` and `on_schema_change` options. Dialect-neutral: the caller turns the result
 * into its own DDL. Used by the mysql and oracle sinks.
 */
export interface ReconcileInput {
  /** 'mysql sink sales.orders', for messages. */
  readonly label: string;
  readonly prefix: string;
  readonly exists: boolean;
  /** existing columns with their native types; names compared with `sameName`. */
  readonly existing: readonly { readonly name: string; readonly type: string }[];
  readonly input: readonly Column[];
  readonly create_table?: boolean;
  readonly on_schema_change?: 'fail' | 'add_columns' | 'ignore';
  readonly toNative: (c: Column) => string;
  /** how the database compares column names (MySQL: case-insensitive). */
  readonly sameName?: (a: string, b: string) => boolean;
}

export interface Reconciled {
  /** the columns the load writes, in input order. */
  readonly columns: readonly Column[];
  /** the table must be created with `columns`. */
  readonly create: boolean;
  /** columns to add with ALTER TABLE (on_schema_change: add_columns). */
  readonly added: readonly Column[];
  readonly type_map: Readonly<Record<string, string>>;
}

export function reconcileTarget(r: ReconcileInput): Reconciled {
  const typeMap: Record<string, string> = {};
  if (!r.exists) {
    if (r.create_table === false) {
      throw new ConnectorError(`${r.prefix}_NO_TABLE`, `${r.label}: the table does not exist`, { kind: 'config', hint: 'create it first, or set `create_table: true`' });
    }
    for (const c of r.input) typeMap[c.name] = r.toNative(c);
    return { columns: r.input, create: true, added: [], type_map: typeMap };
  }
  const same = r.sameName ?? ((a: string, b: string) => a === b);
  const find = (name: string) => r.existing.find((e) => same(e.name, name));
  const added = r.input.filter((c) => !find(c.name));
  const policy = r.on_schema_change ?? 'fail';
  if (added.length > 0 && policy === 'fail') {
    throw new ConnectorError(`${r.prefix}_SCHEMA_CHANGE`, `${r.label}: the input has columns the table lacks: ${added.map((c) => c.name).join(', ')}`, {
      kind: 'config', hint: 'set `on_schema_change: add_columns` to add them, or `ignore` to drop them from the load',
    });
  }
  const columns = policy === 'ignore' ? r.input.filter((c) => find(c.name)) : r.input;
  for (const c of columns) typeMap[c.name] = find(c.name)?.type ?? r.toNative(c);
  return { columns, create: false, added: policy === 'add_columns' ? added : [], type_map: typeMap };
}

/** Upsert needs every key column among the written ones. */
export function checkKeyColumns(label: string, prefix: string, key: readonly string[], columns: readonly Column[]): void {
  const names = new Set(columns.map((c) => c.name));
  for (const k of key) {
    if (!names.has(k)) {
      throw new ConnectorError(`${prefix}_UPSERT_KEY`, `${label}: key column "${k}" is not in the input`, { kind: 'config', hint: 'key columns must be columns of the rows written' });
    }
  }
}

/** mode upsert without `key` is refused before anything is read or written. */
export function requireUpsertKey(label: string, prefix: string, mode: string, key: readonly string[]): void {
  if (mode === 'upsert' && key.length === 0) {
    throw new ConnectorError(`${prefix}_UPSERT_KEY`, `${label}: mode upsert needs \`key\``, { kind: 'config', hint: 'add `key: [id]` naming the columns that identify a row' });
  }
}

/** The human-readable steps of a transactional SQL sink whose DDL runs before the transaction. */
export function transactionalSteps(mode: string, target: string, ddl: readonly string[], commitEvery: number | undefined, write: string, refused: string): string[] {
  const tx = commitEvery ? `one transaction per ${commitEvery} rows` : 'one transaction';
  const out = ddl.map((s) => `run (before the transaction: DDL commits implicitly): ${s.split(' (')[0]}`);
  out.push(`open ${tx} on ${target}`);
  if (mode === 'overwrite') out.push(`delete every row of ${target} (DELETE, not TRUNCATE, so it rolls back)`);
  out.push(write, refused, 'commit (a failure rolls back the open transaction)');
  return out;
}
