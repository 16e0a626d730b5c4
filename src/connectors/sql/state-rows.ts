import type { StateStore, StoredWatermark } from '../../core/state/store.js';

/** A row of a state table, as every database's state store selects it. */
export interface StateRow {
  stream: string;
  watermark: string | null;
  updated_at: string | null;
  run_id: string | null;
}

function stored(row: StateRow): StoredWatermark {
  return {
    watermark: row.watermark ?? '',
    ...(row.updated_at === null ? {} : { updated_at: row.updated_at }),
    ...(row.run_id === null ? {} : { run_id: row.run_id }),
  };
}

/**
 * `read` and `readAll` of a table-backed state store, from its one query: the pipeline's rows
 * (ordered by stream), or only `stream`'s row when given.
 */
export function stateReads(select: (pipeline: string, stream?: string) => Promise<StateRow[]>): Pick<StateStore, 'read' | 'readAll'> {
  return {
    async read(pipeline, stream) {
      const row = (await select(pipeline, stream))[0];
      return row ? stored(row) : undefined;
    },
    async readAll(pipeline) {
      const rows = await select(pipeline);
      return Object.fromEntries(rows.flatMap((r) => (r.watermark === null ? [] : [[r.stream, stored(r)]])));
    },
  };
}
