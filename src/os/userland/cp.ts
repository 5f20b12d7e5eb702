/**
 * cp [-rRafp] SRC DEST | SRC... DIR: copies files; -r/-R/-a directories recursively. -f and -p
 * are accepted (nothing to force, no modes to keep).
 */
import { getopt, has } from './lib/getopt.js';
import { strerror, tool } from './lib/io.js';
import { isWithin, resolve } from './lib/path.js';
import { checkPair, targets } from './lib/targets.js';
import { copyTree } from './lib/tree.js';

export const cp = tool('cp', async (t, args) => {
  const parsed = getopt(args, 'afpRr');
  const recursive = has(parsed, 'r') || has(parsed, 'R') || has(parsed, 'a');
  let status = 0;
  for (const { source, target } of targets(t, parsed.operands)) {
    try {
      const pair = await checkPair(t, source, target);
      if (!pair) {
        status = 1;
        continue;
      }
      const { from, to } = pair;
      if (from.kind === 'dir' && !recursive) {
        await t.error(`-r not specified; omitting directory '${source}'`);
        status = 1;
      } else if (from.kind === 'dir' && isWithin(resolve(t.p.cwd, source), resolve(t.p.cwd, target))) {
        await t.error(`cannot copy a directory, '${source}', into itself, '${target}'`);
        status = 1;
      } else if (from.kind === 'dir' && to && to.kind !== 'dir') {
        await t.error(`cannot overwrite non-directory '${target}' with directory '${source}'`);
        status = 1;
      } else await copyTree(t.p, source, target);
    } catch (e) {
      await t.error(`cannot copy '${source}' to '${target}': ${strerror(e)}`);
      status = 1;
    }
  }
  return status;
});
