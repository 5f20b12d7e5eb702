/**
 * rm [-frRd] file...: removes files; -r/-R directories and their contents; -d empty directories;
 * -f ignores missing files and a missing operand. Refuses `.`, `..` and `/`.
 */
import { getopt, has } from './lib/getopt.js';
import { osError, strerror, tool, UsageError } from './lib/io.js';
import { basename } from './lib/path.js';
import { removeTree } from './lib/tree.js';

export const rm = tool('rm', async (t, args) => {
  const parsed = getopt(args, 'dfiIrRv');
  const force = has(parsed, 'f');
  const recursive = has(parsed, 'r') || has(parsed, 'R');
  if (parsed.operands.length === 0) {
    if (force) return 0;
    throw new UsageError('missing operand');
  }
  let status = 0;
  for (const path of parsed.operands) {
    const base = basename(path);
    if (base === '.' || base === '..') {
      await t.error(`refusing to remove '.' or '..' directory: skipping '${path}'`);
      status = 1;
      continue;
    }
    if (base === '/') {
      await t.error("it is dangerous to operate recursively on '/'");
      status = 1;
      continue;
    }
    try {
      let kind;
      try {
        kind = t.p.stat(path).kind;
      } catch (e) {
        if (force && osError(e).code === 'ENOENT') continue;
        throw e;
      }
      if (kind === 'dir') {
        if (recursive) removeTree(t.p, path);
        else if (has(parsed, 'd')) t.p.rmdir(path);
        else {
          await t.error(`cannot remove '${path}': Is a directory`);
          status = 1;
          continue;
        }
      } else t.p.unlink(path);
      if (has(parsed, 'v')) await t.text(`removed '${path}'\n`);
    } catch (e) {
      await t.error(`cannot remove '${path}': ${strerror(e)}`);
      status = 1;
    }
  }
  return status;
});
