/** Test helper: reads files relative to the repository root (tests only). */
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url);

const cache = new Map<string, Uint8Array>();

export function repoFile(path: string): Uint8Array {
  let bytes = cache.get(path);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(new URL(path, ROOT)));
    cache.set(path, bytes);
  }
  return bytes;
}

export function repoPath(path: string): string {
  return new URL(path, ROOT).pathname;
}
