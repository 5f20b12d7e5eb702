/** Recursive copy and removal over the Proc's file system, shared by cp, mv and rm. */
import { FUEL } from '../../types.js';
import type { Proc } from '../../types.js';
import { osError } from './io.js';
import { join } from './path.js';

/** Copies a regular file's bytes (charged per byte). */
export async function copyFile(p: Proc, from: string, to: string): Promise<void> {
  const data = await p.readFile(from);
  p.charge(data.length * FUEL.byte);
  await p.writeFile(to, data);
}

/** Copies `from` (a file or, recursively, a directory) to `to`, which must not exist as a file when `from` is a directory. */
export async function copyTree(p: Proc, from: string, to: string): Promise<void> {
  if (p.stat(from).kind !== 'dir') return copyFile(p, from, to);
  let exists = false;
  try {
    exists = p.stat(to).kind === 'dir';
  } catch (e) {
    osError(e);
  }
  if (!exists) p.mkdir(to);
  for (const name of p.readdir(from)) await copyTree(p, join(from, name), join(to, name));
}

/** Removes `path` and, when it is a directory, everything below it. */
export function removeTree(p: Proc, path: string): void {
  if (p.stat(path).kind !== 'dir') return p.unlink(path);
  for (const name of p.readdir(path)) removeTree(p, join(path, name));
  p.rmdir(path);
}
