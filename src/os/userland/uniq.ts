/**
 * uniq [-c] [-d|-u] [input [output]]: collapses runs of equal adjacent lines. -c prefixes each
 * with its count (GNU's `%7d `), -d prints only repeated lines, -u only unique ones.
 * Unsupported: -f -s -i -w -z.
 */
import { getopt, has } from './lib/getopt.js';
import { strerror, tool, UsageError } from './lib/io.js';

export const uniq = tool('uniq', async (t, args) => {
  const parsed = getopt(args, 'cdu');
  const count = has(parsed, 'c');
  const onlyRepeated = has(parsed, 'd');
  const onlyUnique = has(parsed, 'u');
  const [input = '-', output, extra] = parsed.operands;
  if (extra !== undefined) throw new UsageError(`extra operand '${extra}'`);
  let outFd: number | undefined;
  if (output !== undefined && output !== '-') {
    try {
      outFd = await t.p.open(output, { write: true, create: true, truncate: true });
    } catch (e) {
      await t.error(`${output}: ${strerror(e)}`);
      return 1;
    }
  }
  let text = '';
  const emit = (line: string, n: number): void => {
    if ((onlyRepeated && n < 2) || (onlyUnique && n > 1)) return;
    text += count ? `${String(n).padStart(7)} ${line}\n` : `${line}\n`;
  };
  let previous: string | undefined;
  let n = 0;
  const status = await t.eachInput([input], async (fd) => {
    for await (const raw of t.lines(fd)) {
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      if (line === previous) {
        n++;
        continue;
      }
      if (previous !== undefined) emit(previous, n);
      previous = line;
      n = 1;
      if (outFd === undefined && text.length >= 8192) {
        await t.out(text);
        text = '';
      }
    }
  });
  if (previous !== undefined) emit(previous, n);
  if (outFd === undefined) await t.out(text);
  else {
    await t.p.write(outFd, Uint8Array.from(text, (c) => c.charCodeAt(0)));
    t.p.close(outFd);
  }
  return status;
});
