/** mv [-fi] SRC DEST | SRC... DIR: renames (copying and removing across devices, EXDEV). */
import { getopt } from './lib/getopt.js';
import { osError, strerror, tool } from './lib/io.js';
import { isWithin, resolve } from './lib/path.js';
import { checkPair, targets } from './lib/targets.js';
import { copyTree, removeTree } from './lib/tree.js';

export const mv = tool('mv', async (t, args) => {
  const parsed = getopt(args, 'fin');
  let status = 0;
  for (const { source, target } of targets(t, parsed.operands)) {
    try {
      const pair = await checkPair(t, source, target);
      if (!pair) {
        status = 1;
        continue;
      }
      const { from, to } = pair;
      if (from.kind === 'dir' && isWithin(resolve(t.p.cwd, source), resolve(t.p.cwd, target))) {
        await t.error(`cannot move '${source}' to a subdirectory of itself, '${target}'`);
        status = 1;
        continue;
      }
      if (to && to.kind === 'dir' && from.kind !== 'dir') {
        await t.error(`cannot overwrite directory '${target}' with non-directory`);
        status = 1;
        continue;
      }
      try {
        t.p.rename(source, target);
      } catch (e) {
        if (osError(e).code !== 'EXDEV') throw e;
        await copyTree(t.p, source, target);
        removeTree(t.p, source);
      }
    } catch (e) {
      await t.error(`cannot move '${source}' to '${target}': ${strerror(e)}`);
      status = 1;
    }
  }
  return status;
});
