import { dirname } from 'node:path';
import { parseYamlText } from '../config/parse.js';
import type { PluginRequest } from './load.js';

/**
 * The plugin requests of a pipeline: its `plugins:` entries (resolved against its directory,
 * with their file:line:col), then `flags` (`--plugin`: paths against `cwd`, packages from the pipeline's directory then `cwd`). Read before the
 * registry exists; a file that does not parse yields only the flags (loading reports why).
 */
export function pluginRequests(text: string | undefined, file: string | undefined, flags: readonly string[], cwd: string): PluginRequest[] {
  const out: PluginRequest[] = [];
  if (text !== undefined && file !== undefined) {
    const parsed = parseYamlText(text, file);
    const value = parsed.value;
    const list = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)['plugins'] : undefined;
    if (Array.isArray(list)) {
      list.forEach((spec, i) => {
        if (typeof spec !== 'string' || !spec.trim()) return; // the schema reports it
        const path = `/plugins/${i}`;
        const location = parsed.map.locate(path);
        out.push({ spec: spec.trim(), dir: dirname(file), path, ...(location ? { location } : {}) });
      });
    }
  }
  // a flag's path is typed at the shell (cwd); its package is looked up next to the pipeline first
  const lookup = file !== undefined ? [dirname(file), cwd] : [cwd];
  for (const spec of flags) out.push({ spec, dir: cwd, lookup });
  return out;
}
