import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import pg from 'pg';

/** What a target holds: row count, distinct ids, id sum (detects partial, duplicate and missing rows). */
export interface TargetRows {
  readonly exists: boolean;
  readonly count: number;
  readonly distinct: number;
  readonly idSum: number;
  /** rows whose id is negative (the "old contents" marker rows). */
  readonly old: number;
}

const MISSING: TargetRows = { exists: false, count: 0, distinct: 0, idSum: 0, old: 0 };

function summarise(ids: readonly number[]): TargetRows {
  let sum = 0;
  let old = 0;
  for (const id of ids) {
    sum += id;
    if (id < 0) old++;
  }
  return { exists: true, count: ids.length, distinct: new Set(ids).size, idSum: sum, old };
}

/** Expected summary of new rows 1..n. */
export function expectedNew(n: number): TargetRows {
  return { exists: true, count: n, distinct: n, idSum: (n * (n + 1)) / 2, old: 0 };
}

/** Reads ids from a csv / ndjson / parquet file; a parse failure means the file is partial. */
export async function fileRows(path: string, format: 'csv' | 'ndjson' | 'parquet'): Promise<TargetRows> {
  if (!existsSync(path)) return MISSING;
  const bytes = await readFile(path);
  if (format === 'parquet') {
    const { parquetReadObjects } = await import('hyparquet');
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const rows = (await parquetReadObjects({ file: ab as ArrayBuffer, columns: ['id'] })) as Array<{ id: number | bigint }>;
    return summarise(rows.map((r) => Number(r.id)));
  }
  const text = bytes.toString('utf8');
  if (text.length > 0 && !text.endsWith('\n')) throw new Error(`${path}: partial file (no final newline)`);
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (format === 'ndjson') return summarise(lines.map((l) => Number((JSON.parse(l) as { id: unknown }).id)));
  if (lines[0] !== 'id,name,amount') throw new Error(`${path}: unexpected header ${lines[0]}`);
  return summarise(lines.slice(1).map((l) => Number(l.split(',')[0])));
}

export async function pgRows(url: string, table: string): Promise<TargetRows> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
    if (!t.rows[0]?.ok) return MISSING;
    const r = await client.query<{ c: string; d: string; s: string | null; o: string }>(
      `SELECT count(*) AS c, count(DISTINCT id) AS d, sum(id) AS s, count(*) FILTER (WHERE id < 0) AS o FROM "${table}"`,
    );
    const row = r.rows[0]!;
    return { exists: true, count: Number(row.c), distinct: Number(row.d), idSum: Number(row.s ?? 0), old: Number(row.o) };
  } finally {
    await client.end();
  }
}

export async function pgQuery<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function sqliteRows(path: string, table: string): Promise<TargetRows> {
  if (!existsSync(path)) return MISSING;
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path) // writable: a hot journal left by a killed run must be rolled back;
  try {
    const exists = db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get('table', table);
    if (!exists) return MISSING;
    const row = db.prepare(`SELECT count(*) AS c, count(DISTINCT id) AS d, sum(id) AS s, sum(id < 0) AS o FROM "${table}"`).get() as { c: number; d: number; s: number | null; o: number | null };
    return { exists: true, count: row.c, distinct: row.d, idSum: row.s ?? 0, old: row.o ?? 0 };
  } finally {
    db.close();
  }
}
