import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLines } from '../helpers/data.js';

/** End-to-end helpers: run the BUILT bin in a temp dir; never import src. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** ETL_CLI_E2E_BIN points the tests at another build of the same CLI (a scratch outDir). */
export const BIN = process.env.ETL_CLI_E2E_BIN ?? join(ROOT, 'bin', 'etl-cli.js');

export function assertBuilt(): void {
  if (process.env.ETL_CLI_E2E_BIN) return;
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env?: Record<string, string>;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export function spawnCli(args: readonly string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Collects a spawned CLI's output; resolves when it exits. */
export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`etl-cli timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export async function cli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const child = spawnCli(args, options);
  const done = collect(child, options.timeoutMs);
  child.stdin?.end(options.input ?? '');
  return done;
}

const created: string[] = [];

export async function tempDir(prefix = 'etl-e2e-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** afterAll: removes every temp dir this test file created. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Every file under dir (relative paths, sorted), including hidden ones. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(relative(dir, full));
    }
  };
  await walk(dir);
  return out.sort();
}

export async function write(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** A CSV of n rows: id,name,amount. */
export function csvRows(n: number, start = 1): string {
  const lines = ['id,name,amount'];
  for (let i = start; i < start + n; i++) lines.push(`${i},name ${i},${(i % 100) + 0.5}`);
  return lines.join('\n') + '\n';
}

/** Writes a large CSV in chunks (cheap on CPU and memory). */
export function writeLargeCsv(file: string, rows: number): Promise<void> {
  return writeLines(file, 'id,name,amount', rows, (i) => `${i},customer number ${i},${i % 1000}.25`);
}

/** Resolves when the child's stderr has produced a line matching `re`. */
export function waitForStderr(child: ChildProcess, re: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no stderr matching ${re} within ${timeoutMs} ms: ${seen.slice(-2000)}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer | string) => {
      seen += d.toString();
      if (re.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`exited before stderr matched ${re}: ${seen.slice(-2000)}`));
    });
  });
}
