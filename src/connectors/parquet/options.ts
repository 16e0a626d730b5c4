import { Type, type Static, type TString } from '@sinclair/typebox';
import { modeOption, pathOption } from '../shared-schema.js';

export const parquetSourceOptions = Type.Object(
  {
    path: pathOption('Parquet file to read (relative to the pipeline file). Not stdin: parquet needs random access.') as TString,
    columns: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Top-level columns to read, in this order (default: all). Other columns are never decoded.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ParquetSourceOptions = Static<typeof parquetSourceOptions>;

export const PARQUET_CODECS = ['snappy', 'gzip', 'brotli', 'zstd', 'uncompressed'] as const;
export const DEFAULT_CODEC = 'snappy';
export const DEFAULT_ROW_GROUP_SIZE = 25_000;
export type ParquetCodecName = (typeof PARQUET_CODECS)[number];

export const parquetSinkOptions = Type.Object(
  {
    path: pathOption('Parquet file to write (relative to the pipeline file); `{pipeline}`, `{date}`, `{run_id}` are replaced.') as TString,
    mode: modeOption(['overwrite'], 'overwrite'),
    compression: Type.Optional(
      Type.Union(PARQUET_CODECS.map((c) => Type.Literal(c)), {
        default: DEFAULT_CODEC,
        description: 'Page compression: snappy | gzip | brotli | zstd (needs Node ≥ 22.15) | uncompressed.',
      }),
    ),
    row_group_size: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        default: DEFAULT_ROW_GROUP_SIZE,
        description: 'Rows per row group. Each group is encoded and flushed as soon as it is full, so memory grows with it (25k ≈ 250 MB peak, 100k ≈ 600 MB).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ParquetSinkOptions = Static<typeof parquetSinkOptions>;
