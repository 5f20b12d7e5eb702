/**
 * printf FORMAT [argument...] (GNU coreutils semantics, C locale). The format is reused while
 * arguments remain; missing arguments read as '' or 0. Conversions: %s %b %c %d %i %o %u %x %X
 * %f %F %e %E %g %G %%, with flags `-+ #0`, width and precision (both may be `*`). Numeric
 * arguments may be decimal, 0x hex, 0 octal or `'c` (the character's code); a bad one is
 * reported and the status becomes 1.
 */
import { unescape } from './lib/escape.js';
import { argBin, tool, UsageError } from './lib/io.js';
import type { Tool } from './lib/io.js';

interface Spec {
  flags: string;
  width: number | undefined;
  precision: number | undefined;
  conv: string;
}

class Formatter {
  status = 0;
  index = 0;
  stopped = false;
  constructor(
    readonly t: Tool,
    readonly args: string[],
  ) {}

  next(): string | undefined {
    return this.index < this.args.length ? this.args[this.index++] : undefined;
  }

  async bad(message: string): Promise<void> {
    await this.t.error(message);
    this.status = 1;
  }

  async integer(): Promise<bigint> {
    const arg = this.next();
    if (arg === undefined || arg === '') return 0n;
    if (arg[0] === "'" || arg[0] === '"') return BigInt(arg.charCodeAt(1) || 0);
    const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(arg);
    if (!m) {
      await this.bad(`'${arg}': expected a numeric value`);
      return 0n;
    }
    const digits = m[2]!;
    let value = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits[0] === '0' ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
    if (m[1] === '-') value = -value;
    if (m[0].length !== arg.length) await this.bad(`'${arg}': value not completely converted`);
    return value;
  }

