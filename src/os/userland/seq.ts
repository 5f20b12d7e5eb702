/**
 * seq [-w] [-s SEP] [FIRST [INCR]] LAST: prints FIRST, FIRST+INCR, … up to LAST, one per line (or
 * separated by SEP, with a final newline). Decimal fractions are exact (scaled integers); the
 * output has as many decimals as FIRST or INCR. -w pads with zeros to the width of LAST.
 * Unsupported: -f FORMAT, exponents, inf/nan.
 */
import { argBin, tool, UsageError } from './lib/io.js';

interface Decimal {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function parseDecimal(text: string): Decimal {
  if (!NUMBER.test(text)) throw new UsageError(`invalid floating point argument: '${text}'`);
  const negative = text.startsWith('-');
  const [int, frac = ''] = text.replace(/^[+-]/, '').split('.') as [string, string?];
  const units = BigInt(`${int || '0'}${frac}`);
  return { units: negative ? -units : units, scale: frac.length };
}

const rescale = (d: Decimal, scale: number): bigint => d.units * 10n ** BigInt(scale - d.scale);

/** A scaled integer as decimal text with `places` decimals (truncating extra ones). */
function format(units: bigint, scale: number, places: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).slice(0, places).padEnd(places, '0');
  const text = places > 0 ? `${int}.${frac}` : int;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

export const seq = tool('seq', async (t, args) => {
  let sep = '\n';
  let equalWidth = false;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (operands.length > 0 || NUMBER.test(arg) || !arg.startsWith('-') || arg === '-') operands.push(arg);
    else if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    } else if (arg === '-w') equalWidth = true;
    else if (arg.startsWith('-s')) {
      const value = arg.length > 2 ? arg.slice(2) : args[++i];
      if (value === undefined) throw new UsageError("option requires an argument -- 's'");
      sep = argBin(value);
    } else if (arg === '-f' || arg.startsWith('-f')) throw new UsageError('-f FORMAT is not supported');
    else throw new UsageError(`invalid option -- '${arg[1]}'`);
  }
  if (operands.length === 0) throw new UsageError('missing operand');
  if (operands.length > 3) throw new UsageError(`extra operand '${operands[3]}'`);
  const nums = operands.map(parseDecimal);
  const [first, incr, last] = nums.length === 1 ? [{ units: 1n, scale: 0 }, { units: 1n, scale: 0 }, nums[0]!] : nums.length === 2 ? [nums[0]!, { units: 1n, scale: 0 }, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (incr.units === 0n) throw new UsageError(`invalid Zero increment value: '${operands[1]}'`);

  const places = Math.max(first.scale, incr.scale);
  const scale = Math.max(places, last.scale);
  const step = rescale(incr, scale);
  const end = rescale(last, scale);
  const width = equalWidth ? Math.max(format(rescale(first, scale), scale, places).length, format(end, scale, places).length) : 0;
  const pad = (s: string): string => (s.length >= width ? s : s.startsWith('-') ? `-${s.slice(1).padStart(width - 1, '0')}` : s.padStart(width, '0'));

  let started = false;
  for (let v = rescale(first, scale); step > 0n ? v <= end : v >= end; v += step) {
    await t.out(`${started ? sep : ''}${pad(format(v, scale, places))}`);
    started = true;
  }
  if (started) await t.out('\n');
  return 0;
});
