import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Registry } from '../../registry.js';
import { composePipelineSchema } from './compose.js';

/** Annotation keywords connectors may use in their option schemas; ajv strict mode must know them. */
export const ANNOTATION_KEYWORDS = ['x-secret', 'x-advanced', 'x-example', 'x-examples', 'x-docs', 'x-deprecated', 'x-label', 'x-unit'];

const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/,
  time: /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  url: /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i,
  email: /^[^\s@]+@[^\s@]+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  duration: /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
  hostname: /^[a-z0-9.-]+$/i,
};

export interface PipelineValidator {
  readonly schema: Record<string, unknown>;
  validate(document: unknown): readonly ErrorObject[];
}

const cache = new WeakMap<Registry, PipelineValidator>();

/** Every `x-…` keyword and every `format` used anywhere in the schema (plugins may bring new ones). */
function collect(schema: unknown, keywords: Set<string>, formats: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) collect(item, keywords, formats);
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) keywords.add(key);
    if (key === 'format' && typeof value === 'string') formats.add(value);
    collect(value, keywords, formats);
  }
}

function createAjv(schema: Record<string, unknown>): Ajv {
  // verbose: errors carry the failing data and parent schema (allowed keys for did-you-mean)
  const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, useDefaults: false, verbose: true, logger: false });
  const keywords = new Set(ANNOTATION_KEYWORDS);
  const formats = new Set<string>();
  collect(schema, keywords, formats);
  for (const keyword of keywords) ajv.addKeyword({ keyword, schemaType: ['string', 'boolean', 'number', 'object', 'array'] });
  for (const format of formats) {
    const re = FORMATS[format];
    // an unknown format is documentation only: accept it rather than fail strict compilation
    ajv.addFormat(format, re ?? true);
  }
  return ajv;
}

/** The compiled pipeline validator for a registry, compiled once and cached. */
export function pipelineValidator(registry: Registry): PipelineValidator {
  const cached = cache.get(registry);
  if (cached) return cached;
  const schema = composePipelineSchema(registry);
  const fn: ValidateFunction = createAjv(schema).compile(schema);
  const validator: PipelineValidator = {
    schema,
    validate(document) {
      return fn(document) ? [] : [...(fn.errors ?? [])];
    },
  };
  cache.set(registry, validator);
  return validator;
}
