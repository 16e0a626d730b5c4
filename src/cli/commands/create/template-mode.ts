import type { OptionRow } from '../../render/schema-options.js';
import { answerFields, coerce, type Ask, type Field } from './from-schema.js';
import { readTemplate } from './templates.js';

/** Template mode: asks each `vars:` entry (default from the template), keeps the comments. */
export async function fromTemplate(name: string, pipelineName: string, sets: Map<string, string>, ask: Ask | undefined): Promise<string> {
  const { parseDocument, isMap, isScalar } = await import('yaml');
  const { text } = await readTemplate(name);
  const doc = parseDocument(text);
  const vars = doc.get('vars');
  const fields: Field[] = [];
  if (isMap(vars)) {
    for (const item of vars.items) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      const value = isScalar(item.value) ? item.value.value : undefined;
      const comment = isScalar(item.value) ? (item.value.comment ?? '').trim() : '';
      const row: OptionRow = {
        key, type: 'string', required: true, description: comment, secret: false, advanced: false,
        schema: { type: 'string', ...(value !== undefined && value !== null ? { default: String(value) } : {}) },
      };
      fields.push({ path: `vars.${key}`, label: `var ${key}`, row });
    }
  }
  doc.set('name', pipelineName);
  for (const [path, value] of await answerFields(fields, sets, ask)) doc.setIn(path.split('.'), value);
  const asked = new Set(fields.map((f) => f.path));
  for (const [path, raw] of sets) if (!asked.has(path)) doc.setIn(path.split('.'), coerce(raw, undefined, path));
  return doc.toString();
}
