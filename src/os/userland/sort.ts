/**
 * sort [-nrusb] [-t SEP] [-k POS1[,POS2]]... [file...]: sorts lines in byte order (LC_ALL=C).
 * Keys are `F[.C][bnr][,F[.C][bnr]]`; without -t, fields are separated by the empty string
 * between a non-blank and a blank (leading blanks belong to the field). Lines equal by every key
 * are compared as whole lines (the "last resort"), unless -s or -u; -u keeps the first line of
 * each run of equal keys. -n compares leading numbers (`-?digits[.digits]`, others are 0).
 * Unsupported: -f -d -i -M -h -V -g -m -c -o -z.
 */
import { getopt, has, last } from './lib/getopt.js';
import { tool, UsageError } from './lib/io.js';
import { mergeSort } from './lib/merge-sort.js';

interface Key {
  startField: number;
  startChar: number;
  /** 0: to the end of the line. */
  endField: number;
  /** 0: the end of the end field. */
  endChar: number;
  numeric: boolean;
  reverse: boolean;
  blanks: boolean;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

function parseKey(spec: string, global: { numeric: boolean; reverse: boolean; blanks: boolean }): Key {
  const m = /^(\d+)(?:\.(\d+))?([bnr]*)(?:,(\d+)(?:\.(\d+))?([bnr]*))?$/.exec(spec);
  if (!m || Number(m[1]) === 0 || m[2] === '0') throw new UsageError(`invalid number at field start: invalid count at start of '${spec}'`);
  const letters = (m[3] ?? '') + (m[6] ?? '');
  const own = letters.length > 0;
  return {
    startField: Number(m[1]),
    startChar: m[2] ? Number(m[2]) : 1,
    endField: m[4] ? Number(m[4]) : 0,
    endChar: m[5] ? Number(m[5]) : 0,
    // Key letters replace the global ordering options for this key, as in POSIX.
    numeric: own ? letters.includes('n') : global.numeric,
    reverse: own ? letters.includes('r') : global.reverse,
    blanks: own ? letters.includes('b') : global.blanks,
  };
}

/** Start offsets of each field (and the line length at the end). */
function fieldStarts(line: string, sep: string | undefined): number[] {
  const starts = [0];
  if (sep !== undefined) {
    for (let i = line.indexOf(sep); i !== -1; i = line.indexOf(sep, i + 1)) starts.push(i + 1);
  } else {
    for (let i = 1; i < line.length; i++) if (isBlank(line[i]) && !isBlank(line[i - 1])) starts.push(i);
  }
  return starts;
}

function extract(line: string, key: Key, sep: string | undefined): string {
  const starts = fieldStarts(line, sep);
  const fieldEnd = (f: number): number => (f < starts.length ? starts[f]! - (sep !== undefined ? 1 : 0) : line.length);
  const skipBlanks = (at: number, limit: number): number => {
    while (at < limit && isBlank(line[at])) at++;
    return at;
  };
  if (key.startField > starts.length) return '';
  let begin = starts[key.startField - 1]!;
  if (key.blanks) begin = skipBlanks(begin, fieldEnd(key.startField));
  begin = Math.min(begin + key.startChar - 1, fieldEnd(key.startField));
  let end = line.length;
  if (key.endField) {
    if (key.endField <= starts.length) {
      end = fieldEnd(key.endField);
      if (key.endChar) {
        let at = starts[key.endField - 1]!;
        if (key.blanks) at = skipBlanks(at, end);
        end = Math.min(at + key.endChar, end);
      }
    }
  }
  return end > begin ? line.slice(begin, end) : '';
}

/** Compares the leading numbers of a and b exactly, digit by digit (no float rounding). */
export function compareNumbers(a: string, b: string): number {
  const parse = (s: string): { neg: boolean; int: string; frac: string } => {
    const m = /^[ \t]*(-?)(\d*)(?:\.(\d*))?/.exec(s)!;
    const int = m[2]!.replace(/^0+/, '');
    const frac = (m[3] ?? '').replace(/0+$/, '');
    return { neg: m[1] === '-' && (int !== '' || frac !== ''), int, frac };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.neg !== y.neg) return x.neg ? -1 : 1;
  let c = x.int.length - y.int.length || (x.int < y.int ? -1 : x.int > y.int ? 1 : 0) || (x.frac < y.frac ? -1 : x.frac > y.frac ? 1 : 0);
  if (x.neg) c = -c;
  return Math.sign(c);
}

const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sort = tool(
  'sort',
  async (t, args) => {
    const parsed = getopt(args, 'bk:nrst:u');
    const global = { numeric: has(parsed, 'n'), reverse: has(parsed, 'r'), blanks: has(parsed, 'b') };
    const sep = last(parsed, 't');
    if (sep !== undefined && sep.length !== 1) throw new UsageError(sep === '' ? 'empty tab' : `multi-character tab '${sep}'`);
    const keys = parsed.opts.filter(([l]) => l === 'k').map(([, spec]) => parseKey(spec, global));
    if (keys.length === 0) keys.push({ startField: 1, startChar: 1, endField: 0, endChar: 0, ...global });
    const unique = has(parsed, 'u');
    const lastResort = !unique && !has(parsed, 's');

    const lines: string[] = [];
    const status = await t.eachInput(parsed.operands, async (fd) => {
      let text = await t.readAll(fd);
      if (text === '') return;
      if (!text.endsWith('\n')) text += '\n';
      const split = text.split('\n');
      split.pop();
      lines.push(...split);
    });
    if (status !== 0) return 2;

    const compareKeys = (a: string, b: string): number => {
      for (const key of keys) {
        const x = extract(a, key, sep);
        const y = extract(b, key, sep);
        t.p.charge(x.length + y.length);
        const c = key.numeric ? compareNumbers(x, y) : compareBytes(x, y);
        if (c !== 0) return key.reverse ? -c : c;
      }
      return 0;
    };
    const compare = (a: string, b: string): number => {
      const c = compareKeys(a, b);
      if (c !== 0 || !lastResort) return c;
      return global.reverse ? -compareBytes(a, b) : compareBytes(a, b);
    };
    let sorted = mergeSort(t.p, lines, compare);
    if (unique) sorted = sorted.filter((line, i) => i === 0 || compareKeys(sorted[i - 1]!, line) !== 0);
    for (const line of sorted) await t.out(`${line}\n`);
    return 0;
  },
  2,
);
