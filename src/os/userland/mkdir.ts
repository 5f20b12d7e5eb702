/** mkdir [-p] [-m MODE] dir...: creates directories (-p: with parents, existing ones fine; -m is accepted and ignored: no permissions). */
import { getopt, has } from './lib/getopt.js';
import { osError, strerror, tool, UsageError } from './lib/io.js';

export const mkdir = tool('mkdir', async (t, args) => {
  const parsed = getopt(args, 'm:pv');
  const parents = has(parsed, 'p');
  if (parsed.operands.length === 0) throw new UsageError('missing operand');
  let status = 0;
  for (const dir of parsed.operands) {
    try {
      if (parents) {
        try {
          t.p.mkdir(dir, { recursive: true });
        } catch (e) {
          if (osError(e).code !== 'EEXIST' || t.p.stat(dir).kind !== 'dir') throw e;
        }
      } else t.p.mkdir(dir);
      if (has(parsed, 'v')) await t.text(`mkdir: created directory '${dir}'\n`);
    } catch (e) {
      await t.error(`cannot create directory '${dir}': ${strerror(e)}`);
      status = 1;
    }
  }
  return status;
});
