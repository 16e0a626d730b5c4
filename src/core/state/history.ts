import { appendFile, mkdir, readFile } from 'node:fs/promises';
import type { Plan } from '../plan/types.js';
import { historyFile } from './paths.js';

/** One line of `<name>.runs.ndjson`. */
export interface RunHistoryEntry {
  readonly run_id: string;
  readonly pipeline: string;
  readonly status: string;
  readonly started_at: string;
  readonly finished_at: string;
  readonly ms: number;
  readonly rows_read: number;
  readonly rows_written: number;
  readonly rows_rejected: number;
  readonly exit_code: number;
  readonly watermark?: { readonly column: string; readonly previous?: string; readonly saved?: string };
  /** a `streams:` run: each stream's outcome. */
  readonly streams?: readonly { readonly stream: string; readonly status: string; readonly rows_read: number; readonly rows_written: number; readonly watermark?: string }[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** Appends one JSON line per run (O_APPEND: concurrent appends of small lines do not interleave). */
export async function appendHistory(plan: Pick<Plan, 'name' | 'state'>, entry: RunHistoryEntry): Promise<void> {
  await mkdir(plan.state.dir, { recursive: true });
  await appendFile(historyFile(plan), `${JSON.stringify(entry)}\n`);
}

/** The last `limit` runs, oldest first. Lines that do not parse (a crash mid-write) are skipped. */
export async function readHistory(plan: Pick<Plan, 'name' | 'state'>, limit = 20): Promise<RunHistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(historyFile(plan), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: RunHistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as RunHistoryEntry);
    } catch {
      // a torn last line: ignore
    }
  }
  return entries.slice(-limit);
}
