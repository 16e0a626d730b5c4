import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { TargetInfo } from '../postgres/catalog.js';

export { hasUniqueKey } from '../postgres/catalog.js';

export interface MysqlTargetInfo extends TargetInfo {
  readonly database: string;
  /** storage engine ('InnoDB'); undefined when the table does not exist. */
  readonly engine?: string;
}

/** What plan() needs to know about an existing target, from information_schema (read-only). */
export async function readTarget(conn: Connection, database: string | undefined, table: string): Promise<MysqlTargetInfo> {
  const [dbRows] = await conn.query<RowDataPacket[]>(
    'SELECT COALESCE(?, DATABASE()) AS db, (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = COALESCE(?, DATABASE())) AS db_ok',
    [database ?? null, database ?? null],
  );
  const db = String(dbRows[0]?.db ?? '');
  const schemaExists = Number(dbRows[0]?.db_ok ?? 0) > 0;
  const [tables] = await conn.query<RowDataPacket[]>(
    'SELECT ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [db, table],
  );
  if (tables.length === 0) return { database: db, exists: false, schema_exists: schemaExists, columns: [], unique_keys: [] };
  const [columns] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [db, table],
  );
  const [stats] = await conn.query<RowDataPacket[]>(
    `SELECT INDEX_NAME AS idx, COLUMN_NAME AS col FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [db, table],
  );
  const keys = new Map<string, string[]>();
  for (const s of stats) keys.set(String(s.idx), [...(keys.get(String(s.idx)) ?? []), String(s.col)]);
  const engine = tables[0]?.engine == null ? undefined : String(tables[0].engine);
  return {
    database: db, exists: true, schema_exists: true, ...(engine ? { engine } : {}),
    columns: columns.map((c) => ({ name: String(c.name), type: String(c.type) })),
    unique_keys: [...keys.values()],
  };
}
