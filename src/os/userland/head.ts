/**
 * head [-n N | -c N | -N] [-qv] [file...]: the first N (default 10) lines or bytes of each input;
 * `-n -N`/`-c -N` everything but the last N. Stops reading as soon as it has enough, so
 * `yes | head` ends. Headers `==> name <==` for several inputs (-q: never, -v: always).
 */
import { header, parseHeadTail } from './lib/count.js';
import { tool } from './lib/io.js';

export const head = tool('head', async (t, args) => {
  const { bytes, count, inputs, headers } = parseHeadTail(args, false);
  let index = 0;
  return t.eachInput(inputs, async (fd, label) => {
    if (headers) await header(t, index++, label);
    if (count.sign === '-') {
      // All but the last N: the whole input is needed.
      const text = await t.readAll(fd);
      if (bytes) await t.out(text.slice(0, Math.max(0, text.length - count.n)));
      else {
        const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
        await t.out(lines.slice(0, Math.max(0, lines.length - count.n)).join(''));
      }
      return;
    }
    let left = count.n;
    if (left === 0) return;
    for await (const chunk of t.chunks(fd)) {
      if (bytes) {
        const part = chunk.subarray(0, left);
        left -= part.length;
        await t.out(part);
      } else {
        let end = 0;
        while (end < chunk.length && left > 0) {
          const nl = chunk.indexOf(10, end);
          if (nl === -1) end = chunk.length;
          else {
            end = nl + 1;
            left--;
          }
        }
        await t.out(chunk.subarray(0, end));
      }
      if (left === 0) return;
    }
  });
});
