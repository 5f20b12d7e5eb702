/**
 * The persistent tier of the instrumented-module cache for Node: one file per key in a
 * directory, written atomically (temp file + rename) so concurrent workers never read half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ByteStore } from '../cache.js';

/** `$OUTLAYER_CACHE_DIR`, else `~/.cache/outlayer/modules`. */
export function defaultCacheDir(): string {
  return process.env.OUTLAYER_CACHE_DIR || join(homedir(), '.cache', 'outlayer', 'modules');
}

export class DiskStore implements ByteStore {
  private ready: Promise<unknown> | null = null;
  constructor(readonly dir: string) {}

  private safe(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key)) throw new Error(`bad cache key ${JSON.stringify(key)}`);
    return join(this.dir, key);
  }

  async get(key: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    try {
      return new Uint8Array(await readFile(this.safe(key)));
    } catch {
      return undefined;
    }
  }

  async set(key: string, bytes: Uint8Array): Promise<void> {
    try {
      this.ready ??= mkdir(this.dir, { recursive: true });
      await this.ready;
      const tmp = `${this.safe(key)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, this.safe(key));
    } catch {
      // A cache that cannot be written (read-only home, full disk) only costs speed.
    }
  }
}
