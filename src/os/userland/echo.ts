/**
 * echo [-neE] [string...]: GNU echo. Leading arguments made only of n, e, E are options (-n: no
 * newline; -e: interpret escapes; -E: don't, the default); `--` is printed, not an option.
 */
import { unescape } from './lib/escape.js';
import { argBin, tool } from './lib/io.js';

export const echo = tool('echo', async (t, args) => {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    for (const c of args[i]!.slice(1)) {
      if (c === 'n') newline = false;
      else escapes = c === 'e';
    }
  }
  let text = args.slice(i).map(argBin).join(' ');
  if (escapes) {
    const r = unescape(text, 'echo');
    if (r.stop) {
      await t.out(r.text);
      return 0;
    }
    text = r.text;
  }
  await t.out(newline ? `${text}\n` : text);
  return 0;
});
