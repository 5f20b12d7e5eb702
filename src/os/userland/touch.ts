/**
 * touch [-acm] file...: creates missing files (-c: doesn't). The contract has no utimes, so an
 * existing file is opened for writing and closed, which changes its time only if the kernel
 * records opens; -a, -m are accepted. Unsupported: -d, -t, -r.
 */
import { getopt, has } from './lib/getopt.js';
import { strerror, tool, UsageError } from './lib/io.js';
import { statOrNull } from './lib/targets.js';

export const touch = tool('touch', async (t, args) => {
  const parsed = getopt(args, 'acm');
  if (parsed.operands.length === 0) throw new UsageError('missing file operand');
  let status = 0;
  for (const path of parsed.operands) {
    try {
      const st = statOrNull(t, path);
      if (st?.kind === 'dir' || (!st && has(parsed, 'c'))) continue;
      t.p.close(await t.p.open(path, { write: true, create: true }));
    } catch (e) {
      await t.error(`cannot touch '${path}': ${strerror(e)}`);
      status = 1;
    }
  }
  return status;
});
