import { defineConnector } from '../define.js';
import { parquetDocs } from './docs.js';
import { parquetSinkOptions, parquetSourceOptions } from './options.js';

export const parquet = defineConnector({
  name: 'parquet',
  summary: 'Parquet files: exact types (decimals, 64-bit ints, micro/nanosecond timestamps), one row group at a time',
  docs: parquetDocs,
  status: 'beta',
  source: {
    options: parquetSourceOptions,
    capabilities: { incremental: false, knows_schema: true },
  },
  sink: {
    options: parquetSinkOptions,
    capabilities: { modes: ['overwrite'], transactional: false, atomic_replace: true },
  },
  examples: [
    {
      title: 'Parquet to CSV, two columns',
      yaml: `version: 1
name: parquet_to_csv
extract:
  type: parquet
  path: data/events.parquet
  columns: [id, created_at]
load:
  type: csv
  path: out/events.csv
`,
    },
    {
      title: 'CSV to a daily gzip Parquet file',
      yaml: `version: 1
name: orders_to_parquet
extract:
  type: csv
  path: data/orders.csv
  columns:
    amount: decimal
load:
  type: parquet
  path: out/orders-{date}.parquet
  compression: gzip
  row_group_size: 50000
`,
    },
  ],
  extensions: ['.parquet'],
  load: async () => {
    const [{ parquetSource }, { parquetSink }] = await Promise.all([import('./source.js'), import('./sink.js')]);
    return { source: parquetSource, sink: parquetSink };
  },
});
