import { enumValues } from '../../render/schema-options.js';
import { coerce, secretEnvName, type Ask, type Field } from './from-schema.js';

/** The interactive answerer: the prompt kind follows the schema (enum, boolean, secret, text). */
export async function makeAsk(): Promise<Ask> {
  const { input, select, confirm } = await import('@inquirer/prompts');
  return async (field: Field) => {
    const { row } = field;
    const message = `${field.label}${row.description ? ` (${row.description})` : ''}`;
    const choices = enumValues(row.schema);
    if (choices) {
      return select({ message, choices: choices.map((c) => ({ name: c, value: c })), ...(row.schema.default !== undefined ? { default: String(row.schema.default) } : {}) });
    }
    if (row.schema.type === 'boolean') {
      return confirm({ message, default: row.schema.default === undefined ? false : Boolean(row.schema.default) });
    }
    if (row.secret) {
      const name = await input({
        message: `${field.label} is a secret: name of the environment variable that will hold it`,
        default: secretEnvName(field.path),
        validate: (v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) || 'letters, digits and _ only',
      });
      return `\${env:${name}}`;
    }
    const text = await input({
      message,
      ...(row.schema.default !== undefined ? { default: String(row.schema.default) } : {}),
      required: true,
      validate: (v) => {
        try {
          coerce(v, row.schema, field.path);
          return true;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
    return coerce(text, row.schema, field.path);
  };
}

export async function chooseOne(message: string, choices: readonly { name: string; value: string; description?: string }[]): Promise<string> {
  const { select } = await import('@inquirer/prompts');
  return select({ message, choices: [...choices] });
}

export async function askText(message: string, def: string): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input({ message, default: def, required: true });
}
