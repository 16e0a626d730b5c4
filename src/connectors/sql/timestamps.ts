/**
 * Canonical ISO timestamps → the 'YYYY-MM-DD HH:MM:SS.ffffff' literal that MySQL/MariaDB DATETIME
 * and Oracle TIMESTAMP accept. A value with an offset is moved to UTC first (the sessions run in
 * UTC); the fractional digits are kept exactly (never through Date, which drops microseconds).
 */
const ISO = /^(\d{4}-\d\d-\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?(\.\d+)?(Z|z|[+-]\d\d(?::?\d\d)?)?$/;

export function toUtcDateTime(text: string): string {
  const m = ISO.exec(text);
  if (!m) return text;
  const [, date, hh, mi, ss = '00', frac = '', zone] = m;
  const offset = zoneSeconds(zone);
  if (offset === 0) return `${date} ${hh}:${mi}:${ss}${frac}`;
  const [y, mo, d] = date!.split('-').map(Number) as [number, number, number];
  const utc = Date.UTC(y, mo - 1, d, Number(hh), Number(mi), Number(ss)) - offset * 1000;
  const iso = new Date(utc).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac}`;
}

function zoneSeconds(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
}

/** '2024-01-02 03:04:05.5' (a UTC server value) → '2024-01-02T03:04:05.5' + suffix ('Z' or ''). */
export function isoFromDateTime(text: string, zone: '' | 'Z'): string {
  return /^\d{4}-\d\d-\d\d \d/.test(text) ? `${text.replace(' ', 'T')}${zone}` : text;
}
