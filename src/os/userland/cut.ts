/**
 * cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [-n] [file...]: selects bytes, characters
 * (bytes here, as in GNU) or DELIM-separated fields (default TAB) of each line. LIST is
 * comma-separated N, N-M, N- and -M. Lines without the delimiter are printed whole unless -s.
 * Unsupported: --complement, --output-delimiter, -z.
 */
import { getopt, has, last } from './lib/getopt.js';
import { argBin, tool, UsageError } from './lib/io.js';

type Ranges = Array<[number, number]>;

function parseList(list: string, what: string): Ranges {
  const ranges: Ranges = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '') || (m[2] === '' && m[3] !== '')) throw new UsageError(`invalid ${what} value '${part}'`);
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? Infinity : Number(m[3]);
    if (lo === 0 || hi === 0) throw new UsageError(`${what === 'field' ? 'fields' : 'byte/character positions'} are numbered from 1`);
    if (hi < lo) throw new UsageError('invalid decreasing range');
    ranges.push([lo, hi]);
  }
  return ranges;
}

const selected = (ranges: Ranges, i: number): boolean => ranges.some(([lo, hi]) => i >= lo && i <= hi);

export const cut = tool('cut', async (t, args) => {
  const parsed = getopt(args, 'b:c:d:f:ns');
  const modes = parsed.opts.filter(([l]) => l === 'b' || l === 'c' || l === 'f');
  if (modes.length === 0) throw new UsageError('you must specify a list of bytes, characters, or fields');
  if (modes.length > 1) throw new UsageError('only one type of list may be specified');
  const [mode, list] = modes[0]!;
  const fields = mode === 'f';
  const ranges = parseList(list, fields ? 'field' : 'byte/character');
  const delimArg = last(parsed, 'd');
  if (delimArg !== undefined && !fields) throw new UsageError('an input delimiter may be specified only when operating on fields');
  if (has(parsed, 's') && !fields) throw new UsageError('suppressing non-delimited lines makes sense\n\tonly when operating on fields');
  const delim = delimArg === undefined ? '\t' : argBin(delimArg);
  if (delim.length !== 1) throw new UsageError('the delimiter must be a single character');
  const onlyDelimited = has(parsed, 's');

  return t.eachInput(parsed.operands, async (fd) => {
    for await (const raw of t.lines(fd)) {
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      let out: string;
      if (!fields) {
        out = '';
        for (let i = 0; i < line.length; i++) if (selected(ranges, i + 1)) out += line[i];
      } else if (!line.includes(delim)) {
        if (onlyDelimited) continue;
        out = line;
      } else {
        out = line
          .split(delim)
          .filter((_, i) => selected(ranges, i + 1))
          .join(delim);
      }
      await t.out(`${out}\n`);
    }
  });
});
