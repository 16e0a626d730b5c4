import type { IncrementalWindow } from '../../connectors/define.js';
import { RunError } from '../errors.js';
import type { IncrementalPlan } from '../plan/types.js';
import type { Value } from '../records/types.js';

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export interface WindowInput {
  readonly incremental: IncrementalPlan;
  readonly stored?: string;
  readonly full_refresh?: boolean;
  readonly from?: string;
  readonly to?: string;
}

/**
 * The rows to read: `--from/--to` is an explicit backfill window; `--full-refresh` has no lower
 * bound; otherwise the stored watermark (minus lookback) or `initial`.
 */
export function computeWindow(input: WindowInput): IncrementalWindow {
  const { incremental } = input;
  const until = input.to === undefined ? {} : { until: input.to };
  let after: string | undefined;
  if (input.from !== undefined || input.to !== undefined) after = input.from ?? incremental.initial;
  else if (input.full_refresh) after = undefined;
  else if (input.stored !== undefined) after = subtractLookback(input.stored, incremental.lookback);
  else after = incremental.initial;
  return { column: incremental.column, ...(after === undefined ? {} : { after }), ...until };
}

/** Watermark minus lookback: a number for numeric watermarks, an ISO-8601 duration for timestamps. */
export function subtractLookback(value: string, lookback: string | number | undefined): string {
  if (lookback === undefined || lookback === 0 || lookback === '') return value;
  if (NUMERIC.test(value)) {
    const amount = typeof lookback === 'number' ? lookback : NUMERIC.test(lookback) ? Number(lookback) : NaN;
    if (Number.isNaN(amount)) throw lookbackError(value, lookback);
    if (INTEGER.test(value) && Number.isInteger(amount)) return (BigInt(value) - BigInt(amount)).toString();
    return String(Number(value) - amount);
  }
  const ts = TIMESTAMP.exec(value);
  const micros = typeof lookback === 'string' ? durationMicros(lookback) : undefined;
  if (!ts || micros === undefined) throw lookbackError(value, lookback);
  if (ts[2] === undefined) return new Date(Date.parse(`${ts[1]}T00:00:00Z`) - Number(micros / 1000n)).toISOString().slice(0, 10);
  return formatMicros(toMicros(value)! - micros);
}

function lookbackError(value: string, lookback: string | number): RunError {
  return new RunError('E_LOOKBACK', `incremental lookback ${JSON.stringify(lookback)} does not fit the watermark ${JSON.stringify(value)}`, {
    hint: 'use a number for numeric watermarks and an ISO-8601 duration (PT1H, P1D) for timestamps',
  });
}

/** ISO-8601 duration (P1DT2H, PT30M, PT0.5S, P1W) in microseconds; months/years are not fixed lengths. */
export function durationMicros(text: string): bigint | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,6})?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  const [, w, d, h, min, s] = m;
  const secs = BigInt(w ?? 0) * 604800n + BigInt(d ?? 0) * 86400n + BigInt(h ?? 0) * 3600n + BigInt(min ?? 0) * 60n;
  const [whole, frac = ''] = (s ?? '0').split('.');
  return (secs + BigInt(whole!)) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
}

/** An ISO timestamp or date as microseconds since the epoch (UTC when no zone). */
export function toMicros(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, date, hh = '00', mm = '00', ss = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${date}T${hh}:${mm}:${ss}${z}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1000n + BigInt(frac.slice(0, 6).padEnd(6, '0'));
}

function formatMicros(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString(); // 2024-01-01T10:00:00.123Z
  const micro = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${iso.slice(0, 19)}.${micro.toString().padStart(6, '0')}Z`;
}

type Comparable = { kind: 'num'; n: bigint | number } | { kind: 'time'; us: bigint } | { kind: 'text'; s: string };

function comparable(v: Value | string): Comparable | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint') return { kind: 'num', n: v };
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : { kind: 'num', n: Number.isInteger(v) ? BigInt(v) : v };
  if (typeof v !== 'string') return undefined;
  if (INTEGER.test(v)) return { kind: 'num', n: BigInt(v) };
  if (NUMERIC.test(v)) return { kind: 'num', n: Number(v) };
  const us = toMicros(v);
  return us === undefined ? { kind: 'text', s: v } : { kind: 'time', us };
}

/** Orders watermark values: numbers numerically (bigint-exact), timestamps by instant, text lexicographically. */
export function compareWatermarks(a: Value | string, b: Value | string): number {
  return compareKeys(comparable(a), a, comparable(b), b);
}

/** compareWatermarks on keys already computed by comparable() (a and b for the text fallback). */
function compareKeys(x: Comparable | undefined, a: Value | string, y: Comparable | undefined, b: Value | string): number {
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  if (x.kind === 'num' && y.kind === 'num') return x.n < y.n ? -1 : x.n > y.n ? 1 : 0;
  if (x.kind === 'time' && y.kind === 'time') return x.us < y.us ? -1 : x.us > y.us ? 1 : 0;
  const sx = x.kind === 'text' ? x.s : String(a);
  const sy = y.kind === 'text' ? y.s : String(b);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/** Tracks the highest value of the incremental column over the extracted rows. */
export class WatermarkTracker {
  private best: Value | undefined;
  /** comparable(best), kept so each row classifies only its own value. */
  private bestKey: Comparable | undefined;

  constructor(readonly column: string) {}

  observe(rows: readonly Record<string, Value>[]): void {
    for (const row of rows) {
      const v = row[this.column];
      if (v === null || v === undefined) continue;
      const key = comparable(v);
      if (this.best === undefined || compareKeys(key, v, this.bestKey, this.best) > 0) {
        this.best = v;
        this.bestKey = key;
      }
    }
  }

  /** The max as text (bigint and numbers as decimal text), undefined when no row had a value. */
  get max(): string | undefined {
    if (this.best === undefined) return undefined;
    return typeof this.best === 'string' ? this.best : typeof this.best === 'object' ? JSON.stringify(this.best) : String(this.best);
  }
}
