import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RunError } from '../../core/errors.js';
import { bigintSafe, type CliContext } from '../context.js';

/** Writes a JSON report atomically (temp file + rename), redacted. */
export async function writeReport(cli: CliContext, file: string, report: unknown): Promise<void> {
  await writeAtomic(file, JSON.stringify(cli.redactValue(report), bigintSafe, 2) + '\n');
}

/** Writes text via a temp file + rename, so readers never see half a file. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new RunError('E_REPORT_WRITE', `cannot write ${file}: ${reason}`, {
      cause: err,
      hint: 'check that the directory exists and is writable',
    });
  }
}
