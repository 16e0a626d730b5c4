import type { ColumnType, Value } from '../../core/records/types.js';
import { formatDecimal, formatTimestamp, parseDecimal, parseInstant, toText } from '../../core/expr/index.js';

export type CastResult = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly reason: string };

const ok = (value: Value): CastResult => ({ ok: true, value });
const bad = (reason: string): CastResult => ({ ok: false, reason });

function show(v: Value): string {
  const s = typeof v === 'string' ? `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'` : typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
  return s ?? String(v);
}

function toInteger(v: Value): CastResult {
  if (typeof v === 'bigint') return ok(v);
  if (typeof v === 'number') return Number.isInteger(v) ? ok(v) : bad(`${v} is not an integer`);
  if (typeof v === 'boolean') return bad(`${v} is not an integer`);
  const d = typeof v === 'string' ? parseDecimal(v) : undefined;
  if (!d) return bad(`${show(v)} is not an integer`);
  const p = 10n ** BigInt(d.s);
  if (d.u % p !== 0n) return bad(`${show(v)} is not an integer (it has a fraction)`);
  const n = d.u / p;
  return ok(n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n);
}

function toNumber(v: Value): CastResult {
  if (typeof v === 'number') return ok(v);
  if (typeof v === 'bigint') return ok(Number(v));
  if (typeof v === 'string' && parseDecimal(v)) return ok(Number(v));
  return bad(`${show(v)} is not a number`);
}

function toDecimal(v: Value): CastResult {
  if (typeof v === 'bigint') return ok(v.toString());
  if (typeof v === 'number') return Number.isFinite(v) ? ok(formatDecimal(parseDecimal(String(v))!)) : bad(`${v} is not a decimal`);
  const d = typeof v === 'string' ? parseDecimal(v) : undefined;
  return d ? ok(formatDecimal(d)) : bad(`${show(v)} is not a decimal`);
}

function toBoolean(v: Value): CastResult {
  if (typeof v === 'boolean') return ok(v);
  if (typeof v === 'number' && (v === 0 || v === 1)) return ok(v === 1);
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (['true', 't', 'yes', 'y', '1'].includes(t)) return ok(true);
    if (['false', 'f', 'no', 'n', '0'].includes(t)) return ok(false);
  }
  return bad(`${show(v)} is not a boolean (true/false, yes/no, 1/0)`);
}

function toDate(v: Value): CastResult {
  const i = typeof v === 'string' ? parseInstant(v) : undefined;
  if (!i) return bad(`${show(v)} is not a date (YYYY-MM-DD)`);
  if (i.us % 86_400_000_000 !== 0) return bad(`${show(v)} has a time of day; cast to timestamp instead`);
  return ok(formatTimestamp(i.us).slice(0, 10));
}

function toTimestamp(v: Value): CastResult {
  const i = typeof v === 'string' ? parseInstant(v) : undefined;
  return i ? ok(formatTimestamp(i.us)) : bad(`${show(v)} is not an ISO-8601 timestamp`);
}

function toJson(v: Value): CastResult {
  if (typeof v !== 'string') return ok(v);
  try {
    return ok(JSON.parse(v) as Value);
  } catch (err) {
    return bad(`${show(v)} is not JSON (${(err as Error).message})`);
  }
}

/**
 * Converts one value to a column type, exactly: '1.50' → decimal '1.50', '7' → integer 7,
 * '1.5' → integer is an error (never rounded), timestamps are normalised to UTC. Null stays null.
 */
export function castValue(v: Value, type: ColumnType): CastResult {
  if (v === null || v === undefined) return ok(null);
  switch (type) {
    case 'string': return ok(toText(v));
    case 'integer': return toInteger(v);
    case 'number': return toNumber(v);
    case 'decimal': return toDecimal(v);
    case 'boolean': return toBoolean(v);
    case 'date': return toDate(v);
    case 'timestamp': return toTimestamp(v);
    case 'json': return toJson(v);
    case 'binary':
      if (v instanceof Uint8Array) return ok(v);
      return typeof v === 'string' ? ok(new TextEncoder().encode(v)) : bad(`${show(v)} is not binary`);
  }
}
