import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Reliability helpers: run the BUILT bin the way a user would; never import src. */
import { BIN } from '../e2e/helpers.js';

// the same built bin and checks as the end-to-end tests
export { ROOT, BIN, assertBuilt, listFiles } from '../e2e/helpers.js';
const TIME = '/usr/bin/time';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** true when the run was killed for exceeding timeoutMs. */
  readonly timedOut: boolean;
  /** peak resident set size in MB (only with measureMemory). */
  readonly peakMb?: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly input?: string;
  /** killed with SIGKILL after this long; default 60 s. */
  readonly timeoutMs?: number;
  /** run under /usr/bin/time -f %M and report the peak RSS. */
  readonly measureMemory?: boolean;
}

export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/** Spawns the CLI directly (no wrapper), so kill() reaches node itself. */
export function spawnCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs the CLI to completion (or kills it at timeoutMs) and collects its output. */
export async function runCli(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const memFile = options.measureMemory ? join(options.cwd, `.time-${process.pid}-${Date.now()}`) : undefined;
  const child = memFile
    ? spawn(TIME, ['-f', '%M', '-o', memFile, process.execPath, BIN, ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    : spawnCli(args, options);
  const result = await collect(child, options.timeoutMs ?? 60_000, options.input);
  if (!memFile) return result;
  const text = await readFile(memFile, 'utf8').catch(() => '');
  await rm(memFile, { force: true });
  const kb = Number(/(\d+)\s*$/.exec(text.trim())?.[1] ?? NaN);
  // /usr/bin/time reports a child's non-zero exit on its own first line; the code is passed through
  return { ...result, peakMb: kb / 1024 };
}

export function collect(child: ChildProcess, timeoutMs: number, input?: string): Promise<RunResult> {
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < 4_000_000) stdout += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4_000_000) stderr += d; });
  child.stdin?.on('error', () => {});
  child.stdin?.end(input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Kills a child (and its group when it was started detached). */
export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
}

export async function tempDir(prefix = 'etl-rel-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function write(dir: string, name: string, text: string | Uint8Array): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** stderr holds no stack trace lines. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(\(|:\d+:\d+)/m.test(text);
}

export { seededRandom } from './random.mjs';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
