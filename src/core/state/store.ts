import type { PipelineInfo } from '../../connectors/define.js';
import { RunError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { readState, resetState, writeStreamWatermark } from './watermark-store.js';
import { stateFile } from './paths.js';

/** One saved watermark: of the whole pipeline (stream '') or of one stream of `streams:`. */
export interface StoredWatermark {
  readonly watermark: string;
  /** the incremental column it belongs to (file store only; a table store leaves it out). */
  readonly column?: string;
  readonly updated_at?: string;
  /** the run that saved it ('manual' for `state --set`). */
  readonly run_id?: string;
}

/**
 * Where watermarks live: the state file (default) or a table of a database connection
 * (`state: { connection, table }`). The engine writes only after the sink committed; a
 * write is its own short transaction. Stream '' is the watermark of a pipeline without streams.
 */
export interface StateStore {
  /** for messages: 'file /x/.etl-cli/p.state.json', 'table etl_state (postgres db:5432/wh)'. */
  readonly description: string;
  read(pipeline: string, stream: string): Promise<StoredWatermark | undefined>;
  /** every stream's watermark of a pipeline ('' = the pipeline's own), for `etl-cli state`. */
  readAll(pipeline: string): Promise<Record<string, StoredWatermark>>;
  write(pipeline: string, stream: string, value: StoredWatermark): Promise<void>;
  /** forgets one stream's watermark, or all of the pipeline's when stream is undefined. */
  reset(pipeline: string, stream?: string): Promise<boolean>;
  close(): Promise<void>;
  /**
   * A run lock in the database, so runs on different machines sharing the state never overlap
   * (postgres: a session advisory lock, freed by the server if the process dies). Throws
   * LockHeldError (exit 4) when another run holds it. The local lock file is taken as well.
   */
  lock?(pipeline: string): Promise<{ release(): Promise<void> }>;
}

type FilePlan = Pick<Plan, 'name' | 'state'>;

/** The default store: `<state.dir>/<name>.state.json` (streams under `watermarks`). */
export function fileStateStore(plan: FilePlan): StateStore {
  const own = (pipeline: string): FilePlan => ({ name: pipeline, state: plan.state });
  return {
    description: `file ${stateFile(plan)}`,
    async read(pipeline, stream) {
      const state = await readState(own(pipeline));
      if (!state) return undefined;
      if (stream !== '') return state.watermarks?.[stream];
      if (state.watermark === undefined) return undefined;
      const { watermark, column, updated_at, run_id } = state;
      return { watermark, ...(column === undefined ? {} : { column }), ...(updated_at === undefined ? {} : { updated_at }), ...(run_id === undefined ? {} : { run_id }) };
    },
    async readAll(pipeline) {
      const state = await readState(own(pipeline));
      const out: Record<string, StoredWatermark> = { ...(state?.watermarks ?? {}) };
      const top = await this.read(pipeline, '');
      if (top) out[''] = top;
      return out;
    },
    async write(pipeline, stream, value) {
      await writeStreamWatermark(own(pipeline), stream, value);
    },
    async reset(pipeline, stream) {
      if (stream === undefined) return resetState(own(pipeline));
      const state = await readState(own(pipeline));
      if (!state?.watermarks?.[stream]) return false;
      await writeStreamWatermark(own(pipeline), stream, undefined);
      return true;
    },
    async close() {},
  };
}

export interface OpenStoreContext {
  readonly signal: AbortSignal;
  readonly pipeline: PipelineInfo;
}

/** The plan's store: a table when `state.connection` is set (through its connector), else the file. */
export async function openStateStore(plan: Plan, ctx: OpenStoreContext): Promise<StateStore> {
  const table = plan.state.store;
  if (!table) return fileStateStore(plan);
  const rt = await table.definition.load();
  if (!rt.stateStore) {
    throw new RunError('E_STATE_UNSUPPORTED', `connection ${table.connection.name} (${table.connection.type}) cannot hold the state table`, {
      hint: 'use a postgres or sqlite connection for `state.connection`, or remove it to keep state in files',
    });
  }
  return rt.stateStore({ ...table.connection.options }, { signal: ctx.signal, table: table.table, pipeline: ctx.pipeline, retry: plan.retry });
}
