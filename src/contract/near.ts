/**
 * The `near` host API as the OutLayer contract sees it (the realm's global, see
 * src/js/host/near-source.ts), typed, plus the few guards every method uses. Only this file
 * touches the global, so the rest of the contract reads as ordinary TypeScript.
 */
import { hexEncode } from './lib/base64.js';
import { ContractError } from './lib/errors.js';

export interface NearApi {
  storageRead(key: string): string | null;
  storageWrite(key: string, value: string): boolean;
  storageRemove(key: string): boolean;
  storageHasKey(key: string): boolean;
  currentAccountId(): string;
  signerAccountId(): string;
  predecessorAccountId(): string;
  blockTimestamp(): bigint;
  blockHeight(): bigint;
  attachedDeposit(): bigint;
  accountBalance(): bigint;
  log(...args: unknown[]): void;
  sha256(data: string | Uint8Array): Uint8Array;
  ed25519Verify(signature: Uint8Array, message: string | Uint8Array, publicKey: Uint8Array): boolean;
  panic(message?: string): never;
  valueReturn(value: string | Uint8Array): void;
  promiseBatchCreate(accountId: string): bigint;
  promiseBatchActionTransfer(promiseIndex: bigint, amount: bigint): void;
  promiseYieldCreate(methodName: string, args: string, gas: bigint, gasWeight: bigint): { promiseIndex: bigint; dataId: Uint8Array };
  promiseYieldResume(dataId: Uint8Array, payload: string): boolean;
  promiseReturn(promiseIndex: bigint): void;
  promiseResultsCount(): number;
  promiseResult(index: number): string | null;
}

/** The realm's `near` (undefined outside a contract call, e.g. in unit tests of pure modules). */
export const near: NearApi = (globalThis as unknown as { near: NearApi }).near;

/** Fails the call (and rolls back its state changes) with `message` as the panic text. */
export function fail(message: string): never {
  throw new ContractError(message);
}

/** near-sdk's check for methods without `#[payable]`. */
export function assertNoDeposit(method: string): void {
  if (near.attachedDeposit() !== 0n) fail(`Method ${method} doesn't accept deposit`);
}

/** near-sdk's `#[private]`: only the contract itself (its own callbacks) may call. */
export function assertPrivate(method: string): void {
  if (near.predecessorAccountId() !== near.currentAccountId()) fail(`Method ${method} is private`);
}

/** Sends `amount` yoctoNEAR to `accountId` in a receipt of its own (skipped for 0). */
export function transfer(accountId: string, amount: bigint): void {
  if (amount <= 0n) return;
  const p = near.promiseBatchCreate(accountId);
  near.promiseBatchActionTransfer(p, amount);
}

/** Lower-case hex of a sha256 digest. */
export function sha256Hex(data: string | Uint8Array): string {
  return hexEncode(near.sha256(data));
}
