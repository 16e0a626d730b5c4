/**
 * The small part of node-oracledb 6 this connector uses (@types/oracledb is not installed; the
 * driver itself is an optional dependency).
 */
declare module 'oracledb' {
  export interface DbType {
    readonly num: number;
    readonly name: string;
    readonly columnTypeName: string;
  }
  export interface Metadata {
    readonly name: string;
    readonly dbType: DbType;
    readonly dbTypeName?: string;
    readonly precision?: number;
    readonly scale?: number;
    readonly nullable?: boolean;
    readonly byteSize?: number;
  }
  export interface FetchTypeResult {
    readonly type?: DbType;
    readonly converter?: (value: unknown) => unknown;
  }
  export interface ResultSet {
    readonly metaData: Metadata[];
    getRows(n: number): Promise<unknown[][]>;
    close(): Promise<void>;
  }
  export interface Result {
    readonly rows?: unknown[][];
    readonly metaData?: Metadata[];
    readonly resultSet?: ResultSet;
    readonly rowsAffected?: number;
    readonly batchErrors?: { readonly errorNum: number; readonly message: string; readonly offset: number }[];
  }
  export interface BindDef {
    readonly type: DbType | number;
    readonly maxSize?: number;
  }
  export interface Connection {
    callTimeout: number;
    execute(sql: string, binds?: unknown, options?: Record<string, unknown>): Promise<Result>;
    executeMany(sql: string, binds: unknown[][], options?: { autoCommit?: boolean; batchErrors?: boolean; bindDefs?: BindDef[] }): Promise<Result>;
    commit(): Promise<void>;
    rollback(): Promise<void>;
    break(): Promise<void>;
    close(): Promise<void>;
  }
  export function getConnection(options: Record<string, unknown>): Promise<Connection>;
  export const STRING: DbType;
  export const BUFFER: DbType;
  export const NUMBER: DbType;
  export const DB_TYPE_CLOB: DbType;
  export const DB_TYPE_BLOB: DbType;
  export const DB_TYPE_NUMBER: DbType;
  export const DB_TYPE_VARCHAR: DbType;
  export const DB_TYPE_DATE: DbType;
  export const DB_TYPE_TIMESTAMP: DbType;
  export const DB_TYPE_TIMESTAMP_TZ: DbType;
  export const DB_TYPE_TIMESTAMP_LTZ: DbType;
  export const DB_TYPE_RAW: DbType;
  export const DB_TYPE_BINARY_DOUBLE: DbType;
  export const DB_TYPE_BINARY_FLOAT: DbType;
  export const DB_TYPE_JSON: DbType;
  export const OUT_FORMAT_ARRAY: number;
}
