import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { RunError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { stateFile } from './paths.js';
import type { StoredWatermark } from './store.js';

type StatePlanInput = Pick<Plan, 'name' | 'state'>;

/** What `<state.dir>/<name>.state.json` holds. */
export interface PipelineState {
  readonly pipeline: string;
  /** the last committed watermark, as text (numbers and bigints as their decimal form). */
  readonly watermark?: string;
  /** the incremental column it belongs to. */
  readonly column?: string;
  readonly updated_at?: string;
  /** the run that saved it ('manual' for `state --set`). */
  readonly run_id?: string;
  /** per-stream watermarks of a `streams:` pipeline, by stream name. */
  readonly watermarks?: Readonly<Record<string, StoredWatermark>>;
}

/** Reads the stored state; undefined when none was saved yet. Never creates anything. */
export async function readState(plan: StatePlanInput): Promise<PipelineState | undefined> {
  const file = stateFile(plan);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RunError('E_STATE_READ', `cannot read state ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as PipelineState;
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return parsed;
  } catch (err) {
    throw new RunError('E_STATE_CORRUPT', `state file ${file} is not valid JSON`, {
      cause: err,
      hint: `inspect it, or clear it with \`etl-cli state <pipeline.yml> --reset\``,
    });
  }
}

export interface WatermarkMeta {
  readonly column?: string;
  readonly run_id?: string;
  readonly at?: string;
}

/** Saves the watermark atomically (temp file + rename): a crash leaves the old state or the new one. */
export async function writeWatermark(plan: StatePlanInput, value: string, meta: WatermarkMeta = {}): Promise<PipelineState> {
  const previous = await readState(plan).catch(() => undefined);
  const state: PipelineState = {
    pipeline: plan.name,
    watermark: value,
    ...(meta.column === undefined ? {} : { column: meta.column }),
    updated_at: meta.at ?? new Date().toISOString(),
    ...(meta.run_id === undefined ? {} : { run_id: meta.run_id }),
    ...(previous?.watermarks ? { watermarks: previous.watermarks } : {}),
  };
  await saveState(plan, state);
  return state;
}

/** Writers of one state file in this process, one after the other (streams commit concurrently). */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const next = (queues.get(file) ?? Promise.resolve()).then(fn, fn);
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => { if (queues.get(file) === settled) queues.delete(file); });
  return next;
}

/**
 * Sets (or with undefined removes) one stream's watermark, keeping the others: read, change,
 * atomic rewrite. Stream '' is the pipeline's own watermark.
 */
export function writeStreamWatermark(plan: StatePlanInput, stream: string, value: StoredWatermark | undefined): Promise<void> {
  return serialized(stateFile(plan), async () => {
    const previous = (await readState(plan)) ?? { pipeline: plan.name };
    const { watermark, column, updated_at, run_id, watermarks, ...rest } = previous;
    let top: StoredWatermark | undefined = watermark === undefined ? undefined : { watermark, ...pick({ column, updated_at, run_id }) };
    const streams: Record<string, StoredWatermark> = { ...(watermarks ?? {}) };
    const entry = value && { ...value, updated_at: value.updated_at ?? new Date().toISOString() };
    if (stream === '') top = entry;
    else if (entry) streams[stream] = entry;
    else delete streams[stream];
    await saveState(plan, {
      ...rest,
      pipeline: plan.name,
      ...(top ? { watermark: top.watermark, ...pick(top) } : {}),
      ...(Object.keys(streams).length > 0 ? { watermarks: streams } : {}),
    });
  });
}

function pick(w: { column?: string | undefined; updated_at?: string | undefined; run_id?: string | undefined }): { column?: string; updated_at?: string; run_id?: string } {
  return {
    ...(w.column === undefined ? {} : { column: w.column }),
    ...(w.updated_at === undefined ? {} : { updated_at: w.updated_at }),
    ...(w.run_id === undefined ? {} : { run_id: w.run_id }),
  };
}

async function saveState(plan: StatePlanInput, state: PipelineState): Promise<void> {
  const file = stateFile(plan);
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(plan.state.dir, { recursive: true });
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { flush: true });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new RunError('E_STATE_WRITE', `cannot save state ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** `state --set`: sets the watermark by hand (keeps the stored column). */
export async function setWatermark(plan: StatePlanInput & { extract?: Plan['extract'] }, value: string): Promise<PipelineState> {
  const previous = await readState(plan);
  const column = plan.extract?.incremental?.column ?? previous?.column;
  return writeWatermark(plan, value, { run_id: 'manual', ...(column === undefined ? {} : { column }) });
}

/** `state --reset`: forgets the watermark; the next run starts from `initial`. */
export async function resetState(plan: StatePlanInput): Promise<boolean> {
  const file = stateFile(plan);
  try {
    await rm(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new RunError('E_STATE_WRITE', `cannot remove state ${file}: ${(err as Error).message}`, { cause: err });
  }
}
