/**
 * Reads option descriptions out of a connector's JSON Schema (TypeBox objects are plain JSON
 * Schema), for `connectors <name>`, the README tables and the create wizard.
 */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly description?: string;
  readonly title?: string;
  readonly examples?: readonly unknown[];
  readonly writeOnly?: boolean;
  readonly deprecated?: boolean;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly 'x-secret'?: boolean;
  readonly 'x-advanced'?: boolean;
  readonly 'x-prompt'?: string;
}

export interface OptionRow {
  readonly key: string;
  readonly type: string;
  readonly default?: string;
  readonly required: boolean;
  readonly description: string;
  readonly secret: boolean;
  readonly advanced: boolean;
  /** allowed values when the option is an enum (or a union of literals). */
  readonly choices?: readonly string[];
  readonly schema: JsonSchema;
}

/** The literal values of an enum or a union of consts, or undefined. */
export function enumValues(schema: JsonSchema): string[] | undefined {
  if (schema.enum) return schema.enum.map(String);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length && branches.every((b) => b.const !== undefined)) return branches.map((b) => String(b.const));
  return undefined;
}

/** A short type label: `string`, `integer`, `"a" | "b"`, `string[]`, `map of string`. */
export function typeLabel(schema: JsonSchema): string {
  const choices = enumValues(schema);
  if (choices && choices.length > 5) return `${choices.slice(0, 3).map((c) => JSON.stringify(c)).join(' | ')} | … (${choices.length} values)`;
  if (choices) return choices.map((c) => JSON.stringify(c)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length) return [...new Set(branches.map(typeLabel))].join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type as string | undefined);
  if (type === 'array') return `${schema.items ? typeLabel(schema.items) : 'any'}[]`;
  if (type === 'object' && schema.patternProperties) {
    const inner = Object.values(schema.patternProperties)[0];
    return `map of ${inner ? typeLabel(inner) : 'any'}`;
  }
  return type ?? 'any';
}

export function isSecretOption(schema: JsonSchema): boolean {
  return Boolean(schema.writeOnly || schema['x-secret']);
}

/** One row per property of an object schema, required first, then in declaration order. */
export function optionRows(schema: JsonSchema | undefined): OptionRow[] {
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties).map(([key, prop]): OptionRow => {
    const choices = enumValues(prop);
    return {
      key,
      type: typeLabel(prop),
      ...(prop.default !== undefined ? { default: JSON.stringify(prop.default) } : {}),
      required: required.has(key),
      description: (prop.description ?? prop.title ?? '').replace(/\s+/g, ' ').trim(),
      secret: isSecretOption(prop),
      advanced: Boolean(prop['x-advanced']),
      ...(choices ? { choices } : {}),
      schema: prop,
    };
  });
  return [...rows.filter((r) => r.required), ...rows.filter((r) => !r.required)];
}
