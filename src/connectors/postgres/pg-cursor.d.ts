// Minimal typings for pg-cursor (no @types package is installed); only what source.ts uses.
declare module 'pg-cursor' {
  import type { Submittable, QueryResultRow, FieldDef } from 'pg';

  interface CursorConfig {
    rowMode?: 'array';
    types?: { getTypeParser(oid: number, format?: string): (text: string) => unknown };
  }

  class Cursor<R extends QueryResultRow = QueryResultRow> implements Submittable {
    constructor(text: string, values?: unknown[], config?: CursorConfig);
    submit(connection: unknown): void;
    read(rowCount: number, callback: (err: Error | undefined, rows: R[], result: { fields: FieldDef[] }) => void): void;
    read(rowCount: number): Promise<R[]>;
    close(): Promise<void>;
    close(callback: (err?: Error) => void): void;
  }

  export default Cursor;
}
