import { compareValues, compileForSchema, ExpressionRuntimeError, formatTimestamp, parseDuration, parseInstant, toText } from '../../core/expr/index.js';
import type { ColumnType, RecordSchema, Row, Value } from '../../core/records/types.js';
import { castValue } from '../shared/convert.js';
import { hasNullKey, rowKey } from '../shared/key.js';
import type { ValidateOptions, ValidateRule } from './index.js';

export type Action = 'reject' | 'drop' | 'warn' | 'fail';

/** A per-row check: returns the failure reason, or undefined when the row passes. */
export interface RowCheck {
  readonly name: string;
  readonly column?: string;
  readonly action: Action;
  /** the offending value, for samples */
  check(row: Row): { reason: string; value: Value } | undefined;
}

/** A check decided at the end of the run (freshness, row_count). */
export interface EndCheck {
  readonly name: string;
  readonly action: Action;
  observe(row: Row): void;
  finish(): string | undefined;
}

const get = (row: Row, c: string): Value => (Object.hasOwn(row, c) ? (row[c] ?? null) : null);

function show(v: Value): string {
  return typeof v === 'string' ? `'${v.length > 60 ? `${v.slice(0, 60)}…` : v}'` : typeof v === 'bigint' ? v.toString() : JSON.stringify(v) ?? String(v);
}

function modeFor(type: ColumnType | undefined): 'auto' | 'decimal' | 'instant' {
  if (type === 'integer' || type === 'number' || type === 'decimal') return 'decimal';
  return type === 'date' || type === 'timestamp' ? 'instant' : 'auto';
}

/** Every column a rule reads (checked against the schema at the first batch). */
export function ruleColumns(rule: ValidateRule): string[] {
  if ('not_null' in rule) return rule.not_null;
  if ('unique' in rule) return rule.unique;
  if ('expr' in rule || 'row_count' in rule) return [];
  const body = Object.values(rule).find((v) => v !== null && typeof v === 'object' && 'column' in v) as { column: string } | undefined;
  return body ? [body.column] : [];
}

interface BuildContext {
  readonly schema: RecordSchema;
  readonly now: string;
  readonly onFail: Action;
}

function actionOf(rule: ValidateRule, b: BuildContext): Action {
  return rule.severity === 'warning' ? 'warn' : (rule.on_fail ?? b.onFail);
}

function typeOf(b: BuildContext, column: string): ColumnType | undefined {
  return b.schema.columns.find((c) => c.name === column)?.type;
}

/** The per-row checks (need the schema: expression types, column types). */
export function buildRowChecks(options: ValidateOptions, schema: RecordSchema, now: string): RowCheck[] {
  const b: BuildContext = { schema, now, onFail: options.on_fail ?? 'reject' };
  return options.rules.filter((r) => !('freshness' in r || 'row_count' in r)).flatMap((rule) => rowChecks(rule, actionOf(rule, b), b));
}

/** The end-of-run checks; built up front so they run even when no batch arrives. */
export function buildEndChecks(options: ValidateOptions, now: string): EndCheck[] {
  const b: BuildContext = { schema: { columns: [] }, now, onFail: options.on_fail ?? 'reject' };
  return options.rules.filter((r) => 'freshness' in r || 'row_count' in r).map((rule) => endCheck(rule, actionOf(rule, b), b));
}

function rowChecks(rule: ValidateRule, action: Action, b: BuildContext): RowCheck[] {
  if ('not_null' in rule) {
    return rule.not_null.map((column) => ({
      name: rule.id !== undefined ? (rule.not_null.length === 1 ? rule.id : `${rule.id}(${column})`) : `not_null(${column})`,
      column, action,
      check: (row: Row) => (get(row, column) === null ? { reason: `${column} is null`, value: null } : undefined),
    }));
  }
  if ('unique' in rule) {
    const seen = new Set<string>();
    const cols = rule.unique;
    return [{
      name: rule.id ?? `unique(${cols.join(', ')})`, column: cols.join(', '), action,
      check: (row: Row) => {
        if (hasNullKey(row, cols)) return undefined;
        const key = rowKey(row, cols);
        if (!seen.has(key)) {
          seen.add(key);
          return undefined;
        }
        const value = cols.length === 1 ? get(row, cols[0]!) : cols.map((c) => toText(get(row, c))).join(', ');
        return { reason: `duplicate ${cols.join(', ')} ${show(value)}`, value };
      },
    }];
  }
  if ('expr' in rule) {
    const expr = compileForSchema(rule.expr, b.schema, b.now);
    return [{
      name: rule.id ?? `expr(${rule.expr})`, action,
      check: (row: Row) => {
        try {
          return expr.evaluate(row) === false ? { reason: `${rule.expr} is false`, value: null } : undefined;
        } catch (err) {
          if (!(err instanceof ExpressionRuntimeError)) throw err;
          return { reason: err.message, value: null };
        }
      },
    }];
  }
  return [valueCheck(rule, action, b)];
}

