/**
 * POSIX getopt(3) with GNU argument permutation: option letters may be grouped (`-nr`), an option
 * argument may be attached (`-k2`) or separate (`-k 2`), `--` ends the options, and `-` alone is
 * an operand. Unknown options and missing arguments are UsageErrors worded like glibc's.
 */
import { UsageError } from './io.js';

export interface Parsed {
  /** Options in order, each with its argument (options without one get ''). */
  opts: Array<[letter: string, arg: string]>;
  operands: string[];
}

/**
 * `spec` lists the option letters; a letter followed by ':' takes an argument. With
 * `stopAtOperand` (for `env`, whose command's own options follow), parsing stops at the first
 * operand as POSIX requires.
 */
export function getopt(args: readonly string[], spec: string, stopAtOperand = false): Parsed {
  const opts: Parsed['opts'] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (stopAtOperand) {
        operands.push(...args.slice(i));
        break;
      }
      operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const at = spec.indexOf(letter);
      if (at === -1 || letter === ':') throw new UsageError(`invalid option -- '${letter}'`);
      if (spec[at + 1] !== ':') {
        opts.push([letter, '']);
        continue;
      }
      if (j + 1 < arg.length) opts.push([letter, arg.slice(j + 1)]);
      else if (i + 1 < args.length) opts.push([letter, args[++i]!]);
      else throw new UsageError(`option requires an argument -- '${letter}'`);
      break;
    }
  }
  return { opts, operands };
}

/** Whether the letter was given. */
export function has(parsed: Parsed, letter: string): boolean {
  return parsed.opts.some(([l]) => l === letter);
}

/** The last argument given to the letter, if any. */
export function last(parsed: Parsed, letter: string): string | undefined {
  let value: string | undefined;
  for (const [l, a] of parsed.opts) if (l === letter) value = a;
  return value;
}
