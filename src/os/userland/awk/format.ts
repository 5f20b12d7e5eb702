/**
 * printf/sprintf formatting with C semantics: %d %i %o %u %x %X %e %E %f %F %g %G %c %s %%, the
 * flags - + space # 0, width and precision (both may be `*`).
 */
import type { Value } from './value.js';

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXeEfFgGcs%])/y;

function pad(body: string, sign: string, width: number, flags: string, numeric: boolean): string {
  const len = sign.length + body.length;
  if (width <= len) return sign + body;
  if (flags.includes('-')) return sign + body + ' '.repeat(width - len);
  if (flags.includes('0') && numeric) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

function signOf(negative: boolean, flags: string): string {
  return negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
}

/** C's %e body for a non-negative finite x: d.ddde+XX. */
function expo(x: number, prec: number, upper: boolean): string {
  const s = x.toExponential(Math.min(prec, 100));
  const [mant, exp] = s.split('e') as [string, string];
  const e = Number(exp);
  const body = `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return upper ? body.toUpperCase() : body;
}

function fixed(x: number, prec: number): string {
  if (x >= 1e21) {
    // toFixed switches to exponent form at 1e21; BigInt keeps every integer digit.
    const int = BigInt(Math.trunc(x)).toString();
    return prec > 0 ? `${int}.${'0'.repeat(prec)}` : int;
  }
  return x.toFixed(Math.min(prec, 100));
}

function general(x: number, prec: number, alt: boolean, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (x === 0) return alt ? `0.${'0'.repeat(p - 1)}`.replace(/\.$/, '') : '0';
  const e = Number(x.toExponential(p - 1).split('e')[1]);
  let body = p > e && e >= -4 ? fixed(x, p - 1 - e) : expo(x, p - 1, upper);
  if (!alt) {
    const [m, ex] = body.split(/(?=[eE])/) as [string, string | undefined];
    body = (m.includes('.') ? m.replace(/\.?0+$/, '') : m) + (ex ?? '');
  }
  return body;
}

function nonFinite(x: number, flags: string, width: number, upper: boolean): string {
  const body = Number.isNaN(x) ? 'nan' : 'inf';
  return pad(upper ? body.toUpperCase() : body, signOf(x < 0, flags), width, flags.replace('0', ''), false);
}

/**
 * Formats `fmt` with `args`, converting them with `num`/`str` (awk's rules, given by the caller).
 * Missing arguments count as "" / 0; a bad conversion is printed as is.
 */
export function formatPrintf(fmt: string, args: readonly Value[], num: (v: Value) => number, str: (v: Value) => string): string {
  let out = '';
  let next = 0;
  const arg = (): Value | undefined => args[next++];
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    SPEC.lastIndex = pct;
    const m = SPEC.exec(fmt);
    if (!m) {
      out += '%';
      i = pct + 1;
      continue;
    }
    i = SPEC.lastIndex;
    const conv = m[4]!;
    if (conv === '%') {
      out += '%';
      continue;
    }
    let flags = m[1]!;
    let width = 0;
    if (m[2] === '*') {
      const a = arg();
      width = a === undefined ? 0 : Math.trunc(num(a));
      if (width < 0) {
        flags += '-';
        width = -width;
      }
    } else if (m[2]) width = Number(m[2]);
    let prec: number | undefined;
    if (m[3] === '*') {
      const a = arg();
      prec = a === undefined ? 0 : Math.trunc(num(a));
      if (prec < 0) prec = undefined;
    } else if (m[3] !== undefined) prec = m[3] === '' ? 0 : Number(m[3]);
    width = Math.min(width, 1 << 20);
    const a = arg();
    switch (conv) {
      case 'd': case 'i': {
        const x = a === undefined ? 0 : num(a);
        if (!Number.isFinite(x)) {
          out += nonFinite(x, flags, width, false);
          break;
        }
        let digits = BigInt(Math.trunc(Math.abs(x))).toString();
        if (prec !== undefined) digits = prec === 0 && digits === '0' ? '' : digits.padStart(prec, '0');
        out += pad(digits, signOf(x < 0 && Math.trunc(x) !== 0, flags), width, prec !== undefined ? flags.replace('0', '') : flags, true);
        break;
      }
      case 'o': case 'u': case 'x': case 'X': {
        const x = a === undefined ? 0 : num(a);
        if (!Number.isFinite(x)) {
          out += nonFinite(x, flags, width, conv === 'X');
          break;
        }
        const big = BigInt.asUintN(64, BigInt(Math.trunc(x)));
        let digits = big.toString(conv === 'o' ? 8 : conv === 'u' ? 10 : 16);
        if (conv === 'X') digits = digits.toUpperCase();
        if (prec !== undefined) digits = prec === 0 && big === 0n ? '' : digits.padStart(prec, '0');
        let prefix = '';
        if (flags.includes('#') && big !== 0n) {
          if (conv === 'o' && !digits.startsWith('0')) digits = `0${digits}`;
          if (conv === 'x') prefix = '0x';
          if (conv === 'X') prefix = '0X';
        }
        out += pad(digits, prefix, width, prec !== undefined ? flags.replace('0', '') : flags, true);
        break;
      }
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
        const x = a === undefined ? 0 : num(a);
        const upper = conv === 'E' || conv === 'G' || conv === 'F';
        if (!Number.isFinite(x)) {
          out += nonFinite(x, flags, width, upper);
          break;
        }
        const p = prec ?? 6;
        const ax = Math.abs(x);
        let body = conv === 'e' || conv === 'E' ? expo(ax, p, upper) : conv === 'f' || conv === 'F' ? fixed(ax, p) : general(ax, p, flags.includes('#'), upper);
        if (flags.includes('#') && !body.includes('.') && (conv === 'f' || conv === 'F' || conv === 'e' || conv === 'E')) body = body.replace(/^(\d+)/, '$1.');
        out += pad(body, signOf(x < 0 || Object.is(x, -0), flags), width, flags, true);
        break;
      }
      case 'c': {
        let ch = '';
        if (a !== undefined) {
          if (typeof a === 'number') {
            const code = Math.trunc(a);
            ch = code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
          } else ch = [...str(a)][0] ?? '';
        }
        out += pad(ch, '', width, flags, false);
        break;
      }
      case 's': {
        let s = a === undefined ? '' : str(a);
        if (prec !== undefined) s = s.slice(0, prec);
        out += pad(s, '', width, flags, false);
        break;
      }
    }
  }
  return out;
}