/** range / regex / in / length / type: a test on one column's non-null value. */
function valueCheck(rule: ValidateRule, action: Action, b: BuildContext): RowCheck {
  const [kind, body] = Object.entries(rule).find(([k]) => !['id', 'severity', 'on_fail'].includes(k)) as [string, Record<string, unknown> & { column: string }];
  const column = body.column;
  const test = valueTest(kind, body, modeFor(typeOf(b, column)));
  return {
    name: rule.id ?? `${kind}(${column})`, column, action,
    check: (row: Row) => {
      const v = get(row, column);
      if (v === null) return undefined;
      const reason = test(v);
      return reason === undefined ? undefined : { reason: `${column} ${reason}`, value: v };
    },
  };
}

function valueTest(kind: string, body: Record<string, unknown>, mode: 'auto' | 'decimal' | 'instant'): (v: Value) => string | undefined {
  switch (kind) {
    case 'range': {
      const min = body['min'] as Value | undefined;
      const max = body['max'] as Value | undefined;
      return (v) => {
        for (const [bound, sign, word] of [[min, -1, 'below the minimum'], [max, 1, 'above the maximum']] as const) {
          if (bound === undefined) continue;
          const c = compareValues(v, bound, mode);
          if (Number.isNaN(c)) return `${show(v)} cannot be compared with ${show(bound)}`;
          if (c === sign) return `${show(v)} is ${word} ${show(bound)}`;
        }
        return undefined;
      };
    }
    case 'regex': {
      const re = new RegExp(body['pattern'] as string, (body['flags'] as string | undefined) ?? '');
      return (v) => (re.test(toText(v)) ? undefined : `${show(v)} does not match ${String(body['pattern'])}`);
    }
    case 'in': {
      const values = body['values'] as Value[];
      return (v) => (values.some((x) => compareValues(v, x, mode === 'instant' ? 'instant' : 'auto') === 0) ? undefined : `${show(v)} is not one of ${values.map(show).join(', ')}`);
    }
    case 'length': {
      const min = body['min'] as number | undefined;
      const max = body['max'] as number | undefined;
      return (v) => {
        const n = Array.from(toText(v)).length;
        if (min !== undefined && n < min) return `has ${n} characters, fewer than ${min}`;
        if (max !== undefined && n > max) return `has ${n} characters, more than ${max}`;
        return undefined;
      };
    }
    default: {
      const type = body['type'] as ColumnType;
      return (v) => {
        const r = castValue(v, type);
        return r.ok ? undefined : `is not a valid ${type}: ${r.reason}`;
      };
    }
  }
}

function endCheck(rule: ValidateRule, action: Action, b: BuildContext): EndCheck {
  if ('row_count' in rule) {
    let n = 0;
    const { min, max } = rule.row_count;
    return {
      name: rule.id ?? 'row_count', action,
      observe: () => void n++,
      finish: () => (min !== undefined && n < min ? `${n} rows, fewer than ${min}` : max !== undefined && n > max ? `${n} rows, more than ${max}` : undefined),
    };
  }
  if (!('freshness' in rule)) throw new Error('unreachable');
  const { column, max_age } = rule.freshness;
  const maxAge = parseDuration(max_age) ?? 0;
  const now = parseInstant(b.now)?.us ?? Date.now() * 1000;
  let newest: number | undefined;
  return {
    name: rule.id ?? `freshness(${column})`, action,
    observe: (row) => {
      const v = get(row, column);
      const us = typeof v === 'string' ? parseInstant(v)?.us : undefined;
      if (us !== undefined && (newest === undefined || us > newest)) newest = us;
    },
    finish: () => {
      if (newest === undefined) return `no ${column} values to check`;
      const age = now - newest;
      if (age <= maxAge) return undefined;
      return `newest ${column} is ${formatTimestamp(newest)}, ${(age / 3_600_000_000).toFixed(1)}h before the run start (max_age ${max_age})`;
    },
  };
}
