/**
 * A contract call's view of its account's storage: reads go to the state (an overlay) on demand,
 * writes are recorded in `changes` and never touch the state. The chain applies `changes` (and
 * the storage usage they make) only when the call succeeds, so a failed call changes nothing.
 * Reading lazily keeps a call's cost proportional to what it touches, not to the contract's size.
 */
import type { Storage } from '../../js/host/state.js';
import { keyToBytes } from '../../js/host/state.js';
import type { StateReader } from '../store/types.js';

export class LazyStorage implements Storage {
  /** Keys written (value) or removed (null) during the call, in write order. */
  readonly changes = new Map<string, Uint8Array | null>();
  readonly #originals = new Map<string, Uint8Array | null>();

  constructor(
    readonly state: StateReader,
    readonly accountId: string,
  ) {}

  /** The value before the call (cached after the first read). */
  original(key: string): Uint8Array | null {
    let v = this.#originals.get(key);
    if (v === undefined) {
      v = this.state.getData(this.accountId, keyToBytes(key));
      this.#originals.set(key, v);
    }
    return v;
  }

  get(key: string): Uint8Array | undefined {
    const changed = this.changes.get(key);
    if (changed !== undefined) return changed ?? undefined;
    return this.original(key) ?? undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: Uint8Array): this {
    this.changes.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    const had = this.has(key);
    if (had) this.changes.set(key, null);
    return had;
  }

  /** The writes that change something (a key rewritten with its old value or removed when absent is not a change). */
  effectiveChanges(): Map<string, Uint8Array | null> {
    const out = new Map<string, Uint8Array | null>();
    for (const [k, v] of this.changes) {
      const old = this.original(k);
      if (v === null ? old !== null : !old || !sameBytes(old, v)) out.set(k, v);
    }
    return out;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
