/** Shared by head and tail: `-N` shorthand, counts, and the `==> name <==` headers. */
import { UsageError } from './io.js';
import type { Tool } from './io.js';
import { getopt, has } from './getopt.js';

/** Rewrites an obsolete leading `-N` (and, for tail, `+N`) into `-n N`. */
export function obsoleteCount(args: readonly string[], plus: boolean): readonly string[] {
  const first = args[0];
  if (first !== undefined && (/^-\d+$/.test(first) || (plus && /^\+\d+$/.test(first)))) return ['-n', first[0] === '+' ? first : first.slice(1), ...args.slice(1)];
  return args;
}

/** A count `[+-]digits` with GNU's size suffixes b (512), K/k (1024), M (1024²). */
export function parseCount(text: string, what: 'lines' | 'bytes'): { sign: '' | '+' | '-'; n: number } {
  const m = /^([+-]?)(\d+)(b|[kK]|M)?$/.exec(text);
  if (!m) throw new UsageError(`invalid number of ${what}: '${text}'`);
  const unit = m[3] === 'b' ? 512 : m[3] === 'M' ? 1024 * 1024 : m[3] ? 1024 : 1;
  return { sign: m[1] as '' | '+' | '-', n: Number(m[2]) * unit };
}

/** Prints the header for the i-th of several inputs. */
export async function header(t: Tool, i: number, label: string): Promise<void> {
  await t.text(`${i > 0 ? '\n' : ''}==> ${label === '-' ? 'standard input' : label} <==\n`);
}

/** head's and tail's shared options: `-n N` / `-c N` / `-N` (and `+N` for tail), `-q`, `-v`. */
export function parseHeadTail(args: readonly string[], tail: boolean): { bytes: boolean; count: { sign: '' | '+' | '-'; n: number }; inputs: string[]; headers: boolean } {
  const parsed = getopt(obsoleteCount(args, tail), 'c:n:qv');
  let bytes = false;
  let count: { sign: '' | '+' | '-'; n: number } = { sign: '', n: 10 };
  for (const [letter, arg] of parsed.opts) {
    if (letter === 'n' || letter === 'c') {
      bytes = letter === 'c';
      count = parseCount(arg, bytes ? 'bytes' : 'lines');
    }
  }
  const inputs = parsed.operands.length ? [...parsed.operands] : ['-'];
  return { bytes, count, inputs, headers: has(parsed, 'v') || (inputs.length > 1 && !has(parsed, 'q')) };
}
