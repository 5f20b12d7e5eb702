/**
 * Content-addressed artifact blobs on disk: `<dataDir>/artifacts/<first 2 hex>/<sha256>`, with a
 * small JSON index (`index.json`: size, kind, created, last access) beside them.
 *
 * Writes stream into `artifacts/tmp/` while hashing, are checked against the expected hash and
 * the size cap, and are published with `link()` (atomic, never overwrites: exactly one of several
 * concurrent identical puts reports `created`). The total size is bounded: after a put that
 * exceeds the disk cap, least-recently-accessed blobs are evicted, never the one just written and
 * never a pinned one. One process owns a data directory (temp files left by a crash are removed
 * on open).
 *
 * @example
 * const store = await ArtifactStore.open({ dataDir: '.outlayer' });
 * const { sha256, created } = await store.put(hash, bytes, { kind: 'wasm' });
 * const blob = await store.get(sha256); // { stream, size, kind } | null
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, link, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { API_ERROR_CODES } from '../../errors.js';

export type ArtifactKind = 'wasm' | 'js' | 'sh';

/** Artifact error codes with the HTTP status a route should answer with. */
/** The artifact store's error codes; their HTTP statuses live in the one registry (src/errors.ts). */
export type ArtifactErrorCode = 'bad_hash' | 'hash_mismatch' | 'too_large' | 'not_found';
export const ARTIFACT_ERROR_STATUS: Readonly<Record<ArtifactErrorCode, number>> = {
  bad_hash: API_ERROR_CODES.bad_hash.status,
  hash_mismatch: API_ERROR_CODES.hash_mismatch.status,
  too_large: API_ERROR_CODES.too_large.status,
  not_found: API_ERROR_CODES.not_found.status,
};

/** A caller's mistake with an artifact (bad hash, wrong content, too big, missing). */
export class ArtifactError extends Error {
  readonly code: ArtifactErrorCode;
  readonly status: number;
  constructor(code: ArtifactErrorCode, message: string) {
    super(message);
    this.name = 'ArtifactError';
    this.code = code;
    this.status = ARTIFACT_ERROR_STATUS[code];
  }
}

/** Default total disk cap: 1 GiB. */
export const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
/** Default cap for one blob: 64 MiB. */
export const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;
const INDEX_FILE = 'index.json';
const TMP_DIR = 'tmp';
const TOUCH_FLUSH_MS = 1000;

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