  async float(): Promise<number> {
    const arg = this.next();
    if (arg === undefined || arg === '') return 0;
    if (arg[0] === "'" || arg[0] === '"') return arg.charCodeAt(1) || 0;
    const m = /^[ \t\n\v\f\r]*([+-]?(?:inf(?:inity)?|nan|0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/i.exec(arg);
    if (!m) {
      await this.bad(`'${arg}': expected a numeric value`);
      return 0;
    }
    const text = m[1]!.toLowerCase();
    const sign = text.startsWith('-') ? -1 : 1;
    const body = text.replace(/^[+-]/, '');
    const value = body.startsWith('inf') ? Infinity : body === 'nan' ? NaN : body.startsWith('0x') ? Number(BigInt(body)) : Number(body);
    if (m[0].length !== arg.length) await this.bad(`'${arg}': value not completely converted`);
    return sign * value;
  }

  /** Renders one pass of the format; returns whether it consumed any argument conversions. */
  async pass(format: string): Promise<boolean> {
    let converted = false;
    let i = 0;
    while (i < format.length && !this.stopped) {
      const pct = format.indexOf('%', i);
      const literal = format.slice(i, pct === -1 ? format.length : pct);
      if (literal) {
        const r = unescape(literal, 'format');
        await this.t.out(r.text);
        if (r.stop) {
          this.stopped = true;
          break;
        }
      }
      if (pct === -1) break;
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlLqjzt]*(.?)/.exec(format.slice(pct))!;
      i = pct + m[0].length;
      const conv = m[4]!;
      if (conv === '%' && m[0] === '%%') {
        await this.t.out('%');
        continue;
      }
      if (!'sbcdiouxXfFeEgGaA'.includes(conv) || conv === '') {
        await this.bad(`${m[0]}: invalid conversion specification`);
        this.stopped = true;
        break;
      }
      converted = true;
      let width = m[2] === '*' ? Number(await this.integer()) : m[2] !== undefined ? Number(m[2]) : undefined;
      let flags = m[1]!;
      if (width !== undefined && width < 0) {
        flags += '-';
        width = -width;
      }
      let precision = m[3] === '*' ? Number(await this.integer()) : m[3] !== undefined ? Number(m[3] || '0') : undefined;
      if (precision !== undefined && precision < 0) precision = undefined;
      await this.convert({ flags, width, precision, conv });
    }
    return converted;
  }

  async convert(spec: Spec): Promise<void> {
    const { conv } = spec;
    let body: string;
    let numeric = false;
    if (conv === 's') {
      const s = this.next() ?? '';
      body = spec.precision !== undefined ? s.slice(0, spec.precision) : s;
    } else if (conv === 'b') {
      const r = unescape(this.next() ?? '', 'b');
      body = spec.precision !== undefined ? r.text.slice(0, spec.precision) : r.text;
      if (r.stop) this.stopped = true;
    } else if (conv === 'c') {
      body = (this.next() ?? '')[0] ?? '\0';
    } else if ('diouxX'.includes(conv)) {
      body = formatInteger(await this.integer(), spec);
      numeric = true;
    } else {
      const x = await this.float();
      body = formatFloat(x, spec);
      numeric = Number.isFinite(x);
    }
    await this.t.out(pad(body, spec, numeric));
  }
}

function pad(body: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  if (body.length >= width) return body;
  if (spec.flags.includes('-')) return body + ' '.repeat(width - body.length);
  const zeros = numeric && spec.flags.includes('0') && !('diouxX'.includes(spec.conv) && spec.precision !== undefined);
  if (!zeros) return ' '.repeat(width - body.length) + body;
  const prefix = /^([+ -]?(?:0[xX])?)/.exec(body)![1]!;
  return prefix + '0'.repeat(width - body.length) + body.slice(prefix.length);
}

function signOf(negative: boolean, flags: string): string {
  return negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
}

function formatInteger(value: bigint, spec: Spec): string {
  const { conv, flags, precision } = spec;
  const signed = conv === 'd' || conv === 'i';
  // Unsigned conversions of negative numbers wrap around 64 bits, as in C.
  if (!signed && value < 0n) value = BigInt.asUintN(64, value);
  const negative = value < 0n;
  const base = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
  let digits = (negative ? -value : value).toString(base);
  if (conv === 'X') digits = digits.toUpperCase();
  if (precision !== undefined) digits = precision === 0 && value === 0n ? '' : digits.padStart(precision, '0');
  let prefix = signed ? signOf(negative, flags) : '';
  if (flags.includes('#')) {
    if (conv === 'o' && !digits.startsWith('0')) digits = `0${digits}`;
    if ((conv === 'x' || conv === 'X') && value !== 0n) prefix = conv === 'x' ? '0x' : '0X';
  }
  return prefix + digits;
}

/** C's %e exponent has at least two digits. */
function exponential(x: number, precision: number): string {
  return x.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatFloat(x: number, spec: Spec): string {
  const { conv, flags } = spec;
  const upper = conv === conv.toUpperCase();
  const negative = x < 0 || Object.is(x, -0);
  const sign = signOf(negative, flags);
  const a = Math.abs(x);
  let body: string;
  if (Number.isNaN(x)) body = 'nan';
  else if (a === Infinity) body = 'inf';
  else {
    const precision = spec.precision ?? 6;
    const lower = conv.toLowerCase();
    if (lower === 'f') body = a.toFixed(Math.min(precision, 100));
    else if (lower === 'e') body = exponential(a, Math.min(precision, 100));
    else if (lower === 'g') {
      const p = precision === 0 ? 1 : Math.min(precision, 100);
      const exp = a === 0 ? 0 : Number(exponential(a, p - 1).split('e')[1]);
      body = p > exp && exp >= -4 ? a.toFixed(p - 1 - exp) : exponential(a, p - 1);
      if (!flags.includes('#')) {
        const [mantissa, e] = body.split('e') as [string, string | undefined];
        const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
        body = e === undefined ? trimmed : `${trimmed}e${e}`;
      }
    } else body = a.toString(16); // %a: not C's format, rarely used
    if (flags.includes('#') && !body.includes('.')) body = body.replace(/(?=e|$)/, '.');
  }
  return sign + (upper ? body.toUpperCase() : body);
}

export const printf = tool('printf', async (t, args) => {
  const operands = args[0] === '--' ? args.slice(1) : args;
  if (operands.length === 0) throw new UsageError('missing operand');
  const format = argBin(operands[0]!);
  const f = new Formatter(t, operands.slice(1).map(argBin));
  for (;;) {
    const before = f.index;
    const converted = await f.pass(format);
    if (f.stopped || f.index >= f.args.length) break;
    if (!converted || f.index === before) {
      await t.error(`warning: ignoring excess arguments, starting with '${f.args[f.index]}'`);
      break;
    }
  }
  return f.status;
});
