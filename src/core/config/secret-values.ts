import type { Registry } from '../../registry.js';
import { isSecretKey, type SecretRegistry } from '../secrets.js';

const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:([^@/?#\s]+)@/gi;

/** Registers values under secret-looking keys and passwords inside URLs, anywhere in the tree. */
export function registerSecrets(value: unknown, secrets: SecretRegistry, key = ''): void {
  if (typeof value === 'string') {
    if (key && isSecretKey(key)) secrets.add(value);
    for (const match of value.matchAll(URL_PASSWORD)) {
      secrets.add(match[1]);
      try {
        secrets.add(decodeURIComponent(match[1] ?? ''));
      } catch {
        // not percent-encoded: the raw form is registered
      }
    }
    return;
  }
  if (typeof value === 'number' && key && isSecretKey(key)) {
    secrets.add(String(value));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) registerSecrets(item, secrets, key);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) registerSecrets(v, secrets, k);
  }
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Values of options a connector marks `x-secret: true` (a `dsn`, a `url` with credentials),
 * walking nested objects and the branches of unions (`auth: { type: api_key, value }`).
 */
function addMarked(value: unknown, schema: unknown, secrets: SecretRegistry, depth = 0): void {
  if (!isObject(schema) || depth > 8) return;
  if (schema['x-secret'] === true && (typeof value === 'string' || typeof value === 'number')) {
    secrets.add(String(value));
    return;
  }
  for (const branch of [schema['anyOf'], schema['oneOf'], schema['allOf']]) {
    if (Array.isArray(branch)) for (const b of branch) addMarked(value, b, secrets, depth + 1);
  }
  if (Array.isArray(value)) {
    for (const item of value) addMarked(item, schema['items'], secrets, depth + 1);
    return;
  }
  if (!isObject(value) || !isObject(schema['properties'])) return;
  for (const [key, prop] of Object.entries(schema['properties'])) addMarked(value[key], prop, secrets, depth + 1);
}

export function registerSchemaSecrets(doc: Obj, registry: Registry, secrets: SecretRegistry): void {
  const typeOf = (v: unknown): string => (isObject(v) && typeof v['type'] === 'string' ? v['type'] : '');
  for (const conn of Object.values(isObject(doc['connections']) ? doc['connections'] : {})) {
    addMarked(conn, registry.connector(typeOf(conn))?.connection, secrets);
  }
  addMarked(doc['extract'], registry.connector(typeOf(doc['extract']))?.source?.options, secrets);
  for (const sink of Array.isArray(doc['load']) ? doc['load'] : [doc['load']]) {
    addMarked(sink, registry.connector(typeOf(sink))?.sink?.options, secrets);
  }
  for (const step of Array.isArray(doc['transform']) ? doc['transform'] : []) {
    const def = registry.transform(typeOf(step));
    addMarked(step, def?.options, secrets);
    // a nested source (lookup's `from:`) has its connector's secret options
    for (const key of def?.source_options ?? []) {
      const nested = isObject(step) ? step[key] : undefined;
      addMarked(nested, registry.connector(typeOf(nested))?.source?.options, secrets);
    }
  }
}
