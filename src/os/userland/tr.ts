/**
 * tr [-cds] SET1 [SET2]: translates, deletes (-d) or squeezes (-s) bytes of stdin. Sets take
 * escapes (\n \t \\ \NNN …), ranges `a-z`, classes `[:alpha:]` `[:digit:]` `[:lower:]`
 * `[:upper:]` `[:space:]` `[:alnum:]` `[:blank:]` `[:cntrl:]` `[:graph:]` `[:print:]`
 * `[:punct:]` `[:xdigit:]`, `[=c=]`, and in SET2 `[c*N]`/`[c*]`. A short SET2 is padded with its
 * last byte (GNU). -c complements SET1. Unsupported: -t.
 */
import { getopt, has } from './lib/getopt.js';
import { argBin, tool, UsageError } from './lib/io.js';

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
const matching = (test: (c: string) => boolean): number[] => range(0, 255).filter((b) => test(String.fromCharCode(b)));

const CLASSES: Record<string, number[]> = {
  alnum: matching((c) => /[0-9A-Za-z]/.test(c)),
  alpha: matching((c) => /[A-Za-z]/.test(c)),
  blank: [9, 32],
  cntrl: [...range(0, 31), 127],
  digit: range(48, 57),
  graph: range(33, 126),
  lower: range(97, 122),
  print: range(32, 126),
  punct: matching((c) => /[!-/:-@[-`{-~]/.test(c)),
  space: [9, 10, 11, 12, 13, 32],
  upper: range(65, 90),
  xdigit: matching((c) => /[0-9A-Fa-f]/.test(c)),
};

const ESCAPES: Record<string, number> = { '\\': 92, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** One character of a set at `i` (after escapes): its byte and the index after it. */
function char(s: string, i: number): [number, number] {
  if (s[i] !== '\\' || i + 1 >= s.length) return [s.charCodeAt(i), i + 1];
  const e = s[i + 1]!;
  if (e in ESCAPES) return [ESCAPES[e]!, i + 2];
  if (e >= '0' && e <= '7') {
    let j = i + 1;
    let v = 0;
    while (j < i + 4 && s[j]! >= '0' && s[j]! <= '7') v = v * 8 + Number(s[j++]);
    return [v & 0xff, j];
  }
  return [s.charCodeAt(i + 1), i + 2];
}

/** A parsed set; `fill` is where a `[c*]` goes (SET2), with its byte. */
interface CharSet {
  bytes: number[];
  fill?: { at: number; byte: number };
}

function parseSet(s: string, second: boolean): CharSet {
  const bytes: number[] = [];
  let fill: CharSet['fill'];
  let i = 0;
  while (i < s.length) {
    const cls = /^\[:([a-z]+):\]/.exec(s.slice(i));
    if (cls) {
      const members = CLASSES[cls[1]!];
      if (!members) throw new UsageError(`invalid character class '${cls[1]}'`);
      bytes.push(...members);
      i += cls[0].length;
      continue;
    }
    const eq = /^\[=(.)=\]/.exec(s.slice(i));
    if (eq) {
      bytes.push(eq[1]!.charCodeAt(0));
      i += eq[0].length;
      continue;
    }
    if (second && s[i] === '[') {
      const [c, after] = char(s, i + 1);
      const rep = /^\*(\d*)\]/.exec(s.slice(after));
      if (rep) {
        const n = rep[1] ? (rep[1].startsWith('0') ? parseInt(rep[1], 8) : Number(rep[1])) : 0;
        if (n === 0) fill = { at: bytes.length, byte: c };
        else bytes.push(...Array<number>(n).fill(c));
        i = after + rep[0].length;
        continue;
      }
    }
    const [lo, next] = char(s, i);
    if (s[next] === '-' && next + 1 < s.length) {
      const [hi, after] = char(s, next + 1);
      if (hi < lo) throw new UsageError(`range-endpoints of '${String.fromCharCode(lo)}-${String.fromCharCode(hi)}' are in reverse collating sequence order`);
      bytes.push(...range(lo, hi));
      i = after;
      continue;
    }
    bytes.push(lo);
    i = next;
  }
  return { bytes, fill };
}

export const tr = tool('tr', async (t, args) => {
  const parsed = getopt(args, 'cCds');
  const complement = has(parsed, 'c') || has(parsed, 'C');
  const del = has(parsed, 'd');
  const squeeze = has(parsed, 's');
  const [a, b, extra] = parsed.operands.map(argBin);
  if (a === undefined) throw new UsageError('missing operand');
  if (extra !== undefined) throw new UsageError(`extra operand '${extra}'`);
  const translating = !del && b !== undefined;
  if (!del && !squeeze && b === undefined) throw new UsageError(`missing operand after '${a}'\nTwo strings must be given when translating.`);
  if (del && !squeeze && b !== undefined) throw new UsageError(`extra operand '${b}'\nOnly one string may be given when deleting without squeezing repeats.`);

  let set1 = parseSet(a, false).bytes;
  if (complement) {
    const inSet = new Set(set1);
    set1 = range(0, 255).filter((c) => !inSet.has(c));
  }
  const set2 = b === undefined ? undefined : parseSet(b, true);
  let set2Bytes = set2?.bytes ?? [];
  if (set2?.fill) {
    const n = Math.max(0, set1.length - set2.bytes.length);
    set2Bytes = [...set2.bytes.slice(0, set2.fill.at), ...Array<number>(n).fill(set2.fill.byte), ...set2.bytes.slice(set2.fill.at)];
  }

  const map = Uint16Array.from(range(0, 255));
  if (translating) {
    if (set2Bytes.length === 0 && set1.length > 0) throw new UsageError('when not truncating set1, string2 must be non-empty');
    set1.forEach((c, i) => {
      map[c] = set2Bytes[Math.min(i, set2Bytes.length - 1)]!;
    });
  }
  const deleted = new Uint8Array(256);
  if (del) for (const c of set1) deleted[c] = 1;
  const squeezed = new Uint8Array(256);
  if (squeeze) for (const c of b !== undefined ? set2Bytes : set1) squeezed[c] = 1;

  let previous = -1;
  for await (const chunk of t.chunks(0)) {
    const out = new Uint8Array(chunk.length);
    let n = 0;
    for (const byte of chunk) {
      if (deleted[byte]) continue;
      const c = map[byte]!;
      if (squeezed[c] && c === previous) continue;
      out[n++] = c;
      previous = c;
    }
    await t.out(out.subarray(0, n));
  }
  return 0;
});
