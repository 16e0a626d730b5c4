import type { Row, Value } from '../../core/records/types.js';

const BIG = '\u0000big:';
const BIG_QUOTED = /"\\u0000big:(-?\d+)"/g;

/**
 * One row as JSON text, exact: bigint is written as a bare JSON number (no quotes, no loss),
 * binary as base64, decimals as JSON strings (their exact text). Plain rows take the fast path.
 */
export function stringifyRow(row: Row): string {
  let special = false;
  for (const key in row) {
    const v = row[key];
    if (typeof v === 'bigint' || v instanceof Uint8Array) {
      special = true;
      break;
    }
  }
  if (!special) return JSON.stringify(row);
  const copy: Record<string, unknown> = {};
  for (const key in row) copy[key] = encodeSpecial(row[key]);
  return JSON.stringify(copy).replace(BIG_QUOTED, '$1');
}

function encodeSpecial(v: Value | undefined): unknown {
  if (typeof v === 'bigint') return BIG + v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return v;
}
