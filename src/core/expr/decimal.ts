/**
 * Exact decimal arithmetic on scaled BigInts. A decimal is `unscaled × 10^-scale`; values in rows
 * are strings ('12.30'), so these helpers parse and format that form.
 */
export interface Decimal {
  readonly u: bigint;
  readonly s: number;
}

/** Scale of a quotient: at least this many digits, or more when an operand has more. */
export const DIVISION_SCALE = 6;
const MAX_SCALE = 38;
const DECIMAL_TEXT = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?\s*$/;
const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) POW10.push(p);

export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/** Parses '12.30', '-0.5', '1e3', '.5'; undefined when the text is not a plain number. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return undefined;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart === '' && frac === '') return undefined;
  let u = BigInt((intPart || '0') + frac);
  let s = frac.length;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  s -= exp;
  if (s < 0) {
    u *= pow10(-s);
    s = 0;
  }
  if (s > MAX_SCALE * 2) return undefined;
  return { u: m[1] === '-' ? -u : u, s };
}

export function decimalFromInteger(n: number | bigint): Decimal {
  return { u: BigInt(n), s: 0 };
}

/** Exact decimal of a double via its shortest round-trip text (0.1 → 0.1, not 0.1000000000000000055). */
export function decimalFromNumber(n: number): Decimal | undefined {
  if (!Number.isFinite(n)) return undefined;
  return Number.isInteger(n) && Number.isSafeInteger(n) ? { u: BigInt(n), s: 0 } : parseDecimal(String(n));
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.s === b.s) return [a.u, b.u, a.s];
  if (a.s > b.s) return [a.u, b.u * pow10(a.s - b.s), a.s];
  return [a.u * pow10(b.s - a.s), b.u, b.s];
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = align(a, b);
  return { u: x + y, s };
}

export function subDecimal(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = align(a, b);
  return { u: x - y, s };
}

export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  return { u: a.u * b.u, s: a.s + b.s };
}

/** Divides with rounding half away from zero; undefined on division by zero. */
export function divDecimal(a: Decimal, b: Decimal, scale = Math.max(DIVISION_SCALE, a.s, b.s)): Decimal | undefined {
  if (b.u === 0n) return undefined;
  // (a.u / 10^a.s) / (b.u / 10^b.s) scaled to 10^scale
  let num = a.u * pow10(scale + b.s);
  let den = b.u * pow10(a.s);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  return { u: roundDiv(num, den), s: scale };
}

export function modDecimal(a: Decimal, b: Decimal): Decimal | undefined {
  const [x, y, s] = align(a, b);
  if (y === 0n) return undefined;
  return { u: x % y, s };
}

function roundDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds to `scale` digits (half away from zero); negative scale rounds to tens, hundreds… */
export function roundDecimal(a: Decimal, scale: number): Decimal {
  if (scale >= a.s) return a;
  const drop = pow10(a.s - Math.max(scale, 0) + Math.max(-scale, 0));
  const u = roundDiv(a.u, drop);
  if (scale >= 0) return { u, s: scale };
  return { u: u * pow10(-scale), s: 0 };
}

/** Truncates toward −∞ (floor) or +∞ (ceil) to an integer. */
export function floorDecimal(a: Decimal, up: boolean): bigint {
  const d = pow10(a.s);
  let q = a.u / d;
  const r = a.u % d;
  if (r !== 0n) {
    if (!up && a.u < 0n) q -= 1n;
    if (up && a.u > 0n) q += 1n;
  }
  return q;
}

export function formatDecimal(a: Decimal): string {
  const neg = a.u < 0n;
  let digits = (neg ? -a.u : a.u).toString();
  if (a.s === 0) return (neg ? '-' : '') + digits;
  if (digits.length <= a.s) digits = '0'.repeat(a.s - digits.length + 1) + digits;
  const cut = digits.length - a.s;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

export function decimalToNumber(a: Decimal): number {
  return Number(formatDecimal(a));
}

/**
 * Fast path for the common case: a plain decimal text ('-12.30') with at most 15 digits, as a
 * safe-integer unscaled value. Exact (no doubles involved); undefined sends callers to BigInt.
 */
export interface SmallDecimal {
  u: number;
  s: number;
}

const POW10_NUM = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export function parseSmallDecimal(text: string): SmallDecimal | undefined {
  const n = text.length;
  let i = 0;
  let neg = false;
  const c0 = text.charCodeAt(0);
  if (c0 === 45) {
    neg = true;
    i = 1;
  } else if (c0 === 43) i = 1;
  let u = 0;
  let s = -1;
  let digits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      u = u * 10 + (c - 48);
      if (++digits > 15) return undefined;
      if (s >= 0) s++;
    } else if (c === 46 && s < 0) s = 0;
    else return undefined;
  }
  if (digits === 0) return undefined;
  return { u: neg ? -u : u, s: s < 0 ? 0 : s };
}

/** a ∘ b on small decimals when the result stays a safe integer; undefined otherwise. */
export function smallOp(op: '+' | '-' | '*', a: SmallDecimal, b: SmallDecimal): string | undefined {
  let u: number;
  let s: number;
  if (op === '*') {
    u = a.u * b.u;
    s = a.s + b.s;
  } else {
    s = a.s > b.s ? a.s : b.s;
    const x = a.u * POW10_NUM[s - a.s]!;
    const y = b.u * POW10_NUM[s - b.s]!;
    u = op === '+' ? x + y : x - y;
  }
  if (!Number.isSafeInteger(u) || s > 15) return undefined;
  return formatScaled(u, s);
}

export function formatScaled(u: number, s: number): string {
  if (s === 0) return String(u === 0 ? 0 : u);
  const neg = u < 0;
  let digits = String(neg ? -u : u);
  if (digits.length <= s) digits = '0'.repeat(s - digits.length + 1) + digits;
  const cut = digits.length - s;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}
