/**
 * tail [-n [+]N | -c [+]N | -N | +N] [-qv] [file...]: the last N (default 10) lines or bytes, or
 * with +N everything from line/byte N on. Headers as head's. Unsupported: -f -F --pid -s -z.
 */
import { header, parseHeadTail } from './lib/count.js';
import { tool } from './lib/io.js';

export const tail = tool('tail', async (t, args) => {
  const { bytes, count, inputs, headers } = parseHeadTail(args, true);
  let index = 0;
  return t.eachInput(inputs, async (fd, label) => {
    if (headers) await header(t, index++, label);
    const text = await t.readAll(fd);
    const from = count.sign === '+';
    if (bytes) {
      await t.out(from ? text.slice(Math.max(0, count.n - 1)) : text.slice(Math.max(0, text.length - count.n)));
      return;
    }
    const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    await t.out((from ? lines.slice(Math.max(0, count.n - 1)) : count.n === 0 ? [] : lines.slice(-count.n)).join(''));
  });
});
