/** Shared fixtures for the store tests (not part of the public API). */
import type { AccessKey, Account, BlockHeader, ChainStore } from './types.js';
import { NO_CODE_HASH } from './types.js';
import { StateOverlay } from './overlay.js';

export const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function account(amount: bigint, extra: Partial<Account> = {}): Account {
  return { amount, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: 182n, ...extra };
}

export const FULL: AccessKey = { nonce: 0n, permission: { kind: 'FullAccess' } };

export function fnKey(nonce: bigint, allowance: bigint | null): AccessKey {
  return { nonce, permission: { kind: 'FunctionCall', allowance, receiverId: 'app.test.near', methodNames: ['a', 'b'] } };
}

export const PK1 = 'ed25519:6E8sCci9badyRkXb3JoRpBj5p8C6Tw41ELDZoiihKEtp';
export const PK2 = 'ed25519:DcA2MzgpJbrUATQLLceocVckhhAqrkingax4oJ9kZ847';

export function header(height: bigint, extra: Partial<BlockHeader> = {}): BlockHeader {
  return {
    height,
    hash: `hash${height}`,
    prevHash: height === 0n ? NO_CODE_HASH : `hash${height - 1n}`,
    timestampNs: 1_700_000_000_000_000_000n + height * 1_000_000_000n,
    gasPrice: 100_000_000n,
    chunkHash: `chunk${height}`,
    receiptIds: [],
    txHashes: [],
    ...extra,
  };
}

/** Applies one block of `fill`'s changes at the next height and returns its header. */
export function block(store: ChainStore, fill: (o: StateOverlay) => void): BlockHeader {
  const latest = store.latestBlock();
  const h = header(latest ? latest.height + 1n : 0n);
  const o = new StateOverlay(store);
  fill(o);
  store.applyBlock(o, h);
  return h;
}

export const keysOf = (entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): number[][] => entries.map(([k]) => [...k]);
