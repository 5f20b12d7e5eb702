/** cp and mv's operands: `SRC DEST` or `SRC... DIR`, as (source, target) pairs. */
import type { Stat } from '../../types.js';
import { osError, UsageError } from './io.js';
import type { Tool } from './io.js';
import { basename, join } from './path.js';

export function statOrNull(t: Tool, path: string): Stat | null {
  try {
    return t.p.stat(path);
  } catch (e) {
    if (osError(e).code === 'ENOENT') return null;
    throw e;
  }
}

export function targets(t: Tool, operands: readonly string[]): Array<{ source: string; target: string }> {
  if (operands.length === 0) throw new UsageError('missing file operand');
  if (operands.length === 1) throw new UsageError(`missing destination file operand after '${operands[0]}'`);
  const dest = operands[operands.length - 1]!;
  const sources = operands.slice(0, -1);
  const destIsDir = statOrNull(t, dest)?.kind === 'dir';
  if (sources.length > 1 && !destIsDir) throw new UsageError(`target '${dest}' is not a directory`);
  return sources.map((source) => ({ source, target: destIsDir ? join(dest, basename(source)) : dest }));
}

/**
 * The checks cp and mv share before acting on one pair: the source exists and is not the target
 * itself. Returns both stats, or null after reporting why the pair is skipped.
 */
export async function checkPair(t: Tool, source: string, target: string): Promise<{ from: Stat; to: Stat | null } | null> {
  const from = statOrNull(t, source);
  if (!from) {
    await t.error(`cannot stat '${source}': No such file or directory`);
    return null;
  }
  const to = statOrNull(t, target);
  if (to && to.ino === from.ino) {
    await t.error(`'${source}' and '${target}' are the same file`);
    return null;
  }
  return { from, to };
}
