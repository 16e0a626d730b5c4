import type pg from 'pg';

/** What plan() needs to know about an existing target (read-only catalog queries). */
export interface TargetInfo {
  readonly exists: boolean;
  readonly schema_exists: boolean;
  /** columns in table order with their formatted types ('numeric(12,2)'). */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** column sets of the non-partial unique indexes (primary key included). */
  readonly unique_keys: readonly (readonly string[])[];
}

/** `quoted` is the quoted, possibly qualified name; `schema` the unquoted schema part. */
export async function readTarget(client: pg.Client, quoted: string, schema: string | undefined): Promise<TargetInfo> {
  const rel = await client.query<{ oid: string | null; schema_ok: boolean }>(
    'SELECT to_regclass($1)::oid::text AS oid, ($2::text IS NULL OR to_regnamespace(quote_ident($2)) IS NOT NULL) AS schema_ok',
    [quoted, schema ?? null],
  );
  const oid = rel.rows[0]?.oid ?? null;
  const schemaExists = rel.rows[0]?.schema_ok ?? false;
  if (oid === null) return { exists: false, schema_exists: schemaExists, columns: [], unique_keys: [] };
  const cols = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [oid],
  );
  const keys = await client.query<{ cols: string[] }>(
    `SELECT array(SELECT a.attname::text FROM unnest(i.indkey) AS k(n)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n) AS cols
       FROM pg_index i
      WHERE i.indrelid = $1::oid AND i.indisunique AND i.indisvalid
        AND i.indpred IS NULL AND i.indexprs IS NULL`,
    [oid],
  );
  return { exists: true, schema_exists: true, columns: cols.rows, unique_keys: keys.rows.map((r) => r.cols) };
}

/** ON CONFLICT (key) needs a unique index on exactly those columns (any order). */
export function hasUniqueKey(info: TargetInfo, key: readonly string[]): boolean {
  const wanted = [...key].sort().join('\u0000');
  return info.unique_keys.some((cols) => [...cols].sort().join('\u0000') === wanted);
}
