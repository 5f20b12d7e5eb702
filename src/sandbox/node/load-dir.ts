/**
 * Node-only: copies a host directory into the in-memory filesystem, for `--dir host::guest`.
 * The copy is taken once, before the guest runs; the guest never touches the host directory.
 * Entries are read in sorted order, so the same tree always yields the same inode numbers.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { OutlayerError } from '../../errors.js';
import { dir, file, symlink, type DirNode, type FileNode } from '../wasi/fs.js';

export const DEFAULT_MAX_LOAD_BYTES = 256 * 1024 * 1024;

export interface LoadHostDirOptions {
  /** Most file (and symlink target) bytes to copy; more fails (default 256 MiB). */
  maxBytes?: number;
}

/**
 * Reads `hostPath` recursively into a DirNode: regular files, subdirectories, and symlinks as
 * symlinks (not followed). Hard links stay hard links. Sockets, FIFOs and devices are skipped.
 * Throws OutlayerError('usage') with the offending path when something cannot be read or the tree
 * is larger than `maxBytes`.
 *
 * ```ts
 * const root = loadHostDir('./data', { maxBytes: 16 << 20 });
 * new Wasi({ ...config, preopens: [{ guestPath: '/data', root }] }, host);
 * ```
 */
export function loadHostDir(hostPath: string, opts: LoadHostDirOptions = {}): DirNode {
  for (const key of Object.keys(opts)) {
    if (key !== 'maxBytes') throw new OutlayerError('usage', `loadHostDir: unknown option "${key}"`);
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_LOAD_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new OutlayerError('usage', 'loadHostDir: maxBytes must be a non-negative integer');

  const root = stat(hostPath, statSync); // the root itself may be a symlink to a directory
  if (!root.isDirectory()) throw new OutlayerError('usage', `cannot preopen ${hostPath}: not a directory`);

  let total = 0;
  const hardLinks = new Map<string, FileNode>();
  const account = (bytes: number, path: string): void => {
    total += bytes;
    if (total > maxBytes) {
      throw new OutlayerError('usage', `cannot preopen ${hostPath}: the tree exceeds ${maxBytes} bytes (at ${path})`);
    }
  };

  const load = (path: string): DirNode => {
    const out = dir();
    let names: string[];
    try {
      names = readdirSync(path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (e) {
      throw unreadable(path, e);
    }
    for (const name of names) {
      const child = join(path, name);
      const st = stat(child, lstatSync);
      if (st.isDirectory()) {
        out.put(name, load(child));
      } else if (st.isSymbolicLink()) {
        const target = read(child, (p) => readlinkSync(p, 'utf8'));
        account(Buffer.byteLength(target), child);
        out.put(name, symlink(target));
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        let node = st.nlink > 1 ? hardLinks.get(key) : undefined;
        if (node === undefined) {
          account(st.size, child);
          node = file(new Uint8Array(read(child, (p) => readFileSync(p))));
          if (st.nlink > 1) hardLinks.set(key, node);
        }
        out.put(name, node);
      }
    }
    return out;
  };
  return load(hostPath);
}

function unreadable(path: string, e: unknown): OutlayerError {
  return new OutlayerError('usage', `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
}

function stat(path: string, fn: (p: string) => Stats): Stats {
  try {
    return fn(path);
  } catch (e) {
    throw unreadable(path, e);
  }
}

function read<T>(path: string, fn: (p: string) => T): T {
  try {
    return fn(path);
  } catch (e) {
    throw unreadable(path, e);
  }
}
