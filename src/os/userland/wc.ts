/**
 * wc [-clw] [file...]: newline, word and byte counts (default all three, in that order), with a
 * `total` line for several files. Width as GNU's: one count of one input prints bare; otherwise
 * the digits of the total size of the regular files, at least 7 when an input is not a regular
 * file (stdin, pipes). Words are maximal runs of non-whitespace (C locale). Unsupported: -m -L.
 */
import { getopt, has } from './lib/getopt.js';
import { osError, strerror, tool } from './lib/io.js';

interface Counts {
  lines: number;
  words: number;
  bytes: number;
}

const SPACE = new Uint8Array(256);
for (const c of ' \t\n\v\f\r') SPACE[c.charCodeAt(0)] = 1;

export const wc = tool('wc', async (t, args) => {
  const parsed = getopt(args, 'clw');
  let show = { lines: has(parsed, 'l'), words: has(parsed, 'w'), bytes: has(parsed, 'c') };
  if (!show.lines && !show.words && !show.bytes) show = { lines: true, words: true, bytes: true };
  const inputs = parsed.operands.length ? parsed.operands : ['-'];

  // Width first (GNU stats every input before counting).
  let width = 1;
  const shown = Number(show.lines) + Number(show.words) + Number(show.bytes);
  if (!(shown === 1 && inputs.length === 1)) {
    let minimum = 1;
    let regular = 0;
    for (const name of inputs) {
      if (name === '-') {
        if (t.p.fdKind(0) !== 'file') minimum = 7;
        continue;
      }
      try {
        const st = t.p.stat(name);
        if (st.kind === 'file') regular += st.size;
        else minimum = 7;
      } catch (e) {
        osError(e);
      }
    }
    width = Math.max(String(regular).length, minimum);
  }

  const format = (c: Counts, label: string | undefined): string => {
    const cols: string[] = [];
    if (show.lines) cols.push(String(c.lines).padStart(width));
    if (show.words) cols.push(String(c.words).padStart(width));
    if (show.bytes) cols.push(String(c.bytes).padStart(width));
    return `${cols.join(' ')}${label === undefined ? '' : ` ${label}`}\n`;
  };

  const total: Counts = { lines: 0, words: 0, bytes: 0 };
  let status = 0;
  for (const name of inputs) {
    const c: Counts = { lines: 0, words: 0, bytes: 0 };
    let inWord = false;
    let fd = 0;
    try {
      if (name !== '-') fd = await t.p.open(name, { read: true });
      for await (const chunk of t.chunks(fd)) {
        c.bytes += chunk.length;
        for (const b of chunk) {
          if (b === 10) c.lines++;
          if (SPACE[b]) inWord = false;
          else if (!inWord) {
            inWord = true;
            c.words++;
          }
        }
      }
    } catch (e) {
      await t.error(`${name}: ${strerror(e)}`);
      status = 1;
      continue;
    } finally {
      if (fd !== 0) t.p.close(fd);
    }
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
    await t.text(format(c, parsed.operands.length ? name : undefined));
  }
  if (inputs.length > 1) await t.text(format(total, 'total'));
  return status;
});