/** Throws `bad_hash` unless `value` is 64 lower-case hex characters. */
export function assertSha256(value: unknown): asserts value is string {
  if (!isSha256Hex(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
    throw new ArtifactError('bad_hash', `sha256 must be 64 lower-case hexadecimal characters, got ${shown}`);
  }
}

export interface ArtifactMeta {
  sha256: string;
  size: number;
  kind: ArtifactKind | null;
  /** ms since the epoch */
  created: number;
  /** ms since the epoch */
  last_access: number;
}

export interface ArtifactStoreOptions {
  /** The artifacts live in `<dataDir>/artifacts/`. */
  dataDir: string;
  /** Total bytes kept on disk before least-recently-accessed blobs are evicted (default 1 GiB). */
  maxTotalBytes?: number;
  /** Default per-blob cap for put() (default 64 MiB). */
  maxBlobBytes?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface PutOptions {
  /** Reject bodies larger than this (default: the store's maxBlobBytes). */
  maxBytes?: number;
  kind?: ArtifactKind;
}

export interface PutResult {
  sha256: string;
  size: number;
  /** false when an identical blob was already stored */
  created: boolean;
}

export interface ArtifactBlob {
  stream: Readable;
  size: number;
  kind: ArtifactKind | null;
}

export type ArtifactBody = Uint8Array | AsyncIterable<Uint8Array | string>;

const KNOWN_OPTIONS = ['dataDir', 'maxTotalBytes', 'maxBlobBytes', 'now'];

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`ArtifactStore: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export class ArtifactStore {
  readonly root: string;
  readonly maxTotalBytes: number;
  readonly maxBlobBytes: number;
  #now: () => number;
  #blobs = new Map<string, ArtifactMeta>();
  #pins = new Map<string, number>();
  #total = 0;
  #writing: Promise<void> = Promise.resolve();
  #flushTimer: NodeJS.Timeout | null = null;
  #disposed = false;

  private constructor(options: ArtifactStoreOptions) {
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.includes(key)) throw new TypeError(`ArtifactStore: unknown option ${JSON.stringify(key)}`);
    }
    if (typeof options.dataDir !== 'string' || options.dataDir === '') throw new TypeError('ArtifactStore: dataDir is required');
    this.root = join(options.dataDir, 'artifacts');
    this.maxTotalBytes = positiveInt(options.maxTotalBytes, 'maxTotalBytes', DEFAULT_MAX_TOTAL_BYTES);
    this.maxBlobBytes = positiveInt(options.maxBlobBytes, 'maxBlobBytes', DEFAULT_MAX_BLOB_BYTES);
    this.#now = options.now ?? Date.now;
  }

  /** Opens (creating) the store: removes stale temp files and reconciles the index with the disk. */
  static async open(options: ArtifactStoreOptions): Promise<ArtifactStore> {
    const store = new ArtifactStore(options);
    await store.#load();
    return store;
  }

  async #load(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    // A crash mid-put leaves a temp file; nothing else writes here while we own the directory.
    await rm(join(this.root, TMP_DIR), { recursive: true, force: true });
    await mkdir(join(this.root, TMP_DIR), { recursive: true });
    let saved: Record<string, Partial<ArtifactMeta>> = {};
    try {
      const parsed = JSON.parse(await readFile(join(this.root, INDEX_FILE), 'utf8')) as { blobs?: Record<string, Partial<ArtifactMeta>> };
      saved = parsed.blobs ?? {};
    } catch {
      // missing or corrupt index: rebuilt from the files below
    }
    const now = this.#now();
    for (const shard of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.root, shard))) {
        const path = join(this.root, shard, name);
        if (!isSha256Hex(name) || !name.startsWith(shard)) {
          await rm(path, { recursive: true, force: true });
          continue;
        }
        const st = await stat(path);
        const old = saved[name];
        const meta: ArtifactMeta = {
          sha256: name,
          size: st.size,
          kind: old?.kind === 'wasm' || old?.kind === 'js' || old?.kind === 'sh' ? old.kind : null,
          created: typeof old?.created === 'number' ? old.created : st.mtimeMs,
          last_access: typeof old?.last_access === 'number' ? old.last_access : now,
        };
        this.#blobs.set(name, meta);
        this.#total += meta.size;
      }
    }
    await this.#saveIndex();
  }

  /** Bytes currently stored. */
  get totalBytes(): number {
    return this.#total;
  }

  #path(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    assertSha256(sha256);
    return this.#blobs.has(sha256);
  }

  /** Metadata without touching the access time, or null. */
  stat(sha256: string): ArtifactMeta | null {
    assertSha256(sha256);
    const meta = this.#blobs.get(sha256);
    return meta ? { ...meta } : null;
  }

  /** Every stored blob's metadata. */
  list(): ArtifactMeta[] {
    return [...this.#blobs.values()].map((m) => ({ ...m }));
  }

  /**
   * Stores `body` under `expectedSha256`. Streams to a temp file while hashing; throws
   * ArtifactError `too_large` as soon as more than `maxBytes` arrived (the rest is not read) and
   * `hash_mismatch` when the content hashes differently. Idempotent: an existing blob is kept.
   */
  async put(expectedSha256: string, body: ArtifactBody, options: PutOptions = {}): Promise<PutResult> {
    assertSha256(expectedSha256);
    this.#checkOpen();
    const maxBytes = positiveInt(options.maxBytes, 'maxBytes', this.maxBlobBytes);
    if (body instanceof Uint8Array && body.byteLength > maxBytes) {
      throw new ArtifactError('too_large', `artifact is ${body.byteLength} bytes, more than the ${maxBytes}-byte limit`);
    }
    const tmp = join(this.root, TMP_DIR, `${expectedSha256}.${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const fh = await open(tmp, 'wx', 0o644);
    try {
      try {
        const chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> = body instanceof Uint8Array ? [body] : body;
        for await (const piece of chunks) {
          const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
          size += chunk.byteLength;
          if (size > maxBytes) {
            // leaving the loop stops reading (a Readable's iterator also destroys it on return)
            throw new ArtifactError('too_large', `artifact is more than the ${maxBytes}-byte limit`);
          }
          hash.update(chunk);
          await fh.write(chunk);
        }
        await fh.datasync();
      } finally {
        await fh.close();
      }
      const actual = hash.digest('hex');
      if (actual !== expectedSha256) {
        throw new ArtifactError('hash_mismatch', `content hashes to ${actual}, not the expected ${expectedSha256}`);
      }
      const created = await this.#publish(tmp, expectedSha256);
      const now = this.#now();
      const existing = this.#blobs.get(expectedSha256);
      if (existing) {
        existing.last_access = now;
        if (existing.kind === null && options.kind) existing.kind = options.kind;
      } else {
        this.#blobs.set(expectedSha256, { sha256: expectedSha256, size, kind: options.kind ?? null, created: now, last_access: now });
        this.#total += size;
      }
      await this.#evict(expectedSha256);
      await this.#saveIndex();
      return { sha256: expectedSha256, size, created: created && !existing };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Links the verified temp file into place; false when the blob already existed. */
  async #publish(tmp: string, sha256: string): Promise<boolean> {
    const final = this.#path(sha256);
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    try {
      await link(tmp, final);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
        // file systems without hard links: rename is atomic too (an identical blob may be replaced by itself)
        const existed = await stat(final).then(() => true, () => false);
        await rename(tmp, final);
        return !existed;
      }
      throw e;
    }
  }

  /** Opens a blob for reading (and marks it recently used), or null when it is not stored. */
  async get(sha256: string): Promise<ArtifactBlob | null> {
    assertSha256(sha256);
    this.#checkOpen();
    const meta = this.#blobs.get(sha256);
    if (!meta) return null;
    let fh;
    try {
      fh = await open(this.#path(sha256), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null; // deleted concurrently
      throw e;
    }
    const { size } = await fh.stat();
    this.#touch(meta);
    return { stream: fh.createReadStream({ autoClose: true }), size, kind: meta.kind };
  }

  /** Removes a blob (pinned or not); false when it was not stored. */
  async delete(sha256: string): Promise<boolean> {
    assertSha256(sha256);
    this.#checkOpen();
    if (!this.#remove(sha256)) return false;
    await unlink(this.#path(sha256)).catch(() => undefined);
    await this.#saveIndex();
    return true;
  }

  /** Protects a blob from eviction (counted: pin twice, unpin twice). Allowed before it is stored. */
  pin(sha256: string): void {
    assertSha256(sha256);
    this.#pins.set(sha256, (this.#pins.get(sha256) ?? 0) + 1);
  }

  unpin(sha256: string): void {
    assertSha256(sha256);
    const n = this.#pins.get(sha256) ?? 0;
    if (n <= 1) this.#pins.delete(sha256);
    else this.#pins.set(sha256, n - 1);
  }

  isPinned(sha256: string): boolean {
    return this.#pins.has(sha256);
  }

  #remove(sha256: string): boolean {
    const meta = this.#blobs.get(sha256);
    if (!meta) return false;
    this.#blobs.delete(sha256);
    this.#total -= meta.size;
    return true;
  }

  /** Evicts least-recently-accessed blobs until the total fits, sparing `keep` and pinned blobs. */
  async #evict(keep: string): Promise<void> {
    if (this.#total <= this.maxTotalBytes) return;
    const candidates = [...this.#blobs.values()]
      .filter((m) => m.sha256 !== keep && !this.#pins.has(m.sha256))
      .sort((a, b) => a.last_access - b.last_access || a.created - b.created);
    for (const meta of candidates) {
      if (this.#total <= this.maxTotalBytes) break;
      this.#remove(meta.sha256);
      await unlink(this.#path(meta.sha256)).catch(() => undefined);
    }
  }

  #touch(meta: ArtifactMeta): void {
    meta.last_access = Math.max(meta.last_access, this.#now());
    // Access times are flushed lazily: losing a few seconds of them on a crash only skews LRU order.
    if (this.#flushTimer === null && !this.#disposed) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = null;
        void this.#saveIndex().catch(() => undefined);
      }, TOUCH_FLUSH_MS);
      this.#flushTimer.unref();
    }
  }

  /** Writes the index atomically (temp file + rename), one write at a time. */
  #saveIndex(): Promise<void> {
    const run = async (): Promise<void> => {
      const blobs: Record<string, Omit<ArtifactMeta, 'sha256'>> = {};
      for (const m of this.#blobs.values()) blobs[m.sha256] = { size: m.size, kind: m.kind, created: m.created, last_access: m.last_access };
      const tmp = join(this.root, TMP_DIR, `index.${randomBytes(8).toString('hex')}`);
      await writeFile(tmp, JSON.stringify({ version: 1, blobs }));
      await rename(tmp, join(this.root, INDEX_FILE));
    };
    this.#writing = this.#writing.then(run, run);
    return this.#writing;
  }

  #checkOpen(): void {
    if (this.#disposed) throw new Error('ArtifactStore: used after dispose()');
  }

  /** Flushes pending access times; the store cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#disposed = true;
    await this.#saveIndex();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
