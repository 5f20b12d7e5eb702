/**
 * Caches for instrumented modules, keyed by the sha256 of the original bytes plus the meter
 * version. `ByteStore` is the persistent tier (a directory in Node: ./node/disk-cache.ts; none
 * in browsers); `LruCache` is the in-memory tier.
 */

/** A persistent key → bytes store. Implementations must never throw on a miss. */
export interface ByteStore {
  get(key: string): Promise<Uint8Array<ArrayBuffer> | undefined>;
  set(key: string, bytes: Uint8Array): Promise<void>;
}

/** A small least-recently-used map. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
