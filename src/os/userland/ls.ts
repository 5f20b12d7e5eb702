/**
 * ls [-1Aadl] [file...]: lists directories (sorted in byte order) and files, one per line (there
 * is no terminal). -a adds dot files and `.`/`..`, -A dot files only, -d lists directories
 * themselves, -l the long format: mode, links, owner, group, size, UTC date (`Mon DD HH:MM`, or
 * the year when over six months from now) and name, after a `total` of 1K blocks (4K per started
 * block). The VFS has no owners or permissions, so they read `user user` and 644/755.
 * Unsupported: -R -t -S -r -F -h -i and colours.
 */
import type { Stat } from '../types.js';
import { getopt, has } from './lib/getopt.js';
import { argBin, osError, strerror, tool } from './lib/io.js';
import type { Tool } from './lib/io.js';
import { join } from './lib/path.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HALF_YEAR_NS = 15_778_476_000_000_000n; // 365.2425 / 2 days, as GNU ls

const byteOrder = (a: string, b: string): number => {
  const x = argBin(a);
  const y = argBin(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

function date(mtimeNs: bigint, nowNs: bigint): string {
  const d = new Date(Number(mtimeNs / 1_000_000n));
  const day = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)}`;
  const diff = nowNs - mtimeNs;
  if (diff < HALF_YEAR_NS && diff > -HALF_YEAR_NS) return `${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${day}  ${d.getUTCFullYear()}`;
}

const MODES: Record<Stat['kind'], string> = { file: '-rw-r--r--', dir: 'drwxr-xr-x', pipe: 'prw-r--r--' };

async function list(t: Tool, entries: Array<{ name: string; st: Stat }>, long: boolean, total: boolean): Promise<void> {
  if (!long) {
    for (const e of entries) await t.text(`${e.name}\n`);
    return;
  }
  if (total) await t.text(`total ${entries.reduce((sum, e) => sum + Math.ceil(e.st.size / 4096) * 4, 0)}\n`);
  const width = Math.max(0, ...entries.map((e) => String(e.st.size).length));
  const now = t.p.now();
  for (const { name, st } of entries) {
    await t.text(`${MODES[st.kind]} ${st.kind === 'dir' ? 2 : 1} user user ${String(st.size).padStart(width)} ${date(st.mtimeNs, now)} ${name}\n`);
  }
}

export const ls = tool(
  'ls',
  async (t, args) => {
    const parsed = getopt(args, '1Aadl');
    const all = has(parsed, 'a');
    const almostAll = all || has(parsed, 'A');
    const long = has(parsed, 'l');
    const dirAsFile = has(parsed, 'd');
    const operands = parsed.operands.length ? parsed.operands : ['.'];
    let status = 0;
    const files: Array<{ name: string; st: Stat }> = [];
    const dirs: string[] = [];
    for (const name of operands) {
      try {
        const st = t.p.stat(name);
        if (st.kind === 'dir' && !dirAsFile) dirs.push(name);
        else files.push({ name, st });
      } catch (e) {
        await t.error(`cannot access '${name}': ${strerror(e)}`);
        status = 2;
      }
    }
    files.sort((a, b) => byteOrder(a.name, b.name));
    dirs.sort(byteOrder);
    await list(t, files, long, false);
    const headers = operands.length > 1;
    for (const [i, dir] of dirs.entries()) {
      if (headers) await t.text(`${files.length > 0 || i > 0 ? '\n' : ''}${dir}:\n`);
      try {
        const names = t.p.readdir(dir).filter((n) => almostAll || !n.startsWith('.'));
        if (all) names.push('.', '..');
        names.sort(byteOrder);
        const entries = names.map((name) => {
          try {
            return { name, st: t.p.stat(join(dir, name)) };
          } catch (e) {
            osError(e);
            return { name, st: { kind: 'file', size: 0, mtimeNs: 0n, ino: 0 } satisfies Stat };
          }
        });
        await list(t, entries, long, true);
      } catch (e) {
        await t.error(`cannot open directory '${dir}': ${strerror(e)}`);
        status = Math.max(status, 1);
      }
    }
    return status;
  },
  2,
);
