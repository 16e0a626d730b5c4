/**
 * Dates and timestamps as the record model keeps them: 'YYYY-MM-DD' and ISO-8601 strings with up
 * to microsecond precision. Internally an instant is microseconds since the epoch (a double holds
 * every microsecond exactly for years 1685–2255). A timestamp without a zone is UTC; every date
 * part (year, day, date_trunc…) is taken in UTC.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface Instant {
  /** microseconds since 1970-01-01T00:00:00Z */
  readonly us: number;
  /** true when the text was a bare date */
  readonly dateOnly: boolean;
}

const US_PER_MS = 1000;
const US_PER_DAY = 86_400_000_000;

/** Cheap shape test before the regex: 'dddd-dd-dd…'. */
export function looksTemporal(text: string): boolean {
  if (text.length < 10) return false;
  const c4 = text.charCodeAt(4);
  const c7 = text.charCodeAt(7);
  const c0 = text.charCodeAt(0);
  return c4 === 45 && c7 === 45 && c0 >= 48 && c0 <= 57;
}

export function parseInstant(text: string): Instant | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(y), month)) return undefined;
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  const ms = utc(Number(y), month - 1, day, hour, minute, second);
  const micros = frac === undefined ? 0 : Number(frac.slice(0, 6).padEnd(6, '0'));
  let offsetMin = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
  }
  const us = ms * US_PER_MS + micros - offsetMin * 60_000_000;
  return { us, dateOnly: h === undefined && zone === undefined };
}

/** Date.UTC without its 0–99 → 1900–1999 year mapping ('0001-01-01' is a common sentinel). */
function utc(year: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const d = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (fraction omitted when zero, 3 digits when whole milliseconds). */
export function formatTimestamp(us: number): string {
  const ms = Math.floor(us / US_PER_MS);
  const micros = us - ms * US_PER_MS;
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds() * 1000 + micros;
  const base = `${formatYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (frac === 0) return `${base}Z`;
  if (frac % 1000 === 0) return `${base}.${pad(frac / 1000, 3)}Z`;
  return `${base}.${pad(frac, 6)}Z`;
}

export function formatDate(us: number): string {
  const d = new Date(Math.floor(us / US_PER_MS));
  return `${formatYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function formatYear(y: number): string {
  return y >= 0 && y <= 9999 ? pad(y, 4) : String(y);
}

export type DateUnit = 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

const FIXED: Partial<Record<DateUnit, number>> = {
  microsecond: 1,
  millisecond: 1000,
  second: 1_000_000,
  minute: 60_000_000,
  hour: 3_600_000_000,
  day: US_PER_DAY,
  week: 7 * US_PER_DAY,
};

const UNIT_ALIASES: Record<string, DateUnit> = {
  microsecond: 'microsecond', microseconds: 'microsecond', us: 'microsecond',
  millisecond: 'millisecond', milliseconds: 'millisecond', ms: 'millisecond',
  second: 'second', seconds: 'second', s: 'second',
  minute: 'minute', minutes: 'minute', m: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour',
  day: 'day', days: 'day', d: 'day',
  week: 'week', weeks: 'week',
  month: 'month', months: 'month',
  quarter: 'quarter', quarters: 'quarter',
  year: 'year', years: 'year',
};

export const DATE_UNITS: readonly string[] = ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

export function dateUnit(text: string): DateUnit | undefined {
  return Object.hasOwn(UNIT_ALIASES, text.toLowerCase()) ? UNIT_ALIASES[text.toLowerCase()] : undefined;
}

/** Start of the unit containing `us` (weeks start on Monday, as ISO and DuckDB). */
export function truncate(us: number, unit: DateUnit): number {
  if (unit === 'week') {
    const day = Math.floor(us / US_PER_DAY);
    const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (3 from Monday)
    return (day - weekday) * US_PER_DAY;
  }
  const fixed = FIXED[unit];
  if (fixed !== undefined) return Math.floor(us / fixed) * fixed;
  const d = new Date(Math.floor(us / US_PER_MS));
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (unit === 'year') return utc(y, 0, 1) * US_PER_MS;
  if (unit === 'quarter') return utc(y, m - (m % 3), 1) * US_PER_MS;
  return utc(y, m, 1) * US_PER_MS;
}

/** Adds n units; months and years keep the day, clamped to the month's last day. */
export function addUnits(us: number, n: number, unit: DateUnit): number {
  const fixed = FIXED[unit];
  if (fixed !== undefined) return us + n * fixed;
  const months = unit === 'year' ? n * 12 : unit === 'quarter' ? n * 3 : n;
  const ms = Math.floor(us / US_PER_MS);
  const rest = us - ms * US_PER_MS;
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(y, m + 1));
  const out = utc(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return out * US_PER_MS + rest;
}

/** Unit boundaries crossed from a to b (DuckDB date_diff): truncate both, then count. */
export function diffUnits(a: number, b: number, unit: DateUnit): number {
  const fixed = unit === 'week' ? undefined : FIXED[unit];
  if (fixed !== undefined) return Math.floor(b / fixed) - Math.floor(a / fixed);
  if (unit === 'week') return Math.round((truncate(b, 'week') - truncate(a, 'week')) / (7 * US_PER_DAY));
  const da = new Date(Math.floor(a / US_PER_MS));
  const db = new Date(Math.floor(b / US_PER_MS));
  const months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
  if (unit === 'month') return months;
  if (unit === 'quarter') return Math.floor((db.getUTCFullYear() * 12 + db.getUTCMonth()) / 3) - Math.floor((da.getUTCFullYear() * 12 + da.getUTCMonth()) / 3);
  return db.getUTCFullYear() - da.getUTCFullYear();
}

export function datePart(us: number, part: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'): number {
  const d = new Date(Math.floor(us / US_PER_MS));
  switch (part) {
    case 'year': return d.getUTCFullYear();
    case 'month': return d.getUTCMonth() + 1;
    case 'day': return d.getUTCDate();
    case 'hour': return d.getUTCHours();
    case 'minute': return d.getUTCMinutes();
    default: return d.getUTCSeconds();
  }
}

/** ISO-8601 duration ('PT24H', 'P1D', 'P1DT2H30M') in microseconds; months/years are not allowed. */
export function parseDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  const [, w, d, h, mi, s] = m;
  return (
    Number(w ?? 0) * 7 * US_PER_DAY +
    Number(d ?? 0) * US_PER_DAY +
    Number(h ?? 0) * 3_600_000_000 +
    Number(mi ?? 0) * 60_000_000 +
    Math.round(Number(s ?? 0) * 1_000_000)
  );
}
