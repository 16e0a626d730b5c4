import { hostname } from 'node:os';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { LockHeldError, RunError } from '../errors.js';
import type { EventSink } from '../events.js';
import type { Plan } from '../plan/types.js';
import { lockFile } from './paths.js';

/** What the lock file holds. */
export interface LockInfo {
  readonly pid: number;
  readonly hostname: string;
  readonly started_at: string;
  readonly run_id: string;
}

export interface AcquireOptions {
  /** take the lock even when a live process holds it (`run --force`). */
  readonly force?: boolean;
  /** recorded in the lock file; defaults to '<pid>-<epoch ms>'. */
  readonly run_id?: string;
  readonly events?: EventSink;
}

export interface RunLock {
  readonly file: string;
  readonly info: LockInfo;
  /** removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** A lock being written by another process has no content yet for a moment: treat it as held. */
const FRESH_MS = 10_000;

/**
 * Takes `<state.dir>/<name>.lock` (created with O_EXCL). A lock held by a live process on this
 * host → LockHeldError (exit 4); a lock whose process is gone is taken over with a warning.
 */
export async function acquireLock(plan: Pick<Plan, 'name' | 'state'>, options: AcquireOptions = {}): Promise<RunLock> {
  const file = lockFile(plan);
  const info: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    started_at: new Date().toISOString(),
    run_id: options.run_id ?? `${process.pid}-${Date.now()}`,
  };
  await mkdir(plan.state.dir, { recursive: true }).catch((err: unknown) => {
    throw new RunError('E_LOCK', `cannot create state directory ${plan.state.dir}: ${(err as Error).message}`, { cause: err });
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(file, info)) return makeLock(file, info);
    const holder = await readLock(plan);
    const verdict = await judge(file, holder);
    if (verdict === 'gone') continue; // removed between our open and read: try again
    if (verdict === 'held' && !options.force) throw heldError(plan.name, holder);
    const why = options.force ? 'forcing the lock' : 'taking over a stale lock';
    options.events?.({ type: 'warning', message: `${why} of ${plan.name}: ${describe(holder)}` });
    await rm(file, { force: true });
  }
  throw new LockHeldError(`another run of ${plan.name} keeps taking the lock ${file}`, { hint: 'retry later, or run with --force' });
}

async function tryCreate(file: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new RunError('E_LOCK', `cannot create lock ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** Reads the current lock file, if any (for `state` and messages). */
export async function readLock(plan: Pick<Plan, 'name' | 'state'>): Promise<LockInfo | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockFile(plan), 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number') return undefined;
    return parsed as LockInfo;
  } catch {
    return undefined;
  }
}

async function judge(file: string, holder: LockInfo | undefined): Promise<'held' | 'stale' | 'gone'> {
  if (holder) {
    if (holder.hostname !== hostname()) return 'held'; // cannot see another host's processes
    return pidAlive(holder.pid) ? 'held' : 'stale';
  }
  try {
    const st = await stat(file);
    return Date.now() - st.mtimeMs < FRESH_MS ? 'held' : 'stale';
  } catch {
    return 'gone';
  }
}

export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(holder: LockInfo | undefined): string {
  if (!holder) return 'lock file without owner information';
  return `pid ${holder.pid} on ${holder.hostname}, started ${holder.started_at}, run ${holder.run_id}`;
}

function heldError(name: string, holder: LockInfo | undefined): LockHeldError {
  const who = holder ? `pid ${holder.pid}${holder.hostname === hostname() ? '' : ` on ${holder.hostname}`}, started ${holder.started_at}` : 'a run that is starting';
  return new LockHeldError(`another run of ${name} (${who}) holds the lock`, {
    hint: 'wait for it to finish; if you are sure it is not running, rerun with --force',
  });
}

function makeLock(file: string, info: LockInfo): RunLock {
  let released = false;
  return {
    file,
    info,
    async release() {
      if (released) return;
      released = true;
      const current = await readFile(file, 'utf8').catch(() => undefined);
      // a forced run may have taken the lock from us: never delete someone else's lock
      if (current === undefined) return;
      try {
        if ((JSON.parse(current) as LockInfo).run_id !== info.run_id) return;
      } catch {
        return;
      }
      await rm(file, { force: true });
    },
  };
}
