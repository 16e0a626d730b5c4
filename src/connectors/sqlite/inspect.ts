import type { SqliteDatabase } from './driver.js';

/** What the sink and source need to know about an existing table. */
export interface TableInfo {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string; readonly pk: number }[];
  /** column sets with a PRIMARY KEY or a full (non-partial) UNIQUE index: ON CONFLICT targets. */
  readonly unique_keys: readonly (readonly string[])[];
}

/** undefined when the table (or view) does not exist. Table names are bound, never spliced. */
export function inspectTable(db: SqliteDatabase, table: string): TableInfo | undefined {
  const cols = db
    .prepare('SELECT name, type, pk FROM pragma_table_xinfo(?) WHERE hidden IN (0, 2, 3) ORDER BY cid')
    .all([table])
    .map((r) => ({ name: String(r.name), type: String(r.type ?? ''), pk: Number(r.pk) }));
  if (cols.length === 0) return undefined;
  const keys: string[][] = [];
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  if (pk.length > 0) keys.push(pk);
  const indexes = db.prepare('SELECT name, "unique", partial FROM pragma_index_list(?)').all([table]);
  for (const index of indexes) {
    if (Number(index.unique) !== 1 || Number(index.partial) !== 0) continue;
    const parts = db.prepare('SELECT cid, name FROM pragma_index_info(?) ORDER BY seqno').all([String(index.name)]);
    // cid -2 is an expression: such an index cannot serve as an ON CONFLICT target column list
    if (parts.length > 0 && parts.every((p) => Number(p.cid) >= 0)) keys.push(parts.map((p) => String(p.name)));
  }
  return { name: table, columns: cols, unique_keys: keys };
}

/** Same set of column names, compared as SQLite does (ASCII case-insensitive). */
export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map(fold));
  const y = new Set(b.map(fold));
  return x.size === y.size && [...x].every((n) => y.has(n));
}

export function fold(name: string): string {
  return name.toLowerCase();
}
