import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../../core/errors.js';

/** templates/ at the package root (same depth from src/ and dist/). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../../templates/', import.meta.url));

export interface TemplateInfo {
  readonly name: string;
  readonly file: string;
  readonly description: string;
}

function describe(text: string): string {
  const line = /^description:\s*(.+)$/m.exec(text)?.[1] ?? /^#\s*(.+)$/m.exec(text)?.[1] ?? '';
  return line.replace(/^["']|["']$/g, '').trim();
}

export async function listTemplates(): Promise<TemplateInfo[]> {
  let names: string[];
  try {
    names = (await readdir(TEMPLATES_DIR)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return [];
  }
  return Promise.all(
    names.map(async (n) => {
      const file = TEMPLATES_DIR + n;
      return { name: n.replace(/\.ya?ml$/, ''), file, description: describe(await readFile(file, 'utf8')) };
    }),
  );
}

export async function readTemplate(name: string): Promise<{ info: TemplateInfo; text: string }> {
  const all = await listTemplates();
  const info = all.find((t) => t.name === name.replace(/\.ya?ml$/, ''));
  if (!info) throw new UsageError(`unknown template "${name}"`, { hint: `templates: ${all.map((t) => t.name).join(', ')}` });
  return { info, text: await readFile(info.file, 'utf8') };
}
