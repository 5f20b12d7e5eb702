/**
 * VFS snapshots: a JSON-able tree whose file contents are stored content-addressed (sha256 hex →
 * base64), so identical files are stored once and a tenant's state can be saved, restored and
 * moved. Decoding validates strictly: unknown keys, bad names, bad hashes, blobs whose content
 * does not match their hash, and unused blobs are all rejected (EINVAL).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fromBase64, toBase64 } from './base64.js';
import { osError } from './errno.js';
import { DirNode, FileNode } from './inode.js';
import type { Node } from './inode.js';

export const SNAPSHOT_FORMAT = 'outlayer-vfs/1';

export interface SnapshotFile {
  type: 'file';
  /** Decimal ns of the virtual clock. */
  mtimeNs: string;
  sha256: string;
}
export interface SnapshotDir {
  type: 'dir';
  mtimeNs: string;
  /** Sorted by name; an array, not an object, so a name like `__proto__` is just a name. */
  entries: [string, SnapshotNode][];
}
export type SnapshotNode = SnapshotFile | SnapshotDir;

export interface VfsSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  root: SnapshotDir;
  /** sha256 hex of the content → the content in base64. */
  blobs: Record<string, string>;
}

export function isSnapshot(value: unknown): value is VfsSnapshot {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === SNAPSHOT_FORMAT;
}

export function encodeSnapshot(root: DirNode): VfsSnapshot {
  const blobs: Record<string, string> = {};
  const encode = (node: Node): SnapshotNode => {
    if (node.kind === 'file') {
      const bytes = node.bytes();
      const hash = bytesToHex(sha256(bytes));
      if (!Object.hasOwn(blobs, hash)) blobs[hash] = toBase64(bytes);
      return { type: 'file', mtimeNs: node.mtimeNs.toString(), sha256: hash };
    }
    const names = [...node.entries.keys()].sort();
    return { type: 'dir', mtimeNs: node.mtimeNs.toString(), entries: names.map((name) => [name, encode(node.entries.get(name)!)]) };
  };
  return { format: SNAPSHOT_FORMAT, root: encode(root) as SnapshotDir, blobs };
}

export interface SnapshotBuilder {
  root(mtimeNs: bigint): DirNode;
  dir(parent: DirNode, name: string, mtimeNs: bigint): DirNode;
  file(parent: DirNode, name: string, mtimeNs: bigint, data: Uint8Array): FileNode;
}

const MAX_DEPTH = 2048;

function invalid(why: string): Error {
  return osError('EINVAL', `invalid snapshot: ${why}`);
}

function exactKeys(value: unknown, keys: string[], what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} is not an object`);
  const have = Object.keys(value).sort();
  if (have.join(',') !== [...keys].sort().join(',')) throw invalid(`${what} has keys [${have.join(', ')}], expected [${keys.join(', ')}]`);
  return value as Record<string, unknown>;
}

function mtime(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(value)) throw invalid(`${what}.mtimeNs is not a decimal string`);
  return BigInt(value);
}

/** Validates `snap` and rebuilds it through `build`, depth first in entry order. */
export function decodeSnapshot(snap: unknown, build: SnapshotBuilder): void {
  const top = exactKeys(snap, ['format', 'root', 'blobs'], 'snapshot');
  if (top.format !== SNAPSHOT_FORMAT) throw invalid(`format is not ${SNAPSHOT_FORMAT}`);
  const blobSource = exactKeys(top.blobs, Object.keys((top.blobs ?? {}) as object), 'blobs');
  const blobs = new Map<string, Uint8Array>();
  for (const [hash, b64] of Object.entries(blobSource)) {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw invalid(`blob key ${hash.slice(0, 80)} is not a sha256 hex`);
    const bytes = typeof b64 === 'string' ? fromBase64(b64) : null;
    if (!bytes) throw invalid(`blob ${hash} is not base64`);
    if (bytesToHex(sha256(bytes)) !== hash) throw invalid(`blob ${hash} does not match its hash`);
    blobs.set(hash, bytes);
  }
  const used = new Set<string>();
  const visit = (value: unknown, parent: DirNode | null, name: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw invalid('tree too deep');
    const type = (value as { type?: unknown } | null)?.type;
    if (type === 'file' && parent) {
      const f = exactKeys(value, ['type', 'mtimeNs', 'sha256'], name);
      const data = typeof f.sha256 === 'string' ? blobs.get(f.sha256) : undefined;
      if (!data) throw invalid(`${name}: sha256 names no blob`);
      used.add(f.sha256 as string);
      build.file(parent, name, mtime(f.mtimeNs, name), data);
      return;
    }
    if (type !== 'dir') throw invalid(`${name}: type is not ${parent ? "'file' or " : ''}'dir'`);
    const d = exactKeys(value, ['type', 'mtimeNs', 'entries'], name);
    const mtimeNs = mtime(d.mtimeNs, name);
    const dir = parent ? build.dir(parent, name, mtimeNs) : build.root(mtimeNs);
    if (!Array.isArray(d.entries)) throw invalid(`${name}: entries is not an array`);
    let previous: string | null = null;
    for (const entry of d.entries as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') throw invalid(`${name}: an entry is not [name, node]`);
      const child = entry[0];
      if (child === '' || child === '.' || child === '..' || child.includes('/') || child.includes('\0') || child.length > 255) throw invalid(`${name}: bad entry name ${JSON.stringify(child.slice(0, 80))}`);
      if (previous !== null && !(previous < child)) throw invalid(`${name}: entries are not sorted and unique`);
      previous = child;
      visit(entry[1], dir, child, depth + 1);
    }
    dir.mtimeNs = mtimeNs; // adding the entries touched it
  };
  visit(top.root, null, '/', 0);
  for (const hash of blobs.keys()) if (!used.has(hash)) throw invalid(`blob ${hash} is not used`);
}
