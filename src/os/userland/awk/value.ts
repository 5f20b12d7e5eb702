/**
 * awk values and their conversions (POSIX awk "Expressions in awk"): a value is a number, a
 * string, or a numeric string (input that looks like a number: fields, getline, -v, ARGV, split),
 * which compares as a number but prints as the text it was read as.
 */
import { formatPrintf } from './format.js';

export class StrNum {
  constructor(
    readonly s: string,
    readonly n: number,
  ) {}
}

export type Value = number | string | StrNum;

/** An uninitialized variable: both "" and 0. */
export const UNINIT = new StrNum('', 0);

const NUMERIC = /^[ \t\n\r\f\v]*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[ \t\n\r\f\v]*$/;
const PREFIX = /^[ \t\n\r\f\v]*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/;

/** A value read from input: a numeric string when it looks like a number. */
export function fromInput(s: string): Value {
  return NUMERIC.test(s) ? new StrNum(s, Number(s.trim())) : s;
}

/** strtod-like: the longest numeric prefix, else 0 ("3x" is 3, "x" is 0). */
export function strToNum(s: string): number {
  const m = PREFIX.exec(s);
  if (!m) {
    const inf = /^[ \t]*([+-])(inf|nan)/i.exec(s);
    if (inf) return inf[2]!.toLowerCase() === 'nan' ? NaN : inf[1] === '-' ? -Infinity : Infinity;
    return 0;
  }
  return Number(m[0].trim());
}

export function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return strToNum(v);
  return v.n;
}

/** Number → string: integers print as integers, others through CONVFMT (or OFMT for output). */
export function numToStr(n: number, fmt: string): string {
  // Integral values print as integers (exactly, up to 2^63, as gawk does); larger ones through the format.
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) {
    return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  }
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return formatPrintf(fmt, [n], (v) => toNum(v), (v) => toStr(v, fmt));
}

export function toStr(v: Value, convfmt: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numToStr(v, convfmt);
  return v.s;
}

export function toBool(v: Value): boolean {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '';
  // A numeric string is true when its number is non-zero; the uninitialized value is false.
  return v === UNINIT ? false : v.n !== 0;
}

export function isNumeric(v: Value): boolean {
  return typeof v !== 'string';
}
